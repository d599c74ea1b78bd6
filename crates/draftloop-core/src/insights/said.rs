//! Suggestions from what people said of the drafts rather than how they edited them:
//! a tag (or thumbs-down reason) many drafts got, and a rubric dimension rated low on
//! many, with the words their comments share. Read through the one fold of the log.

use std::collections::{BTreeMap, HashMap};

use rusqlite::OptionalExtension;
use serde_json::json;

use crate::document::word_count;
use crate::error::Result;
use crate::feedback::fold::GenerationFeedback;
use crate::feedback::{Feedback, Fold};
use crate::mining::{instruction, Example, Kind, Pair, Suggestion};
use crate::store::Workspace;

/// How much of a draft an example shows.
const EXCERPT_CHARS: usize = 160;
const MAX_EXAMPLES: usize = 3;
/// Words a low rating's comments must share, in at least this many drafts, to be named.
const MENTION_DRAFTS: u32 = 2;
const MAX_MENTIONS: usize = 3;

/// One draft with what was said of it.
struct Said {
    document_id: String,
    draft: String,
    tags: Vec<String>,
    thumbs_down_reason: Option<String>,
    ratings: Vec<(String, i32)>,
    comments: Vec<String>,
}

impl Said {
    fn of(document_id: &str, draft: String, g: &GenerationFeedback<'_>) -> Option<Said> {
        let thumbs_down_reason = match g.thumb.map(|e| &e.feedback) {
            Some(Feedback::Thumb {
                up: false, reason, ..
            }) => reason.clone(),
            _ => None,
        };
        let said = Said {
            document_id: document_id.to_owned(),
            draft,
            tags: g.all_tags().into_iter().map(str::to_owned).collect(),
            thumbs_down_reason,
            ratings: g
                .ratings
                .iter()
                .map(|(d, v)| ((*d).to_owned(), *v))
                .collect(),
            comments: g.comments.iter().map(|c| (*c).to_owned()).collect(),
        };
        let anything = g.thumb.is_some()
            || !said.tags.is_empty()
            || !said.ratings.is_empty()
            || !said.comments.is_empty();
        anything.then_some(said)
    }

    fn excerpt(&self) -> String {
        let text = self.draft.split_whitespace().collect::<Vec<_>>().join(" ");
        match text.char_indices().nth(EXCERPT_CHARS) {
            Some((at, _)) => format!("{}…", &text[..at]),
            None => text,
        }
    }
}

impl Workspace {
    /// Suggestions from the tags, thumbs-down reasons, ratings and comments on a
    /// project's drafts. `kept` holds what people kept of each draft they changed, by
    /// generation; a pattern needs `min_support` drafts.
    pub(super) fn said_suggestions(
        &self,
        project_id: &str,
        kept: &HashMap<&str, &Pair>,
        min_support: u32,
    ) -> Result<Vec<Suggestion>> {
        let project = self.project(project_id)?;
        let mut drafts: Vec<(Said, Option<&Pair>)> = Vec::new();
        let mut output = self
            .conn()
            .prepare_cached("SELECT output FROM generations WHERE id = ?1")?;
        for doc in self.documents(Some(project_id))? {
            let events = self.feedback_events(&doc.id)?;
            let fold = Fold::of(&events);
            for generation in fold.generation_ids() {
                let draft: Option<String> =
                    output.query_row([generation], |r| r.get(0)).optional()?;
                let Some(draft) = draft else { continue };
                if let Some(said) = Said::of(&doc.id, draft, fold.generation(generation)) {
                    drafts.push((said, kept.get(generation).copied()));
                }
            }
        }
        let of = drafts.len() as u32;
        let mut out = Vec::new();

        // A tag in force, or given as a thumbs-down reason: each draft counted once.
        let mut by_tag: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, (said, _)) in drafts.iter().enumerate() {
            let mut tags: Vec<&str> = said.tags.iter().map(String::as_str).collect();
            tags.extend(said.thumbs_down_reason.as_deref());
            tags.sort_unstable();
            tags.dedup();
            for tag in tags {
                by_tag.entry(tag).or_default().push(i);
            }
        }
        for (tag, behind) in by_tag {
            let support = behind.len() as u32;
            if support < min_support {
                continue;
            }
            let thumbs_down = behind
                .iter()
                .filter(|&&i| drafts[i].0.thumbs_down_reason.as_deref() == Some(tag))
                .count();
            // What people kept of the drafts they changed: the length they want.
            let changed: Vec<&Pair> = behind.iter().filter_map(|&i| drafts[i].1).collect();
            let mut details = json!({
                "tag": tag, "drafts": support, "of": of, "thumbs_down": thumbs_down,
            });
            if !changed.is_empty() {
                let n = changed.len() as f64;
                let kept_words: f64 = changed
                    .iter()
                    .map(|p| f64::from(word_count(&p.final_text)))
                    .sum();
                let draft_words: f64 = changed
                    .iter()
                    .map(|p| f64::from(word_count(&p.draft)))
                    .sum();
                details["kept_ratio"] =
                    json!((kept_words / draft_words.max(1.0) * 100.0).round() / 100.0);
                details["target_words"] = json!((kept_words / n / 10.0).round() * 10.0);
            }
            out.push(suggestion(
                Kind::Tagged,
                format!("tag:{tag}"),
                details,
                support,
                of,
                &drafts,
                &behind,
                |said| match said.thumbs_down_reason.as_deref() == Some(tag) {
                    true => format!("thumbs down: {tag}"),
                    false => format!("tagged {tag}"),
                },
            ));
        }

