//! Learning from edits: mine what people changed in the model's drafts into
//! prompt-refinement suggestions. A pattern becomes a suggestion only when enough
//! separate pairs show it, so one-off fixes never do.

pub mod clusters;
pub(crate) mod extract;
mod words;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

pub use extract::{analyze, Analysis, SentenceEdit};

/// The kinds of edit the miner recognises; part of the JSON contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    ReplaceTerm,
    RemovePhrase,
    AddPhrase,
    Shorten,
    Lengthen,
    ToBullets,
    Punctuation,
    Emoji,
    Casing,
    Contractions,
    Greeting,
    Closing,
    SpellingVariant,
    /// Many drafts got a tag (or a thumbs-down with it as the reason).
    Tagged,
    /// Many drafts were rated low on a rubric dimension.
    RatedLow,
    /// A rule the model phrased from edits no other kind explains (`insights::phrase`).
    Phrased,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Example {
    pub before: String,
    pub after: String,
}

/// One edit pair: what the model wrote and what the person kept.
#[derive(Debug, Clone, Deserialize)]
pub struct Pair {
    pub draft: String,
    #[serde(rename = "final")]
    pub final_text: String,
    #[serde(default)]
    pub doc_type: Option<String>,
    /// Set when the pair comes from a workspace document.
    #[serde(skip)]
    pub document_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Suggestion {
    pub kind: Kind,
    pub instruction: String,
    /// Pairs that show the pattern.
    pub support: u32,
    pub doc_type: Option<String>,
    /// Share of the group's word edit distance the pattern explains.
    pub impact: f64,
    pub examples: Vec<Example>,
    #[ts(type = "Record<string, unknown>")]
    pub details: Value,
    /// What makes two finds the same pattern; how accepted and rejected ones are known.
    /// Not part of the JSON contract.
    #[serde(skip)]
    pub key: String,
    /// The document each example comes from, when mining a workspace's own edits.
    #[serde(skip)]
    pub example_documents: Vec<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MiningReport {
    pub pairs: u32,
    pub mean_edit_distance: f64,
    pub mean_length_ratio: f64,
    pub suggestions: Vec<Suggestion>,
}

#[derive(Debug, Clone)]
pub struct MineOptions {
    pub min_support: u32,
    /// Each pair's diff settles for a coarser answer after this long.
    pub diff_deadline: Duration,
    /// Length changes are global: they must show in this share of a group's pairs.
    pub min_length_share: f64,
}

impl Default for MineOptions {
    fn default() -> Self {
        MineOptions {
            min_support: 3,
            diff_deadline: Duration::from_millis(500),
            min_length_share: 0.3,
        }
    }
}

const MAX_EXAMPLES: usize = 3;

/// One pattern's running count within a content type.
#[derive(Default)]
struct Tally {
    support: u32,
    weight: f64,
    examples: Vec<Example>,
    documents: Vec<Option<String>>,
    first: Option<Value>,
    ratio_sum: f64,
    words_sum: f64,
    chars: std::collections::BTreeSet<String>,
    mixed_position: bool,
}

impl Tally {
    /// Folds in one pair's find of this pattern.
    fn add(&mut self, f: &extract::Found, document_id: &Option<String>) {
        self.support += 1;
        if self.examples.len() < MAX_EXAMPLES {
            self.examples.push(f.example.clone());
            self.documents.push(document_id.clone());
        }
        let d = &f.details;
        self.ratio_sum += d["ratio"].as_f64().unwrap_or(0.0);
        self.words_sum += d["final_words"].as_f64().unwrap_or(0.0);
        if let Some(c) = d["chars"].as_str() {
            self.chars.insert(c.to_owned());
        }
        match &self.first {
            None => self.first = Some(d.clone()),
            Some(first) => self.mixed_position |= first["position"] != d["position"],
        }
    }

    /// The pattern's details across its pairs: averages where they vary.
    fn details(&self, kind: Kind) -> Value {
        let mut first = self.first.clone().unwrap_or(json!({}));
        let n = f64::from(self.support.max(1));
        match kind {
            Kind::Shorten | Kind::Lengthen => json!({
                "ratio": (self.ratio_sum / n * 100.0).round() / 100.0,
                "target_words": (self.words_sum / n / 10.0).round() * 10.0,
            }),
            Kind::Emoji => {
                json!({"chars": self.chars.iter().map(String::as_str).collect::<String>()})
            }
            Kind::RemovePhrase | Kind::AddPhrase if self.mixed_position => {
                first["position"] = json!("any");
                first
            }
            _ => first,
        }
    }
}

#[derive(Default)]
struct Group {
    pairs: usize,
    edits: f64,
    tallies: HashMap<(Kind, String), Tally>,
}

/// Counts patterns pair by pair, so analyses can be dropped as they are counted.
#[derive(Default)]
pub struct Aggregator {
    pairs: usize,
    distance_sum: f64,
    ratio_sum: f64,
    groups: BTreeMap<Option<String>, Group>,
}

impl Aggregator {
    pub fn add(&mut self, m: &Mined) {
        let a = &m.analysis;
        self.pairs += 1;
        self.distance_sum += a.normalized_distance();
        self.ratio_sum += if a.draft_words == 0 {
            1.0
        } else {
            a.final_words as f64 / a.draft_words as f64
        };
        let group = self.groups.entry(m.doc_type.clone()).or_default();
        group.pairs += 1;
        group.edits += a.edits as f64;
        // Support counts pairs: a pattern found twice in one pair counts once.
        let mut seen: Vec<(Kind, &str)> = Vec::new();
        for f in &a.found {
            let tally = group.tallies.entry((f.kind, f.key.clone())).or_default();
            tally.weight += f.weight;
            if !seen.contains(&(f.kind, f.key.as_str())) {
                seen.push((f.kind, f.key.as_str()));
                tally.add(f, &m.document_id);
            }
        }
    }

    pub fn finish(self, options: &MineOptions) -> MiningReport {
        let n = self.pairs.max(1) as f64;
        let mut suggestions = Vec::new();
        for (doc_type, group) in self.groups {
            let total_edits = group.edits.max(1.0);
            for ((kind, key), tally) in group.tallies {
                let mut needed = options.min_support;
                if matches!(kind, Kind::Shorten | Kind::Lengthen) {
                    needed =
                        needed.max((options.min_length_share * group.pairs as f64).ceil() as u32);
                }
                if tally.support < needed {
                    continue;
                }
                let details = tally.details(kind);
                suggestions.push(Suggestion {
                    kind,
                    instruction: instruction(kind, &details),
                    support: tally.support,
                    doc_type: doc_type.clone(),
                    impact: (tally.weight / total_edits).min(1.0),
                    examples: tally.examples,
                    details,
                    key,
                    example_documents: tally.documents,
                });
            }
        }
        suggestions.sort_by(|a, b| {
            b.impact
                .total_cmp(&a.impact)
                .then(b.support.cmp(&a.support))
                .then(a.instruction.cmp(&b.instruction))
        });
        MiningReport {
            pairs: self.pairs as u32,
            mean_edit_distance: self.distance_sum / n,
            mean_length_ratio: self.ratio_sum / n,
            suggestions,
        }
    }
}

/// A pair, analysed: all the miner keeps of it once its text is no longer needed.
pub struct Mined {
    pub analysis: Analysis,
    pub doc_type: Option<String>,
    pub document_id: Option<String>,
}

/// Mines `pairs`, grouped by content type, into ranked suggestions.
pub fn mine(pairs: &[Pair], options: &MineOptions) -> MiningReport {
    aggregate(&analyze_pairs(pairs, options.diff_deadline), options)
}

/// Analyses pairs on all cores; each diff has its own deadline.
pub fn analyze_pairs(pairs: &[Pair], deadline: Duration) -> Vec<Mined> {
    let analyses = analyze_all(pairs, deadline);
    pairs
        .iter()
        .zip(analyses)
        .map(|(p, analysis)| Mined {
            analysis,
            doc_type: p
                .doc_type
                .as_ref()
                .map(|d| d.trim().to_lowercase())
                .filter(|d| !d.is_empty()),
            document_id: p.document_id.clone(),
        })
        .collect()
}

/// Lines handed to a worker at a time: enough that the hand-over costs nothing, few
/// enough that both cores stay busy to the end.
const LINES_PER_BATCH: usize = 64;

/// A failure while mining a JSONL file: the line it is on and what is wrong.
pub type LineError = (usize, String);

/// A batch's analyses, up to its first failure if any.
type Analysed = (Vec<Mined>, Option<LineError>);

/// Parses JSONL lines (`(line number, text)`, as `lines` yields them) into pairs and
/// analyses them on all cores, handing each analysis to `each` in line order. The
/// workers live for the whole call, so memory stays flat however long the input and
/// what one batch freed serves the next. The first line that is not a pair, that the
/// miner fails on, or that cannot be read ends the call with that line and why;
/// `each` has then seen only the lines before it.
pub fn analyze_jsonl(
    lines: impl Iterator<Item = std::result::Result<(usize, String), LineError>>,
    deadline: Duration,
    mut each: impl FnMut(Mined),
) -> std::result::Result<(), LineError> {
    use std::sync::{mpsc, Mutex, PoisonError};
    type Batch = Vec<(usize, String)>;
    type Done = (usize, Analysed);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let (work, inbox) = mpsc::sync_channel::<(usize, Batch)>(threads * 2);
    let inbox = Mutex::new(inbox);
    let (done, results) = mpsc::channel::<Done>();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let (inbox, done) = (&inbox, done.clone());
            s.spawn(move || loop {
                let next = inbox.lock().unwrap_or_else(PoisonError::into_inner).recv();
                let Ok((seq, batch)) = next else { break };
                let analysed = std::panic::catch_unwind(|| analyze_batch(&batch, deadline))
                    .unwrap_or_else(|_| failed_line(&batch, deadline));
                if done.send((seq, analysed)).is_err() {
                    break;
                }
            });
        }
        drop(done);
        // Results come back in any order; they are handed on in the order sent.
        let mut waiting: BTreeMap<usize, Analysed> = BTreeMap::new();
        let mut handed = 0;
        let mut failed: Option<LineError> = None;
        let mut hand_on = |(seq, analysed): Done, failed: &mut Option<LineError>| {
            waiting.insert(seq, analysed);
            while failed.is_none() {
                let Some((mined, failure)) = waiting.remove(&handed) else {
                    break;
                };
                handed += 1;
                mined.into_iter().for_each(&mut each);
                *failed = failure;
            }
        };
        let (mut sent, mut batch, mut unread) = (0, Vec::with_capacity(LINES_PER_BATCH), None);
        for line in lines {
            match line {
                Ok(line) => batch.push(line),
                Err(e) => {
                    unread = Some(e);
                    break;
                }
            }
            if batch.len() == LINES_PER_BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(LINES_PER_BATCH));
                if work.send((sent, full)).is_err() {
                    break;
                }
                sent += 1;
                while let Ok(d) = results.try_recv() {
                    hand_on(d, &mut failed);
                }
                if failed.is_some() {
                    break;
                }
            }
        }
        if failed.is_none() && !batch.is_empty() {
            // A send fails only when every worker is gone; their results say why.
            let _ = work.send((sent, batch));
        }
        drop(work);
        for d in results.iter() {
            hand_on(d, &mut failed);
        }
        match failed.or(unread) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    })
}

