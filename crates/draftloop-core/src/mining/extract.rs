//! One edit pair (what the model wrote, what the person kept) → the patterns it shows.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::time::Instant;

use serde_json::{json, Value};
use similar::{capture_diff_slices_deadline, Algorithm, DiffTag};
use unicode_segmentation::UnicodeSegmentation;

use super::words;
use super::{Example, Kind};

/// A token that is not white space, with where it sits in its text.
#[derive(Debug, Clone, Copy)]
struct Tok<'a> {
    text: &'a str,
    start: usize,
}

impl Tok<'_> {
    fn is_word(&self) -> bool {
        self.text.chars().any(char::is_alphanumeric)
    }
    fn is_emoji(&self) -> bool {
        self.text.chars().any(words::is_emoji)
    }
}

fn tokenize(text: &str) -> Vec<Tok<'_>> {
    text.split_word_bound_indices()
        .filter(|(_, t)| !t.trim().is_empty())
        .map(|(start, text)| Tok { text, start })
        .collect()
}

/// A pattern found in one pair.
#[derive(Debug, Clone)]
pub struct Found {
    pub kind: Kind,
    /// What makes two finds the same pattern (e.g. "utilize→use").
    pub key: String,
    pub details: Value,
    /// Word-level edits this pattern accounts for in the pair.
    pub weight: f64,
    pub example: Example,
    /// A whole sentence taken out: explained by shortening when the pair is shortened.
    pub whole_sentence: bool,
}

#[derive(Debug, Clone)]
pub struct Analysis {
    pub edits: usize,
    pub draft_words: usize,
    pub final_words: usize,
    pub found: Vec<Found>,
}

impl Analysis {
    pub fn normalized_distance(&self) -> f64 {
        let denom = self.draft_words.max(self.final_words);
        if denom == 0 {
            0.0
        } else {
            self.edits as f64 / denom as f64
        }
    }
}