        // A rubric dimension rated in its lowest quarter.
        for dimension in &project.rubric {
            let at_most = dimension.min + (dimension.max - dimension.min) / 4;
            let rated: Vec<usize> = (0..drafts.len())
                .filter(|&i| {
                    drafts[i]
                        .0
                        .ratings
                        .iter()
                        .any(|(d, _)| *d == dimension.name)
                })
                .collect();
            let behind: Vec<usize> = rated
                .iter()
                .copied()
                .filter(|&i| {
                    drafts[i]
                        .0
                        .ratings
                        .iter()
                        .any(|(d, v)| *d == dimension.name && *v <= at_most)
                })
                .collect();
            let support = behind.len() as u32;
            if support < min_support {
                continue;
            }
            let details = json!({
                "dimension": dimension.name, "at_most": at_most, "drafts": support,
                "of": rated.len(), "mentions": mentions(behind.iter().map(|&i| &drafts[i].0)),
            });
            out.push(suggestion(
                Kind::RatedLow,
                format!("rating:{}", dimension.name),
                details,
                support,
                rated.len() as u32,
                &drafts,
                &behind,
                |said| {
                    let value = said
                        .ratings
                        .iter()
                        .find(|(d, _)| *d == dimension.name)
                        .map_or(0, |r| r.1);
                    match said.comments.first() {
                        Some(c) => format!("{} {value}: {c}", dimension.name),
                        None => format!("{} {value}", dimension.name),
                    }
                },
            ));
        }
        Ok(out)
    }
}

/// A suggestion from `behind`, the drafts that show it, out of `of`.
#[allow(clippy::too_many_arguments)]
fn suggestion(
    kind: Kind,
    key: String,
    details: serde_json::Value,
    support: u32,
    of: u32,
    drafts: &[(Said, Option<&Pair>)],
    behind: &[usize],
    what_was_said: impl Fn(&Said) -> String,
) -> Suggestion {
    let shown = behind.iter().take(MAX_EXAMPLES).map(|&i| &drafts[i].0);
    Suggestion {
        kind,
        instruction: instruction(kind, &details),
        support,
        doc_type: None,
        impact: f64::from(support) / f64::from(of.max(1)),
        examples: shown
            .clone()
            .map(|said| Example {
                before: said.excerpt(),
                after: what_was_said(said),
            })
            .collect(),
        details,
        key,
        example_documents: shown.map(|said| Some(said.document_id.clone())).collect(),
    }
}

/// Words the comments on at least two of these drafts share, most drafts first.
fn mentions<'a>(said: impl Iterator<Item = &'a Said>) -> Vec<String> {
    let mut drafts_per_word: HashMap<String, u32> = HashMap::new();
    for s in said {
        let mut words: Vec<String> = s
            .comments
            .iter()
            .flat_map(|c| c.split(|ch: char| !ch.is_alphanumeric() && ch != '\''))
            .map(str::to_lowercase)
            .filter(|w| w.chars().count() >= 4 && !COMMON.contains(&w.as_str()))
            .collect();
        words.sort_unstable();
        words.dedup();
        for w in words {
            *drafts_per_word.entry(w).or_default() += 1;
        }
    }
    let mut shared: Vec<(String, u32)> = drafts_per_word
        .into_iter()
        .filter(|(_, n)| *n >= MENTION_DRAFTS)
        .collect();
    shared.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    shared
        .into_iter()
        .take(MAX_MENTIONS)
        .map(|(w, _)| w)
        .collect()
}

/// Words too common in comments to say what they are about.
const COMMON: &[&str] = &[
    "this", "that", "with", "have", "from", "they", "them", "their", "there", "what", "when",
    "which", "would", "could", "should", "about", "into", "more", "less", "very", "much", "just",
    "like", "some", "than", "then", "been", "were", "will", "your", "it's", "don't", "here",
    "also", "only", "make", "needs", "need", "draft", "text", "really", "too",
];