/// Parses and analyses one batch of JSONL lines, up to the first that fails.
fn analyze_batch(batch: &[(usize, String)], deadline: Duration) -> Analysed {
    let mut mined = Vec::with_capacity(batch.len());
    for (n, line) in batch {
        let p: Pair = match serde_json::from_str(line) {
            Ok(p) => p,
            Err(e) => {
                let why = format!("not a {{\"draft\", \"final\"}} object: {e}");
                return (mined, Some((*n, why)));
            }
        };
        mined.push(Mined {
            analysis: analyze(&p.draft, &p.final_text, Instant::now() + deadline),
            doc_type: p
                .doc_type
                .as_ref()
                .map(|d| d.trim().to_lowercase())
                .filter(|d| !d.is_empty()),
            document_id: None,
        });
    }
    (mined, None)
}

/// Counts patterns across analysed pairs, per content type, into ranked suggestions.
pub fn aggregate(mined: &[Mined], options: &MineOptions) -> MiningReport {
    let mut aggregator = Aggregator::default();
    for m in mined {
        aggregator.add(m);
    }
    aggregator.finish(options)
}

/// A whole sentence people added or cut that no suggestion of `report` explains.
#[derive(Debug, Clone, PartialEq)]
pub struct Unexplained {
    pub added: bool,
    pub text: String,
    /// The pair it comes from: an index into the mined pairs.
    pub pair: usize,
    pub doc_type: Option<String>,
    pub document_id: Option<String>,
}