/// The text from the first to the last token, as written.
fn span<'a>(text: &'a str, toks: &[Tok<'_>]) -> &'a str {
    match (toks.first(), toks.last()) {
        (Some(a), Some(b)) => &text[a.start..b.start + b.text.len()],
        _ => "",
    }
}

fn phrase_key(phrase: &str) -> String {
    phrase
        .trim_matches(|c: char| !c.is_alphanumeric())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Up to five tokens of context on each side of a change, as written.
fn context(text: &str, toks: &[Tok<'_>], from: usize, to: usize) -> String {
    let a = from.saturating_sub(5);
    let b = (to + 5).min(toks.len());
    span(text, &toks[a..b]).to_owned()
}

const MAX_PHRASE_WORDS: usize = 12;
const MAX_TERM_WORDS: usize = 3;

/// Token ranges of each sentence (line breaks end sentences too).
fn sentences(text: &str, toks: &[Tok<'_>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut t = 0;
    for (start, sentence) in text.split_sentence_bound_indices() {
        let end = start + sentence.len();
        let first = t;
        while t < toks.len() && toks[t].start < end {
            t += 1;
        }
        if t > first {
            out.push(first..t);
        }
    }
    out
}

type Op = (DiffTag, Range<usize>, Range<usize>);

/// A replaced run often hides separate edits that differ only in case ("In today's
/// world, teams utilize" → "Teams use"): align ignoring case, then split the run.
fn split_by_case(
    a: &[Tok<'_>],
    b: &[Tok<'_>],
    old: Range<usize>,
    new: Range<usize>,
    deadline: Instant,
) -> Vec<Op> {
    let lower = |t: &[Tok<'_>]| t.iter().map(|t| t.text.to_lowercase()).collect::<Vec<_>>();
    let (la, lb) = (lower(&a[old.clone()]), lower(&b[new.clone()]));
    let ops = capture_diff_slices_deadline(Algorithm::Myers, &la, &lb, Some(deadline));
    if !ops.iter().any(|op| op.tag() == DiffTag::Equal) {
        return vec![(DiffTag::Replace, old, new)];
    }
    let mut out = Vec::new();
    for op in ops {
        let (t, o, n) = op.as_tag_tuple();
        let (o, n) = (
            old.start + o.start..old.start + o.end,
            new.start + n.start..new.start + n.end,
        );
        if t != DiffTag::Equal {
            out.push((t, o, n));
        } else {
            // Equal but for case: each token a casing change of its own.
            out.extend(
                o.zip(n)
                    .filter(|(i, j)| a[*i].text != b[*j].text)
                    .map(|(i, j)| (DiffTag::Replace, i..i + 1, j..j + 1)),
            );
        }
    }
    out
}

/// Share of the longer side's words that the other side also has.
fn similarity(a: &[Tok<'_>], b: &[Tok<'_>]) -> f64 {
    let mut counts: HashMap<String, i64> = HashMap::new();
    let (mut la, mut lb) = (0, 0);
    for t in a.iter().filter(|t| t.is_word()) {
        *counts.entry(t.text.to_lowercase()).or_default() += 1;
        la += 1;
    }
    let mut shared = 0;
    for t in b.iter().filter(|t| t.is_word()) {
        lb += 1;
        if let Some(c) = counts.get_mut(&t.text.to_lowercase()).filter(|c| **c > 0) {
            *c -= 1;
            shared += 1;
        }
    }
    let longer = la.max(lb);
    if longer == 0 {
        1.0
    } else {
        f64::from(shared) / f64::from(longer)
    }
}

/// Changes in two steps: which sentences changed, then which words within changed
/// sentences. Words never align across sentences ("sends a summary" is not "Book a demo").
fn changes(
    a: &[Tok<'_>],
    b: &[Tok<'_>],
    sa: &[Range<usize>],
    sb: &[Range<usize>],
    deadline: Instant,
) -> Vec<Op> {
    let key = |toks: &[Tok<'_>], r: &Range<usize>| {
        toks[r.clone()]
            .iter()
            .map(|t| t.text)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (ka, kb): (Vec<String>, Vec<String>) = (
        sa.iter().map(|r| key(a, r)).collect(),
        sb.iter().map(|r| key(b, r)).collect(),
    );
    let span_of = |ranges: &[Range<usize>], r: Range<usize>, len: usize| match (
        ranges.get(r.start),
        r.end.checked_sub(1).and_then(|e| ranges.get(e)),
    ) {
        (Some(first), Some(last)) if !r.is_empty() => first.start..last.end,
        // An empty range sits where the next sentence starts (or at the end).
        _ => ranges.get(r.start).map_or(len..len, |s| s.start..s.start),
    };
    let mut out = Vec::new();
    for op in capture_diff_slices_deadline(Algorithm::Myers, &ka, &kb, Some(deadline)) {
        let (tag, os, ns) = op.as_tag_tuple();
        let (old, new) = (
            span_of(sa, os.clone(), a.len()),
            span_of(sb, ns.clone(), b.len()),
        );
        match tag {
            DiffTag::Equal => {}
            // Each removed or added sentence is a change of its own.
            DiffTag::Delete => {
                out.extend(os.map(|i| (DiffTag::Delete, sa[i].clone(), new.start..new.start)))
            }
            DiffTag::Insert => {
                out.extend(ns.map(|i| (DiffTag::Insert, old.start..old.start, sb[i].clone())))
            }
            // Sentences with little in common were replaced, not edited.
            DiffTag::Replace if similarity(&a[old.clone()], &b[new.clone()]) < 0.5 => {
                out.extend(os.map(|i| (DiffTag::Delete, sa[i].clone(), new.start..new.start)));
                out.extend(ns.map(|i| (DiffTag::Insert, old.end..old.end, sb[i].clone())));
            }
            DiffTag::Replace => {
                let (ta, tb): (Vec<&str>, Vec<&str>) = (
                    a[old.clone()].iter().map(|t| t.text).collect(),
                    b[new.clone()].iter().map(|t| t.text).collect(),
                );
                for w in capture_diff_slices_deadline(Algorithm::Myers, &ta, &tb, Some(deadline)) {
                    let (t, o, n) = w.as_tag_tuple();
                    let (o, n) = (
                        old.start + o.start..old.start + o.end,
                        new.start + n.start..new.start + n.end,
                    );
                    match t {
                        DiffTag::Equal => {}
                        DiffTag::Replace => out.extend(split_by_case(a, b, o, n, deadline)),
                        _ => out.push((t, o, n)),
                    }
                }
            }
        }
    }
    out
}

pub fn analyze(draft: &str, final_text: &str, deadline: Instant) -> Analysis {
    let (a, b) = (tokenize(draft), tokenize(final_text));
    let (sa, sb) = (sentences(draft, &a), sentences(final_text, &b));
    let sentence_starts: HashSet<usize> = sb.iter().map(|r| r.start).collect();
    let mut found: Vec<Found> = Vec::new();
    let mut edits = 0;
    for (tag, old, new) in changes(&a, &b, &sa, &sb, deadline) {
        edits += old.len().max(new.len());
        let whole_sentence = tag == DiffTag::Delete && sa.contains(&old);
        let (del, ins) = (&a[old.clone()], &b[new.clone()]);
        let example = Example {
            before: context(draft, &a, old.start, old.end),
            after: context(final_text, &b, new.start, new.end),
        };
        // Punctuation and emoji people take out, character by character; not the
        // hyphens and commas inside a phrase removed whole.
        let inserted: Vec<&str> = ins.iter().map(|t| t.text).collect();
        let words_removed = del.iter().any(Tok::is_word);
        for t in del.iter().filter(|t| !t.is_word() && !words_removed) {
            if t.is_emoji() {
                found.push(Found {
                    whole_sentence: false,
                    kind: Kind::Emoji,
                    key: String::new(),
                    details: json!({"chars": t.text}),
                    weight: 1.0,
                    example: example.clone(),
                });
            } else if !inserted.contains(&t.text) && !matches!(t.text, "," | "." | "'" | "\"") {
                found.push(Found {
                    whole_sentence: false,
                    kind: Kind::Punctuation,
                    key: t.text.to_owned(),
                    details: json!({"chars": t.text}),
                    weight: 1.0,
                    example: example.clone(),
                });
            }
        }
        let dw: Vec<Tok> = del.iter().copied().filter(Tok::is_word).collect();
        let iw: Vec<Tok> = ins.iter().copied().filter(Tok::is_word).collect();
        let (from, to) = (span(draft, &dw), span(final_text, &iw));
        let weight = dw.len().max(iw.len()) as f64;
        match (dw.is_empty(), iw.is_empty()) {
            (true, true) => {}
            (false, false) => {
                if let Some(made) = words::contraction(from, to) {
                    let key = if made { "use" } else { "avoid" };
                    found.push(Found {
                        whole_sentence: false,
                        kind: Kind::Contractions,
                        key: key.into(),
                        details: json!({"use": made}),
                        weight,
                        example,
                    });
                } else if from.to_lowercase() == to.to_lowercase() {
                    // A word that now starts a sentence is capitalized by grammar, not taste.
                    if sentence_starts.contains(&new.start) && !lowered(from, to) {
                        continue;
                    }
                    let lower = lowered(from, to);
                    let key = if lower { "lower" } else { "upper" };
                    found.push(Found {
                        whole_sentence: false,
                        kind: Kind::Casing,
                        key: key.into(),
                        details: json!({"to": key}),
                        weight,
                        example,
                    });
                } else if dw.len() == 1 && iw.len() == 1 {
                    if let Some(dir) = words::spelling_variant(from, to) {
                        found.push(Found {
                            whole_sentence: false,
                            kind: Kind::SpellingVariant,
                            key: dir.into(),
                            details: json!({"spelling": dir}),
                            weight,
                            example,
                        });
                    } else if !words::is_typo(from, to) {
                        push_term(&mut found, from, to, weight, example);
                    }
                } else if dw.len() <= MAX_TERM_WORDS && iw.len() <= MAX_TERM_WORDS {
                    push_term(&mut found, from, to, weight, example);
                }
            }
            (false, true) if dw.len() <= MAX_PHRASE_WORDS => {
                let at_start = old.start <= 1;
                found.push(Found {
 whole_sentence,
                    kind: Kind::RemovePhrase,
                    key: phrase_key(from),
                    details: json!({"phrase": from.trim_end_matches([',', ';', ':']), "position": if at_start { "start" } else { "any" }}),
                    weight,
                    example,
                });
            }
            (true, false) if iw.len() <= MAX_PHRASE_WORDS => {
                let at_end = new.end + 1 >= b.len();
                found.push(Found {
                    whole_sentence: false,
                    kind: Kind::AddPhrase,
                    key: phrase_key(to),
                    details: json!({"phrase": to, "position": if at_end { "end" } else { "any" }}),
                    weight,
                    example,
                });
            }
            _ => {}
        }
    }
    let (draft_words, final_words) = (a.len(), b.len());
    lines(draft, final_text, &mut found);
    whole(draft, final_text, draft_words, final_words, &mut found);
    Analysis {
        edits,
        draft_words,
        final_words,
        found,
    }
}

/// Whether `to` has fewer capitals than `from`.
fn lowered(from: &str, to: &str) -> bool {
    to.chars().filter(|c| c.is_uppercase()).count()
        < from.chars().filter(|c| c.is_uppercase()).count()
}

fn push_term(found: &mut Vec<Found>, from: &str, to: &str, weight: f64, example: Example) {
    found.push(Found {
        whole_sentence: false,
        kind: Kind::ReplaceTerm,
        key: format!("{}→{}", from.to_lowercase(), to.to_lowercase()),
        details: json!({"from": from, "to": to}),
        weight,
        example,
    });
}

fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// The sign-off: the last line, or the one before a short signature ("Thanks,\nSam").
fn closing_line(text: &str) -> &str {
    let mut last = text.lines().map(str::trim).rev().filter(|l| !l.is_empty());
    match (last.next(), last.next()) {
        (Some(l), _) if words::is_closing(l) => l,
        (Some(sig), Some(l)) if sig.split_whitespace().count() <= 3 && words::is_closing(l) => l,
        (Some(l), _) => l,
        _ => "",
    }
}

/// Greetings and closings are lines; the phrase finds they explain are folded into them.
fn lines(draft: &str, final_text: &str, found: &mut Vec<Found>) {
    let cases = [
        (
            Kind::Greeting,
            first_line(final_text),
            first_line(draft),
            words::is_greeting as fn(&str) -> bool,
        ),
        (
            Kind::Closing,
            closing_line(final_text),
            closing_line(draft),
            words::is_closing,
        ),
    ];
    for (kind, kept, wrote, is) in cases {
        if !is(kept) || phrase_key(kept) == phrase_key(wrote) {
            continue;
        }
        let (key, wrote_key) = (phrase_key(kept), phrase_key(wrote));
        let within =
            |part: &str| !part.is_empty() && (key.contains(part) || wrote_key.contains(part));
        let mut weight = 0.0;
        found.retain(|f| {
            let part = match f.kind {
                Kind::ReplaceTerm => f.key.split('→').all(within),
                Kind::AddPhrase | Kind::RemovePhrase | Kind::Punctuation => within(&f.key),
                _ => false,
            };
            if part {
                weight += f.weight;
            }
            !part
        });
        found.push(Found {
            whole_sentence: false,
            kind,
            key,
            details: json!({"phrase": kept}),
            weight: weight.max(1.0),
            example: Example {
                before: wrote.to_owned(),
                after: kept.to_owned(),
            },
        });
    }
}

fn bullets(text: &str) -> usize {
    text.lines()
        .map(str::trim_start)
        .filter(|l| {
            l.starts_with("- ")
                || l.starts_with("* ")
                || l.starts_with("• ")
                || l.split_once(". ")
                    .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        })
        .count()
}

fn excerpt(text: &str) -> String {
    let mut end = text.len().min(160);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// Patterns of the whole text: length and list structure.
fn whole(
    draft: &str,
    final_text: &str,
    draft_words: usize,
    final_words: usize,
    found: &mut Vec<Found>,
) {
    let example = || Example {
        before: excerpt(draft),
        after: excerpt(final_text),
    };
    if draft_words >= 20 {
        let ratio = final_words as f64 / draft_words as f64;
        let kind = if ratio <= 0.85 {
            Some(Kind::Shorten)
        } else if ratio >= 1.15 {
            Some(Kind::Lengthen)
        } else {
            None
        };
        if let Some(kind) = kind {
            let weight = draft_words.abs_diff(final_words) as f64;
            if kind == Kind::Shorten {
                found.retain(|f| !f.whole_sentence);
            }
            found.push(Found {
                whole_sentence: false,
                kind,
                key: String::new(),
                details: json!({"ratio": ratio, "final_words": final_words}),
                weight,
                example: example(),
            });
        }
    }
    let added = bullets(final_text).saturating_sub(bullets(draft));
    if added >= 2 {
        found.push(Found {
            whole_sentence: false,
            kind: Kind::ToBullets,
            key: String::new(),
            details: json!({"bullets": added}),
            weight: added as f64,
            example: example(),
        });
    }
}
