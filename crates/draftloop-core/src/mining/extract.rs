//! One edit pair (what the model wrote, what the person kept) → the patterns it shows.

use std::ops::Range;
use std::time::Instant;

use serde_json::{json, Value};
use similar::{capture_diff_slices_deadline, Algorithm, DiffOp, DiffTag};
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

/// The words and punctuation of `text`, white space left out (ASCII fast path).
pub(crate) fn words(text: &str) -> Vec<&str> {
    if text.is_ascii() {
        let mut out = Vec::with_capacity(text.len() / 4 + 1);
        scan_ascii(text, |start, end| out.push(&text[start..end]));
        return out;
    }
    tokenize(text).into_iter().map(|t| t.text).collect()
}

fn tokenize(text: &str) -> Vec<Tok<'_>> {
    if text.is_ascii() {
        return tokenize_ascii(text);
    }
    text.split_word_bound_indices()
        .filter(|(_, t)| !t.trim().is_empty())
        .map(|(start, text)| Tok { text, start })
        .collect()
}

/// Unicode word boundaries (UAX #29) restricted to ASCII, where they reduce to a few
/// rules; several times faster than the general tables. A test holds it to the general
/// segmenter.
fn tokenize_ascii(text: &str) -> Vec<Tok<'_>> {
    // About one token per five bytes of prose, a few more with punctuation.
    let mut out = Vec::with_capacity(text.len() / 4 + 1);
    scan_ascii(text, |start, end| {
        out.push(Tok {
            text: &text[start..end],
            start,
        })
    });
    out
}

/// What each ASCII byte is to the tokenizer, looked up once rather than tested in turn.
const WORD: u8 = 1; // a letter, a digit or _
const SPACE: u8 = 2; // white space, no token (U+000B is not here: a token of its own)
const LETTER: u8 = 4;
const DIGIT: u8 = 8;
const MID_LETTER: u8 = 16; // joins letters: ' . :
const MID_NUMBER: u8 = 32; // joins digits: ' . , ;
const CLASSES: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        t[c] = if b.is_ascii_alphabetic() {
            WORD | LETTER
        } else if b.is_ascii_digit() {
            WORD | DIGIT
        } else if b == b'_' {
            WORD
        } else if b.is_ascii_whitespace() {
            SPACE
        } else {
            match b {
                b'\'' | b'.' => MID_LETTER | MID_NUMBER,
                b':' => MID_LETTER,
                b',' | b';' => MID_NUMBER,
                _ => 0,
            }
        };
        c += 1;
    }
    t
};

/// Calls `token` with where each token of ASCII `text` starts and ends.
#[inline(always)]
fn scan_ascii(text: &str, mut token: impl FnMut(usize, usize)) {
    let b = text.as_bytes();
    let class = |i: usize| CLASSES[usize::from(b[i] & 0x7f)];
    let mut i = 0;
    while i < b.len() {
        let c = class(i);
        if c & SPACE != 0 {
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        if c & WORD != 0 {
            loop {
                while i < b.len() && class(i) & WORD != 0 {
                    i += 1;
                }
                // Letters join across ' . : and digits across ' . , ; (WB6-7, WB11-12).
                if i + 1 >= b.len() {
                    break;
                }
                let (p, m, n) = (class(i - 1), class(i), class(i + 1));
                let letters = p & n & LETTER != 0 && m & MID_LETTER != 0;
                let digits = p & n & DIGIT != 0 && m & MID_NUMBER != 0;
                if !(letters || digits) {
                    break;
                }
                i += 2;
            }
        }
        token(start, i);
    }
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

#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub edits: usize,
    pub draft_words: usize,
    pub final_words: usize,
    pub found: Vec<Found>,
    /// Whole sentences people added or cut: what no rule kind may explain, for the
    /// model to phrase (`insights::phrase`).
    pub sentences: Vec<SentenceEdit>,
}

/// A sentence added to the draft or cut from it, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentenceEdit {
    pub added: bool,
    pub text: String,
}

