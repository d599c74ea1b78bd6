//! What each model draft came to, kept current so the dashboard adds up rows instead of
//! reading every document's history each time it opens.
//!
//! The facts are a cache of the one fold of the feedback log (plus the revisions and the
//! text), never a source. [`Workspace::refresh_draft_facts`] works out again, before the
//! figures are read, every document with feedback, revisions or drafts appended since
//! it last ran (past the last rowid it saw of each), and every document a trigger
//! marked for a change made in place (its text, a draft's routing); see migration 0013.
//! Each chunk is worked out and stored holding the write lock, so nothing it read can
//! change before it is stored, and two refreshes (two processes) never cross.

use std::collections::BTreeMap;

use rusqlite::params;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::export::records::{kept_after, Kept};
use crate::feedback::{self, fold::Fold, Feedback, FeedbackEvent, Verdict};
use crate::store::Workspace;

/// Documents worked out per write transaction: about 10 ms of work, as long as a save
/// may wait behind it.
const CHUNK: usize = 250;

/// The appended tables whose new rows change what a draft came to, and the rows of each
/// that count.
const SOURCES: [(&str, &str); 3] = [
    (
        "feedback_events",
        "kind IN ('decision', 'tag', 'rating', 'retraction')",
    ),
    ("revisions", "1"),
    ("generations", "document_id IS NOT NULL"),
];

/// One draft's facts, as stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DraftFacts {
    pub generation_id: String,
    pub document_id: String,
    pub project_id: String,
    pub import_id: Option<String>,
    pub created_at: String,
    pub prompt_version_id: Option<String>,
    /// The standing decision, by a person or by the gate.
    pub verdict: Option<Verdict>,
    pub by_person: bool,
    /// Approved by the gate, and no person decided since.
    pub auto_approved: bool,
    /// A person changed the draft (the text kept after it went into its document
    /// differs from it) or rejected it.
    pub intervened: bool,
    /// Normalized word edit distance to the text kept, when the draft went into its
    /// document (0 when kept as it was).
    pub distance: Option<f64>,
    pub said: Said,
}

/// What was said about a draft that the figures count beyond its decision.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Said {
    /// Tags in force (whole draft or words).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Standing ratings (dimension, value).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ratings: Vec<(String, i32)>,
    /// Each person's latest approve (true) or reject, when two people or more decided.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub decided_by: BTreeMap<String, bool>,
    /// Per dimension, the standing ratings of each person, when two or more rated it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rated_by: BTreeMap<String, Vec<f64>>,
}

impl Said {
    fn is_empty(&self) -> bool {
        *self == Said::default()
    }
}

fn verdict_of(name: &str) -> Option<Verdict> {
    [
        Verdict::Approve,
        Verdict::Reject,
        Verdict::Escalate,
        Verdict::Reopen,
    ]
    .into_iter()
    .find(|v| v.name() == name)
}

/// A draft of a stale document, as read.
struct Draft {
    id: String,
    created_at: String,
    prompt_version_id: Option<String>,
    output: String,
    routed: Option<String>,
    gate_decision: Option<String>,
}

/// The facts of `f` in scope: `?1` the project (or all), `[?2, ?3)` the period, and the
/// document live as the `live_documents` view has it (not deleted, not in a deleted
/// project, not of an unfinished import), checked on the facts' own columns.
pub(crate) const IN_SCOPE: &str = "(?1 IS NULL OR f.project_id = ?1)
    AND (?2 IS NULL OR f.created_at >= ?2) AND (?3 IS NULL OR f.created_at < ?3)
    AND (f.import_id IS NULL
         OR f.import_id IN (SELECT id FROM imports WHERE finished_at IS NOT NULL))
    AND f.document_id NOT IN (SELECT entity_id FROM tombstones)
    AND f.project_id IN (SELECT id FROM live_projects)";

