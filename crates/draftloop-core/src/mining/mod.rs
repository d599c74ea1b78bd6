//! Learning from edits: mine what people changed in the model's drafts into
//! prompt-refinement suggestions. A pattern becomes a suggestion only when enough
//! separate pairs show it, so one-off fixes never do.

mod extract;
mod words;

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

pub use extract::{analyze, Analysis};

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

struct Tally {
    support: u32,
    weight: f64,
    examples: Vec<Example>,
    documents: Vec<Option<String>>,
    details: Vec<Value>,
}

/// Mines `pairs`, grouped by content type, into ranked suggestions.
pub fn mine(pairs: &[Pair], options: &MineOptions) -> MiningReport {
    let analyses = analyze_all(pairs, options.diff_deadline);
    let n = pairs.len().max(1) as f64;
    let mean_edit_distance = analyses
        .iter()
        .map(Analysis::normalized_distance)
        .sum::<f64>()
        / n;
    let mean_length_ratio = analyses
        .iter()
        .map(|a| {
            if a.draft_words == 0 {
                1.0
            } else {
                a.final_words as f64 / a.draft_words as f64
            }
        })
        .sum::<f64>()
        / n;

    let mut groups: BTreeMap<Option<String>, Vec<(&Analysis, &Option<String>)>> = BTreeMap::new();
    for (pair, analysis) in pairs.iter().zip(&analyses) {
        let doc_type = pair
            .doc_type
            .as_ref()
            .map(|d| d.trim().to_lowercase())
            .filter(|d| !d.is_empty());
        groups
            .entry(doc_type)
            .or_default()
            .push((analysis, &pair.document_id));
    }
    let mut suggestions = Vec::new();
    for (doc_type, members) in groups {
        let total_edits: f64 = members
            .iter()
            .map(|(a, _)| a.edits as f64)
            .sum::<f64>()
            .max(1.0);
        let mut tallies: HashMap<(Kind, String), Tally> = HashMap::new();
        for (analysis, document_id) in &members {
            // Support counts pairs: a pattern found twice in one pair counts once.
            let mut in_pair: HashMap<(Kind, String), usize> = HashMap::new();
            for (i, f) in analysis.found.iter().enumerate() {
                let k = (f.kind, f.key.clone());
                let t = tallies.entry(k.clone()).or_insert(Tally {
                    support: 0,
                    weight: 0.0,
                    examples: Vec::new(),
                    documents: Vec::new(),
                    details: Vec::new(),
                });
                t.weight += f.weight;
                if in_pair.insert(k, i).is_none() {
                    t.support += 1;
                    t.details.push(f.details.clone());
                    if t.examples.len() < MAX_EXAMPLES {
                        t.examples.push(f.example.clone());
                        t.documents.push((*document_id).clone());
                    }
                }
            }
        }
        for ((kind, key), tally) in tallies {
            let mut needed = options.min_support;
            if matches!(kind, Kind::Shorten | Kind::Lengthen) {
                needed =
                    needed.max((options.min_length_share * members.len() as f64).ceil() as u32);
            }
            if tally.support < needed {
                continue;
            }
            let details = merge_details(kind, &tally.details);
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
        pairs: pairs.len() as u32,
        mean_edit_distance,
        mean_length_ratio,
        suggestions,
    }
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
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// One pattern's details across its pairs: the first find's, with averages where they vary.
fn merge_details(kind: Kind, all: &[Value]) -> Value {
    let mut first = all.first().cloned().unwrap_or(json!({}));
    match kind {
        Kind::Shorten | Kind::Lengthen => {
            let mean = |field: &str| {
                all.iter().filter_map(|d| d[field].as_f64()).sum::<f64>() / all.len().max(1) as f64
            };
            let ratio = (mean("ratio") * 100.0).round() / 100.0;
            json!({"ratio": ratio, "target_words": (mean("final_words") / 10.0).round() * 10.0})
        }
        Kind::Emoji => {
            let mut chars: Vec<String> = all
                .iter()
                .filter_map(|d| d["chars"].as_str().map(str::to_owned))
                .collect();
            chars.sort();
            chars.dedup();
            json!({"chars": chars.concat()})
        }
        Kind::RemovePhrase | Kind::AddPhrase => {
            // Where the phrase sits, if it always sits there.
            let position = first["position"].clone();
            if all.iter().any(|d| d["position"] != position) {
                first["position"] = json!("any");
            }
            first
        }
        _ => first,
    }
}

fn instruction(kind: Kind, d: &Value) -> String {
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
    }
}