/// The sentences people added or cut that no suggestion in `report` explains (not the
/// phrase a rule adds or removes, not a greeting or closing line): what the model may
/// phrase once similar ones are grouped.
pub fn unexplained(mined: &[Mined], report: &MiningReport) -> Vec<Unexplained> {
    let explained: std::collections::HashSet<(Option<&str>, Kind, &str)> = report
        .suggestions
        .iter()
        .filter(|s| matches!(s.kind, Kind::AddPhrase | Kind::RemovePhrase))
        .map(|s| (s.doc_type.as_deref(), s.kind, s.key.as_str()))
        .collect();
    let mut out = Vec::new();
    for (i, m) in mined.iter().enumerate() {
        for s in &m.analysis.sentences {
            let kind = if s.added {
                Kind::AddPhrase
            } else {
                Kind::RemovePhrase
            };
            let key = extract::phrase_key(&s.text);
            if key.is_empty()
                || explained.contains(&(m.doc_type.as_deref(), kind, key.as_str()))
                || words::is_greeting(&s.text)
                || words::is_closing(&s.text)
            {
                continue;
            }
            out.push(Unexplained {
                added: s.added,
                text: s.text.clone(),
                pair: i,
                doc_type: m.doc_type.clone(),
                document_id: m.document_id.clone(),
            });
        }
    }
    out
}