impl Workspace {
    /// Works out the facts of every document written since the last time, a chunk per
    /// transaction. Returns how many documents were worked out.
    pub(crate) fn refresh_draft_facts(&mut self) -> Result<usize> {
        // What is new as of now; rows appended while the chunks run are next time's.
        let (documents, seen) = self.write_reading(|ws| {
            let conn = ws.conn();
            let mut documents: std::collections::BTreeSet<String> =
                std::collections::BTreeSet::new();
            let mut seen = Vec::new();
            for (table, counts) in SOURCES {
                let last: i64 = conn.query_row(
                    "SELECT last_rowid FROM draft_facts_seen WHERE source = ?1",
                    [table],
                    |r| r.get(0),
                )?;
                let top: i64 = conn.query_row(
                    &format!("SELECT coalesce(max(rowid), 0) FROM {table}"),
                    [],
                    |r| r.get(0),
                )?;
                if top > last {
                    let mut stmt = conn.prepare(&format!(
                        "SELECT DISTINCT document_id FROM {table}
                         WHERE rowid > ?1 AND rowid <= ?2 AND {counts}"
                    ))?;
                    let rows = stmt.query_map([last, top], |r| r.get::<_, Option<String>>(0))?;
                    for d in rows {
                        documents.extend(d?);
                    }
                }
                seen.push((table, last, top));
            }
            let mut stmt = conn.prepare("SELECT document_id FROM draft_facts_stale")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            for d in rows {
                documents.insert(d?);
            }
            Ok((documents.into_iter().collect::<Vec<_>>(), seen))
        })?;
        for chunk in documents.chunks(CHUNK) {
            self.write_reading(|ws| {
                for document in chunk {
                    let facts = ws.facts_of(document)?;
                    ws.store_facts(document, &facts)?;
                }
                Ok(())
            })?;
        }
        // Only ever forward (a refresh of another process may have gone further), and
        // not at all past a deletion made meanwhile: the rowids it freed may come back.
        self.write_reading(|ws| {
            for (table, last, top) in &seen {
                ws.conn().execute(
                    "UPDATE draft_facts_seen
                     SET last_rowid = CASE WHEN last_rowid < ?2 THEN last_rowid
                                           ELSE max(last_rowid, ?3) END
                     WHERE source = ?1",
                    params![table, last, top],
                )?;
            }
            Ok(())
        })?;
        Ok(documents.len())
    }

    /// Puts a document's facts in place of what was stored, inside the caller's write.
    fn store_facts(&self, document_id: &str, facts: &[DraftFacts]) -> Result<()> {
        let conn = self.conn();
        conn.execute(
            "DELETE FROM draft_facts_stale WHERE document_id = ?1",
            [document_id],
        )?;
        conn.execute(
            "DELETE FROM draft_facts WHERE document_id = ?1",
            [document_id],
        )?;
        let mut insert = conn.prepare_cached(
            "INSERT INTO draft_facts (generation_id, document_id, project_id, import_id,
                 created_at, prompt_version_id, verdict, by_person, auto_approved, intervened,
                 distance, said)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        for f in facts {
            let said = if f.said.is_empty() {
                None
            } else {
                Some(serde_json::to_string(&f.said)?)
            };
            insert.execute(params![
                f.generation_id,
                f.document_id,
                f.project_id,
                f.import_id,
                f.created_at,
                f.prompt_version_id,
                f.verdict.map(Verdict::name),
                f.by_person,
                f.auto_approved,
                f.intervened,
                f.distance,
                said,
            ])?;
        }
        Ok(())
    }