impl Analysis {
    /// The share of the words people changed, 0–1. Words moved about are deleted in one
    /// place and inserted in another, so the edits can outnumber the longer text's words:
    /// the share stops at all of them.
    pub fn normalized_distance(&self) -> f64 {
        let denom = self.draft_words.max(self.final_words);
        if denom == 0 {
            0.0
        } else {
            (self.edits as f64 / denom as f64).min(1.0)
        }
    }
}

/// Whether `r` is one whole sentence of `sentences` (sorted, as they come in order).
fn is_sentence(sentences: &[Range<usize>], r: &Range<usize>) -> bool {
    sentences
        .binary_search_by_key(&r.start, |s| s.start)
        .is_ok_and(|i| sentences[i] == *r)
}

/// How many of `toks` are words, and the text from the first word to the last.
fn words_in<'a>(text: &'a str, toks: &[Tok<'_>]) -> (usize, &'a str) {
    let count = toks.iter().filter(|t| t.is_word()).count();
    let first = toks.iter().position(Tok::is_word);
    let last = toks.iter().rposition(Tok::is_word);
    match (first, last) {
        (Some(f), Some(l)) => (count, span(text, &toks[f..=l])),
        _ => (0, ""),
    }
}

/// The text from the first to the last token, as written.
fn span<'a>(text: &'a str, toks: &[Tok<'_>]) -> &'a str {
    match (toks.first(), toks.last()) {
        (Some(a), Some(b)) => &text[a.start..b.start + b.text.len()],
        _ => "",
    }
}

pub(crate) fn phrase_key(phrase: &str) -> String {
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
    // Read off the tokens rather than a second Unicode pass over the text: a sentence
    // ends after '.', '!' or '?' followed by white space, and at a line break.
    let mut out = Vec::new();
    let mut first = 0;
    for (i, t) in toks.iter().enumerate() {
        let end = t.start + t.text.len();
        let next = toks.get(i + 1).map_or(text.len(), |n| n.start);
        let gap = &text[end..next];
        let stop = matches!(t.text, "." | "!" | "?")
            && (gap.starts_with(char::is_whitespace) || next == text.len());
        if stop || gap.contains('\n') || i + 1 == toks.len() {
            out.push(first..i + 1);
            first = i + 1;
        }
    }
    out
}

/// Tokens of both texts, segmenting the text they share only once: in ASCII text white
/// space always separates tokens, so the common start and end (cut at white space)
/// tokenize alike. Not so beyond ASCII (a combining mark joins the space before it into
/// one token, which a cut there would split), so other texts are segmented whole.
fn tokenize_pair<'a, 'b>(draft: &'a str, final_text: &'b str) -> (Vec<Tok<'a>>, Vec<Tok<'b>>) {
    let a = tokenize(draft);
    if !draft.is_ascii() || !final_text.is_ascii() {
        return (a, tokenize(final_text));
    }
    let (da, fb) = (draft.as_bytes(), final_text.as_bytes());
    let mut prefix = da.iter().zip(fb).take_while(|(x, y)| x == y).count();
    let max_suffix = da.len().min(fb.len()) - prefix;
    let suffix = da
        .iter()
        .rev()
        .zip(fb.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    while !draft.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let cut = draft[..prefix].rfind(char::is_whitespace).unwrap_or(0);
    let shift = fb.len() as isize - da.len() as isize;
    let mut tail = da.len() - suffix;
    while !draft.is_char_boundary(tail) {
        tail += 1;
    }
    let tail = draft[tail..]
        .find(char::is_whitespace)
        .map_or(da.len(), |i| tail + i)
        .max(cut);
    let tail_b = (tail as isize + shift) as usize;
    if tail_b < cut || !final_text.is_char_boundary(tail_b) {
        return (a, tokenize(final_text));
    }
    let at = |start: usize, len: usize| Tok {
        text: &final_text[start..start + len],
        start,
    };
    let mut b: Vec<Tok<'b>> = a
        .iter()
        .take_while(|t| t.start < cut)
        .map(|t| at(t.start, t.text.len()))
        .collect();
    b.extend(tokenize(&final_text[cut..tail_b]).into_iter().map(|t| Tok {
        text: t.text,
        start: cut + t.start,
    }));
    b.extend(
        a.iter()
            .filter(|t| t.start >= tail)
            .map(|t| at((t.start as isize + shift) as usize, t.text.len())),
    );
    (a, b)
}

type Op = (DiffTag, Range<usize>, Range<usize>);

/// Tokens (or sentences) two sides may have together before a diff watches the clock:
/// below, Myers ends in well under a millisecond, and reading the clock at every step
/// cost more than the diff.
const TIMED_DIFF: usize = 512;

/// Myers over two slices, stopping at `deadline` with a coarser answer when they are
/// long enough to take time.
fn diff<T: std::hash::Hash + Eq + Ord>(a: &[T], b: &[T], deadline: Instant) -> Vec<DiffOp> {
    let deadline = (a.len() + b.len() > TIMED_DIFF).then_some(deadline);
    capture_diff_slices_deadline(Algorithm::Myers, a, b, deadline)
}

/// A replaced run often hides separate edits that differ only in case ("In today's
/// world, teams utilize" → "Teams use"): align ignoring case, then split the run.
fn split_by_case(
    a: &[Tok<'_>],
    b: &[Tok<'_>],
    old: Range<usize>,
    new: Range<usize>,
    deadline: Instant,
) -> Vec<Op> {
    let lower = |t: &[Tok<'_>]| t.iter().map(|t| lower_hash(t.text)).collect::<Vec<_>>();
    let (la, lb) = (lower(&a[old.clone()]), lower(&b[new.clone()]));
    let ops = diff(&la, &lb, deadline);
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

/// A hash of a token with its case ignored (FNV-1a over its lowercase characters), so
/// tokens compare without building lowercase strings.
fn lower_hash(text: &str) -> u64 {
    const BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    if text.is_ascii() {
        // The same value as below: an ASCII character is its byte, lowercased alike.
        return text.bytes().fold(BASIS, |h, b| {
            (h ^ u64::from(b.to_ascii_lowercase())).wrapping_mul(PRIME)
        });
    }
    text.chars()
        .flat_map(char::to_lowercase)
        .fold(BASIS, |h, c| (h ^ u64::from(c)).wrapping_mul(PRIME))
}

/// Sorted hashes of the lowercased words of `toks`: a bag of words that compares by a
/// merge, with no strings or maps built.
fn word_bag(toks: &[Tok<'_>]) -> Vec<u64> {
    let mut h: Vec<u64> = toks
        .iter()
        .filter(|t| t.is_word())
        .map(|t| lower_hash(t.text))
        .collect();
    h.sort_unstable();
    h
}

/// Share of the longer side's words that the other side also has (case ignored).
fn similarity(a: &[Tok<'_>], b: &[Tok<'_>]) -> f64 {
    bag_similarity(&word_bag(a), &word_bag(b))
}

fn bag_similarity(ha: &[u64], hb: &[u64]) -> f64 {
    let longer = ha.len().max(hb.len());
    if longer == 0 {
        return 1.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < ha.len() && j < hb.len() {
        match ha[i].cmp(&hb[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared as f64 / longer as f64
}

/// Which words changed between two sentences (one edited into the other).
fn word_changes(
    a: &[Tok<'_>],
    b: &[Tok<'_>],
    old: Range<usize>,
    new: Range<usize>,
    deadline: Instant,
    out: &mut Vec<Op>,
) {
    let (ta, tb): (Vec<&str>, Vec<&str>) = (
        a[old.clone()].iter().map(|t| t.text).collect(),
        b[new.clone()].iter().map(|t| t.text).collect(),
    );
    for w in diff(&ta, &tb, deadline) {
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

/// Sentence pairs of a changed run compared at most: beyond, the run is a rewrite and
/// its sentences are cut and added.
const MAX_ALIGNED: usize = 64 * 64;

/// Pairs the old sentences of a changed run with the new ones they were edited into:
/// in order, each pair sharing at least half its words, as many shared words as can
/// be. The steps go through both runs in order: (old, new) edited, (old, -) cut,
/// (-, new) added.
fn align_sentences(
    a: &[Tok<'_>],
    b: &[Tok<'_>],
    sa: &[Range<usize>],
    sb: &[Range<usize>],
) -> Vec<(Option<usize>, Option<usize>)> {
    let (m, n) = (sa.len(), sb.len());
    let mut steps = Vec::with_capacity(m + n);
    if m.saturating_mul(n) > MAX_ALIGNED {
        steps.extend((0..m).map(|i| (Some(i), None)));
        steps.extend((0..n).map(|j| (None, Some(j))));
        return steps;
    }
    // best[i][j]: the most shared words pairing the first i old with the first j new,
    // and the step that got there.
    #[derive(Clone, Copy)]
    enum Step {
        Paired,
        Cut,
        Added,
    }
    // Each sentence's bag is built once, not once per sentence it is compared with.
    let bags_a: Vec<Vec<u64>> = sa.iter().map(|r| word_bag(&a[r.clone()])).collect();
    let bags_b: Vec<Vec<u64>> = sb.iter().map(|r| word_bag(&b[r.clone()])).collect();
    let width = n + 1;
    let mut best = vec![0.0f64; (m + 1) * width];
    let mut came = vec![Step::Added; (m + 1) * width];
    for i in 0..=m {
        for j in 0..=n {
            let mut here = (f64::NEG_INFINITY, Step::Added);
            if i > 0 && j > 0 {
                let s = bag_similarity(&bags_a[i - 1], &bags_b[j - 1]);
                if s >= 0.5 {
                    here = (best[(i - 1) * width + j - 1] + s, Step::Paired);
                }
            }
            if i > 0 && best[(i - 1) * width + j] > here.0 {
                here = (best[(i - 1) * width + j], Step::Cut);
            }
            if j > 0 && best[i * width + j - 1] > here.0 {
                here = (best[i * width + j - 1], Step::Added);
            }
            if i + j > 0 {
                (best[i * width + j], came[i * width + j]) = here;
            }
        }
    }
    let (mut i, mut j) = (m, n);
    while i + j > 0 {
        match came[i * width + j] {
            Step::Paired => {
                steps.push((Some(i - 1), Some(j - 1)));
                (i, j) = (i - 1, j - 1);
            }
            Step::Cut => {
                steps.push((Some(i - 1), None));
                i -= 1;
            }
            Step::Added => {
                steps.push((None, Some(j - 1)));
                j -= 1;
            }
        }
    }
    steps.reverse();
    steps
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
    // Sentences compare by a hash of their tokens: no strings built.
    let key = |toks: &[Tok<'_>], r: &Range<usize>| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for t in &toks[r.clone()] {
            for byte in t.text.bytes().chain(std::iter::once(0)) {
                h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        h
    };
    let (ka, kb): (Vec<u64>, Vec<u64>) = (
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
    for op in diff(&ka, &kb, deadline) {
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
            // A run of changed sentences: each old one paired with the new one it became
            // (most words in common, in order); the rest were cut or added, each a
            // change of its own, even right beside an edited one.
            DiffTag::Replace => {
                let steps = align_sentences(a, b, &sa[os.clone()], &sb[ns.clone()]);
                let paired = steps.iter().any(|s| matches!(s, (Some(_), Some(_))));
                if !paired && similarity(&a[old.clone()], &b[new.clone()]) >= 0.5 {
                    // Sentences joined or split: their words still line up.
                    word_changes(a, b, old, new, deadline, &mut out);
                    continue;
                }
                let (mut at_a, mut at_b) = (old.start, new.start);
                for step in steps {
                    match step {
                        (Some(i), None) => {
                            let r = sa[os.start + i].clone();
                            at_a = r.end;
                            out.push((DiffTag::Delete, r, at_b..at_b));
                        }
                        (None, Some(j)) => {
                            let r = sb[ns.start + j].clone();
                            at_b = r.end;
                            out.push((DiffTag::Insert, at_a..at_a, r));
                        }
                        (Some(i), Some(j)) => {
                            let (ra, rb) = (sa[os.start + i].clone(), sb[ns.start + j].clone());
                            (at_a, at_b) = (ra.end, rb.end);
                            word_changes(a, b, ra, rb, deadline, &mut out);
                        }
                        (None, None) => {}
                    }
                }
            }
        }
    }
    out
}

pub fn analyze(draft: &str, final_text: &str, deadline: Instant) -> Analysis {
    let (a, b) = tokenize_pair(draft, final_text);
    let (sa, sb) = (sentences(draft, &a), sentences(final_text, &b));
    // Sorted, as sentences come in order.
    let sentence_starts: Vec<usize> = sb.iter().map(|r| r.start).collect();
    let mut found: Vec<Found> = Vec::new();
    let mut sentences = Vec::new();
    let mut edits = 0;
    for (tag, old, new) in changes(&a, &b, &sa, &sb, deadline) {
        edits += old.len().max(new.len());
        let whole_sentence = tag == DiffTag::Delete && is_sentence(&sa, &old);
        if whole_sentence {
            sentences.push(SentenceEdit {
                added: false,
                text: span(draft, &a[old.clone()]).to_owned(),
            });
        } else if tag == DiffTag::Insert && is_sentence(&sb, &new) {
            sentences.push(SentenceEdit {
                added: true,
                text: span(final_text, &b[new.clone()]).to_owned(),
            });
        }
        let (del, ins) = (&a[old.clone()], &b[new.clone()]);
        // Built only for what is found: most changes find nothing.
        let example = || Example {
            before: context(draft, &a, old.start, old.end),
            after: context(final_text, &b, new.start, new.end),
        };
        // Punctuation and emoji people take out, character by character; not the
        // hyphens and commas inside words that were replaced or a phrase removed whole.
        // An emoji is never part of a phrase: it counts beside a replaced word too.
        let inserted = |text: &str| ins.iter().any(|t| t.text == text);
        let words_removed = del.iter().any(Tok::is_word);
        let phrase_removed = words_removed && !ins.iter().any(Tok::is_word);
        for t in del.iter().filter(|t| !t.is_word()) {
            if t.is_emoji() && !phrase_removed && !inserted(t.text) {
                found.push(Found {
                    whole_sentence: false,
                    kind: Kind::Emoji,
                    key: String::new(),
                    details: json!({"chars": t.text}),
                    weight: 1.0,
                    example: example(),
                });
            } else if !words_removed
                && !t.is_emoji()
                && !inserted(t.text)
                && !matches!(t.text, "," | "." | "'" | "\"")
            {
                found.push(Found {
                    whole_sentence: false,
                    kind: Kind::Punctuation,
                    key: t.text.to_owned(),
                    details: json!({"chars": t.text}),
                    weight: 1.0,
                    example: example(),
                });
            }
        }
        let (dw, from) = words_in(draft, del);
        let (iw, to) = words_in(final_text, ins);
        let weight = dw.max(iw) as f64;
        match (dw == 0, iw == 0) {
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
                        example: example(),
                    });
                } else if from.to_lowercase() == to.to_lowercase() {
                    // A word that now starts a sentence is capitalized by grammar, not taste.
                    if sentence_starts.binary_search(&new.start).is_ok() && !lowered(from, to) {
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
                        example: example(),
                    });
                } else if dw == 1 && iw == 1 {
                    if let Some(dir) = words::spelling_variant(from, to) {
                        found.push(Found {
                            whole_sentence: false,
                            kind: Kind::SpellingVariant,
                            key: dir.into(),
                            details: json!({"spelling": dir}),
                            weight,
                            example: example(),
                        });
                    } else if !words::is_typo(from, to) {
                        push_term(&mut found, from, to, weight, example());
                    }
                } else if dw <= MAX_TERM_WORDS && iw <= MAX_TERM_WORDS {
                    push_term(&mut found, from, to, weight, example());
                }
            }
            (false, true) if dw <= MAX_PHRASE_WORDS => {
                let at_start = old.start <= 1;
                found.push(Found {
 whole_sentence,
                    kind: Kind::RemovePhrase,
                    key: phrase_key(from),
                    details: json!({"phrase": from.trim_end_matches([',', ';', ':']), "position": if at_start { "start" } else { "any" }}),
                    weight,
                    example: example(),
                });
            }
            (true, false) if iw <= MAX_PHRASE_WORDS => {
                let at_end = new.end + 1 >= b.len();
                found.push(Found {
                    whole_sentence: false,
                    kind: Kind::AddPhrase,
                    key: phrase_key(to),
                    details: json!({"phrase": to, "position": if at_end { "end" } else { "any" }}),
                    weight,
                    example: example(),
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
        sentences,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ascii_tokenizer_agrees_with_the_unicode_segmenter() {
        let general = |t: &str| -> Vec<(usize, String)> {
            t.split_word_bound_indices()
                .filter(|(_, w)| !w.trim().is_empty())
                .map(|(i, w)| (i, w.to_owned()))
                .collect()
        };
        let fast = |t: &str| -> Vec<(usize, String)> {
            tokenize_ascii(t)
                .into_iter()
                .map(|w| (w.start, w.text.to_owned()))
                .collect()
        };
        let samples = [
            "In today's fast-paced world, teams utilize it!",
            "e.g. 3.14, 1,000; 2;3 a:b a.b. can't 'quoted' rock'n'roll",
            "snake_case __init__ x_1 1_x _ a__b",
            "end. \r\n next\n\n  - bullet * two 1) three",
            "trailing' .lead 'x' a'.b 1.'2 9,,9 a::b",
            "ABC123def 12ab ab12 $5.00 50% (parens) [x] {y} #tag @user",
        ];
        // `words`, which keeps no offsets, gives the same texts.
        let words_of =
            |t: &str| -> Vec<String> { general(t).into_iter().map(|(_, w)| w).collect() };
        for s in samples {
            assert_eq!(fast(s), general(s), "{s:?}");
            assert_eq!(words(s), words_of(s), "{s:?}");
        }
        // And on noise: every ASCII string of a few characters from a tricky alphabet.
        let alphabet: &[u8] = b"a1_.',:; \n-";
        let mut n = 0u64;
        while n < 200_000 {
            let mut x = n;
            let mut s = Vec::new();
            while x > 0 || s.is_empty() {
                s.push(alphabet[(x % alphabet.len() as u64) as usize]);
                x /= alphabet.len() as u64;
            }
            let s = String::from_utf8(s).unwrap();
            assert_eq!(fast(&s), general(&s), "{s:?}");
            assert_eq!(words(&s), words_of(&s), "{s:?}");
            n += 7;
        }
    }

    #[test]
    fn tokenizing_a_pair_matches_tokenizing_each_text() {
        let cases = [
            ("We utilize it. Then more!", "We use it. Then more!"),
            ("Same text.", "Same text."),
            ("", "New text only."),
            ("Old text only.", ""),
            ("Ünïcode — naïve café 🚀 end", "Ünïcode — naive café 🚀 end"),
            ("can't stop, won't stop", "cannot stop, won't stop"),
            ("abc", "abd"),
            ("In today's world, teams utilize it", "Teams use it"),
            ("a  b   c", "a  b c"),
        ];
        for (draft, final_text) in cases {
            let (_, b) = tokenize_pair(draft, final_text);
            let expected = tokenize(final_text);
            let got: Vec<(usize, &str)> = b.iter().map(|t| (t.start, t.text)).collect();
            let want: Vec<(usize, &str)> = expected.iter().map(|t| (t.start, t.text)).collect();
            assert_eq!(got, want, "{draft:?} → {final_text:?}");
        }
    }
}