/// Analyses pairs on all cores; each diff has its own deadline.
fn analyze_all(pairs: &[Pair], deadline: Duration) -> Vec<Analysis> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = pairs.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = pairs
            .chunks(chunk)
            .map(|part| {
                s.spawn(move || {
                    part.iter()
                        .map(|p| analyze(&p.draft, &p.final_text, Instant::now() + deadline))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // A chunk whose thread failed is analysed again pair by pair, so every analysis
        // stays beside its pair; a pair the miner cannot analyse counts as unchanged.
        handles
            .into_iter()
            .zip(pairs.chunks(chunk))
            .flat_map(|(h, part)| {
                h.join().unwrap_or_else(|_| {
                    part.iter()
                        .map(|p| analyze_guarded(&p.draft, &p.final_text, deadline))
                        .map(Option::unwrap_or_default)
                        .collect()
                })
            })
            .collect()
    })
}

/// `analyze`, with a failure (a bug) caught instead of ending the caller's thread.
fn analyze_guarded(draft: &str, final_text: &str, deadline: Duration) -> Option<Analysis> {
    std::panic::catch_unwind(|| analyze(draft, final_text, Instant::now() + deadline)).ok()
}

/// A batch the miner failed on, analysed again line by line: the analyses before the
/// line it fails on, and that line (or all of them, if none fails alone).
fn failed_line(batch: &[(usize, String)], deadline: Duration) -> Analysed {
    let mut mined = Vec::new();
    for (i, (n, _)) in batch.iter().enumerate() {
        let Some(one) = std::panic::catch_unwind(|| analyze_batch(&batch[i..=i], deadline)).ok()
        else {
            let why = "the miner failed on this pair (a bug in Draftloop; please report it with the pair)";
            return (mined, Some((*n, why.into())));
        };
        mined.extend(one.0);
        if one.1.is_some() {
            return (mined, one.1);
        }
    }
    // Every line went through on its own: nothing is missing.
    (mined, None)
}

/// The instruction a suggestion proposes, from its kind and details.
pub(crate) fn instruction(kind: Kind, d: &Value) -> String {
    let s = |field: &str| d[field].as_str().unwrap_or_default().to_owned();
    match kind {
        Kind::ReplaceTerm => format!("Replace '{}' with '{}'.", s("from"), s("to")),
        Kind::RemovePhrase if d["position"] == "start" => {
            format!("Don't open with '{}'.", s("phrase"))
        }
        Kind::RemovePhrase => format!("Don't write '{}'.", s("phrase")),
        Kind::AddPhrase if d["position"] == "end" => format!("End with '{}'.", s("phrase")),
        Kind::AddPhrase => format!("Include '{}'.", s("phrase")),
        Kind::Shorten => format!(
            "Drafts are cut to about {:.0}% of their length: keep it to about {} words.",
            d["ratio"].as_f64().unwrap_or(1.0) * 100.0,
            d["target_words"].as_f64().unwrap_or(0.0)
        ),
        Kind::Lengthen => format!(
            "Drafts are grown to about {:.0}% of their length: write about {} words.",
            d["ratio"].as_f64().unwrap_or(1.0) * 100.0,
            d["target_words"].as_f64().unwrap_or(0.0)
        ),
        Kind::ToBullets => "Use bullet points for lists of items.".into(),
        Kind::Punctuation if s("chars") == "!" => "Don't use exclamation marks.".into(),
        Kind::Punctuation => format!("Avoid '{}'.", s("chars")),
        Kind::Emoji => "Don't use emoji.".into(),
        Kind::Casing if s("to") == "lower" => {
            "Use sentence case: don't capitalize ordinary words.".into()
        }
        Kind::Casing => "Capitalize names and headings as people do.".into(),
        Kind::Contractions if d["use"] == true => "Use contractions (don't, it's, we're).".into(),
        Kind::Contractions => "Avoid contractions: write 'do not', 'it is'.".into(),
        Kind::Greeting => format!("Open with '{}'.", s("phrase")),
        Kind::Closing => format!("Close with '{}'.", s("phrase")),
        Kind::SpellingVariant if s("spelling") == "american" => {
            "Use American spelling (color, organize).".into()
        }
        Kind::SpellingVariant => "Use British spelling (colour, organise).".into(),
        Kind::Tagged => tagged_instruction(d),
        Kind::Phrased => s("rule"),
        Kind::RatedLow => {
            let mut out = format!(
                "Take care with {}: reviewers rated it {} or lower on {} of {} drafts.",
                s("dimension"),
                d["at_most"],
                d["drafts"],
                d["of"]
            );
            let mentions: Vec<String> = d["mentions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|m| m.as_str().map(|m| format!("'{m}'")))
                .collect();
            if !mentions.is_empty() {
                out.push_str(&format!(" Their comments mention {}.", mentions.join(", ")));
            }
            out
        }
    }
}

/// A tag's instruction: what the common tags ask for, and otherwise the tag itself.
fn tagged_instruction(d: &Value) -> String {
    let tag = d["tag"].as_str().unwrap_or_default();
    let plain = tag.to_lowercase().replace(['-', '_'], " ");
    let why = format!(
        "people tagged {} of {} drafts '{tag}'",
        d["drafts"], d["of"]
    );
    let target = d["target_words"].as_f64().filter(|w| *w > 0.0);
    let kept = d["kept_ratio"].as_f64();
    if ["too long", "long", "wordy", "too wordy", "verbose"].contains(&plain.as_str()) {
        return match (target, kept) {
            (Some(w), Some(r)) => {
                format!(
                    "Keep it to about {w} words ({why}; they kept about {:.0}% of them).",
                    r * 100.0
                )
            }
            _ => format!("Keep it shorter ({why})."),
        };
    }
    if ["too short", "short", "thin"].contains(&plain.as_str()) {
        return match target {
            Some(w) => format!("Write about {w} words ({why})."),
            None => format!("Write more ({why})."),
        };
    }
    if plain.contains("cta") || plain.contains("call to action") {
        return format!("End with a clear call to action ({why}).");
    }
    format!("Avoid what people tag '{tag}' ({why}).")
}