    /// Every stored fact of the drafts in live documents of `project_id` (or all)
    /// made in `[since, until)`. A document is hidden as the `live_documents` view
    /// hides it (deleted, in a deleted project, or of an unfinished import), checked
    /// on the facts' own columns: looking each document up costs more than the rest
    /// of the figures together on a large workspace.
    pub(crate) fn stored_facts(
        &self,
        project_id: Option<&str>,
        since: &Option<String>,
        until: &Option<String>,
        mut visit: impl FnMut(DraftFacts),
    ) -> Result<()> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT f.generation_id, f.document_id, f.project_id, f.import_id, f.created_at,
                    f.prompt_version_id, f.verdict, f.by_person, f.auto_approved,
                    f.intervened, f.distance, f.said
             FROM draft_facts f WHERE {IN_SCOPE}"
        ))?;
        let mut rows = stmt.query(params![project_id, since, until])?;
        while let Some(r) = rows.next()? {
            let verdict: Option<String> = r.get(6)?;
            let said: Option<String> = r.get(11)?;
            visit(DraftFacts {
                generation_id: r.get(0)?,
                document_id: r.get(1)?,
                project_id: r.get(2)?,
                import_id: r.get(3)?,
                created_at: r.get(4)?,
                prompt_version_id: r.get(5)?,
                verdict: verdict.as_deref().and_then(verdict_of),
                by_person: r.get(7)?,
                auto_approved: r.get(8)?,
                intervened: r.get(9)?,
                distance: r.get(10)?,
                said: match said {
                    Some(s) => serde_json::from_str(&s)?,
                    None => Said::default(),
                },
            });
        }
        Ok(())
    }

    /// The facts of a document's drafts, worked out from its history now.
    fn facts_of(&self, document_id: &str) -> Result<Vec<DraftFacts>> {
        let drafts = self.drafts_of(document_id)?;
        if drafts.is_empty() {
            return Ok(Vec::new());
        }
        let (project_id, import_id): (String, Option<String>) = self.conn().query_row(
            "SELECT project_id, import_id FROM documents WHERE id = ?1",
            [document_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let events = self.said_events(document_id)?;
        let fold = Fold::of(&events);
        let kept = self.kept_texts(document_id)?;
        let mut out = Vec::with_capacity(drafts.len());
        for draft in drafts {
            let said = fold.generation(&draft.id);
            let decided = said.decision;
            let by_gate =
                decided.is_some_and(|d| Some(&d.event.id) == draft.gate_decision.as_ref());
            let verdict = decided.map(|d| d.verdict);
            let text = kept.get(draft.id.as_str());
            let changed = text.is_some_and(|t| t.trim() != draft.output.trim());
            // Only a prompt version's drafts make the learning curve.
            let placed = text.filter(|_| draft.prompt_version_id.is_some());
            let distance = placed.map(|t| {
                if changed {
                    crate::mining::extract::analyze(
                        &draft.output,
                        t,
                        std::time::Instant::now()
                            + crate::mining::MineOptions::default().diff_deadline,
                    )
                    .normalized_distance()
                } else {
                    0.0
                }
            });
            let decided_by = people_decisions(&events, &draft.id, draft.gate_decision.as_deref());
            out.push(DraftFacts {
                document_id: document_id.to_owned(),
                project_id: project_id.clone(),
                import_id: import_id.clone(),
                created_at: draft.created_at,
                prompt_version_id: draft.prompt_version_id,
                verdict: verdict.filter(|v| *v != Verdict::Reopen),
                by_person: decided.is_some() && !by_gate,
                auto_approved: by_gate && draft.routed.as_deref() == Some("auto_approved"),
                intervened: changed || verdict == Some(Verdict::Reject),
                distance,
                said: Said {
                    tags: said.all_tags().into_iter().map(str::to_owned).collect(),
                    ratings: said
                        .ratings
                        .iter()
                        .map(|(d, v)| ((*d).to_owned(), *v))
                        .collect(),
                    decided_by: if decided_by.len() >= 2 {
                        decided_by
                    } else {
                        BTreeMap::new()
                    },
                    rated_by: people_ratings(&events, &draft.id)
                        .into_iter()
                        .filter(|(_, values)| values.len() >= 2)
                        .collect(),
                },
                generation_id: draft.id,
            });
        }
        Ok(out)
    }

    /// The drafts of a document the figures count: whole, without an error.
    fn drafts_of(&self, document_id: &str) -> Result<Vec<Draft>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, prompt_version_id, output, routed, gate_decision, created_at
             FROM generations
             WHERE document_id = ?1 AND error IS NULL AND incomplete = 0 AND output <> ''",
        )?;
        let rows = stmt.query_map([document_id], |r| {
            Ok(Draft {
                id: r.get(0)?,
                prompt_version_id: r.get(1)?,
                output: r.get(2)?,
                routed: r.get(3)?,
                gate_decision: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What was said about a document that the figures count: decisions (reopenings
    /// among them), tags, ratings and what was taken back, as the fold reads them.
    fn said_events(&self, document_id: &str) -> Result<Vec<FeedbackEvent>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {} FROM feedback_events e WHERE e.document_id = ?1
               AND e.kind IN ('decision', 'tag', 'rating', 'retraction')",
            feedback::EVENT_COLUMNS_OF_E
        ))?;
        let rows = stmt.query_map([document_id], |r| feedback::event_from_row_at(r, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The text people kept after each of the model's drafts went into the document,
    /// by generation: the last human revision before the model's next, or the text now.
    fn kept_texts(&self, document_id: &str) -> Result<BTreeMap<String, String>> {
        let revisions = self.revisions(document_id)?;
        let mut out = BTreeMap::new();
        let mut current: Option<String> = None;
        for (i, r) in revisions.iter().enumerate() {
            let (true, Some(g)) = (r.author_kind == "model", &r.generation_id) else {
                continue;
            };
            let text = match kept_after(i, revisions.len(), |j| revisions[j].author_kind == "human")
            {
                Some(Kept::Revision(j)) => revisions[j].body_markdown.clone(),
                Some(Kept::Current) => match &current {
                    Some(t) => t.clone(),
                    None => {
                        // Read from the table itself: an import's documents are
                        // worked out before it finishes and they show.
                        let t: String = self.conn().query_row(
                            "SELECT body_markdown FROM documents WHERE id = ?1",
                            [document_id],
                            |r| r.get(0),
                        )?;
                        current = Some(t.clone());
                        t
                    }
                },
                // The model revised again before anyone changed a word.
                None => r.body_markdown.clone(),
            };
            out.insert(g.clone(), text);
        }
        Ok(out)
    }
}

/// Each person's latest approve or reject of `generation` (the gate's own excepted); of
/// a draft that asked for several reviews, what each reviewer said before seeing the
/// others' (a senior's decision after they disagreed is not a rater's).
pub(crate) fn people_decisions(
    events: &[FeedbackEvent],
    generation: &str,
    gate: Option<&str>,
) -> BTreeMap<String, bool> {
    let mut ordered: Vec<&FeedbackEvent> = events
        .iter()
        .filter(|e| e.generation_id.as_deref() == Some(generation) && Some(e.id.as_str()) != gate)
        .collect();
    ordered.sort_by(|a, b| feedback::fold::said_before(a, b));
    if ordered
        .iter()
        .any(|e| matches!(e.feedback, Feedback::Review { .. }))
    {
        ordered.retain(|e| matches!(e.feedback, Feedback::Review { .. }));
    }
    let mut out = BTreeMap::new();
    for e in ordered {
        let who = if e.person_id.is_empty() {
            &e.actor
        } else {
            &e.person_id
        };
        if let Feedback::Decision { verdict, .. } | Feedback::Review { verdict, .. } = e.feedback {
            match verdict {
                Verdict::Approve => {
                    out.insert(who.clone(), true);
                }
                Verdict::Reject => {
                    out.insert(who.clone(), false);
                }
                Verdict::Escalate | Verdict::Reopen => {}
            }
        }
    }
    out
}

/// Each person's standing rating of `generation` per dimension (a rating taken back
/// stands no more), as the values of each dimension.
fn people_ratings(events: &[FeedbackEvent], generation: &str) -> BTreeMap<String, Vec<f64>> {
    let retracted: std::collections::HashSet<&str> = events
        .iter()
        .filter_map(|e| match &e.feedback {
            Feedback::Retraction { event_id } => Some(event_id.as_str()),
            _ => None,
        })
        .collect();
    let mut ordered: Vec<&FeedbackEvent> = events
        .iter()
        .filter(|e| e.generation_id.as_deref() == Some(generation))
        .collect();
    ordered.sort_by(|a, b| feedback::fold::said_before(a, b));
    let mut latest: BTreeMap<(&str, &str), (&str, i32)> = BTreeMap::new();
    for e in ordered {
        if let Feedback::Rating { dimension, value } = &e.feedback {
            let who = if e.person_id.is_empty() {
                &e.actor
            } else {
                &e.person_id
            };
            latest.insert((dimension.as_str(), who.as_str()), (e.id.as_str(), *value));
        }
    }
    let mut out: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for ((dimension, _), (event, value)) in latest {
        if !retracted.contains(event) {
            out.entry(dimension.to_owned())
                .or_default()
                .push(f64::from(value));
        }
    }
    out
}
