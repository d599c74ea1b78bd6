//! A project's Insights: suggestions mined from its own edits and from what people
//! said of its drafts (tags, thumbs-down reasons, low ratings), the person's accept or
//! reject, and the learning curve that shows whether accepted suggestions helped.

pub mod phrase;
mod said;

use std::time::Instant;

use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::audit;
use crate::error::{Error, Result};
use crate::export::records::{kept_after, Kept};
use crate::feedback::{self, FeedbackEvent, Fold, Verdict};
use crate::ids::{new_id, now};
use crate::mining::{self, Example, Kind, MineOptions, Pair, Suggestion};
use crate::prompt::PromptVersion;
use crate::store::Workspace;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Insight {
    pub suggestion: Suggestion,
    /// Identifies the pattern when the person accepts or rejects it.
    pub key: String,
    /// The document each example comes from.
    pub example_documents: Vec<Option<String>>,
}

/// Edit distance and approval for the drafts one prompt version produced.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CurvePoint {
    pub prompt_version_id: String,
    /// 1 for the first version.
    pub version: u32,
    pub origin: String,
    /// Edited drafts made with this version.
    pub pairs: u32,
    pub mean_edit_distance: Option<f64>,
    /// Share of this version's drafts approved; none until reviews exist.
    pub approval_rate: Option<f64>,
    /// Of this version's drafts the review gate routed, the share it sent to a person
    /// (the rest it approved); none until the gate has routed one.
    pub needed_person: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Insights {
    /// Whose drafts these are mined from: one author, or everyone's (none).
    pub author: Option<String>,
    pub pairs: u32,
    pub mean_edit_distance: f64,
    pub suggestions: Vec<Insight>,
    pub curve: Vec<CurvePoint>,
    /// The authors whose drafts people edited, for scoping to one of them.
    pub authors: Vec<AuthorEdits>,
}

/// An author and how many of their drafts people edited.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AuthorEdits {
    pub author: String,
    pub name: String,
    pub pairs: u32,
}

/// What the person decided about a suggestion, as the UI sends it back.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct SuggestionDecision {
    pub kind: Kind,
    pub key: String,
    /// The instruction as the person edited it.
    pub instruction: String,
    pub support: u32,
    pub doc_type: Option<String>,
    pub examples: Vec<Example>,
    /// Scoped to this author's drafts: accepting adds the instruction to their block
    /// of the prompt, not to the system prompt everyone's drafts get.
    #[serde(default)]
    pub author: Option<String>,
    /// Scoped to the content type: accepting also adds the instruction to the system
    /// prompt of every other project of this project's content type that has a prompt.
    #[serde(default)]
    pub content_type_wide: bool,
}

/// A model draft and what people kept of it, with where the draft came from.
struct Edited {
    pair: Pair,
    prompt_version: Option<String>,
    generation: Option<String>,
    /// Whose document it is.
    author: Option<String>,
}

impl Workspace {
    /// Model drafts and what people kept, with the prompt version behind each draft and
    /// the generation it was.
    fn versioned_pairs(&self, project_id: &str) -> Result<Vec<Edited>> {
        let project = self.project(project_id)?;
        let mut out = Vec::new();
        for doc in self.documents(Some(project_id))? {
            let author = self.document_author(&doc.id)?;
            let revisions = self.revisions(&doc.id)?;
            let current = self.document(&doc.id)?.body_markdown;
            for (i, r) in revisions.iter().enumerate() {
                if r.author_kind != "model" {
                    continue;
                }
                // The last text people left before the model's next revision.
                let is_human = |j: usize| revisions[j].author_kind == "human";
                let kept = match kept_after(i, revisions.len(), is_human) {
                    Some(Kept::Revision(j)) => revisions[j].body_markdown.clone(),
                    Some(Kept::Current) => current.clone(),
                    None => continue,
                };
                if kept == r.body_markdown {
                    continue;
                }
                let version: Option<String> = match &r.generation_id {
                    Some(g) => self.conn().query_row(
                        "SELECT prompt_version_id FROM generations WHERE id = ?1",
                        [g],
                        |row| row.get(0),
                    )?,
                    None => None,
                };
                let pair = Pair {
                    draft: r.body_markdown.clone(),
                    final_text: kept,
                    doc_type: Some(project.content_type.clone()),
                    document_id: Some(doc.id.clone()),
                };
                out.push(Edited {
                    pair,
                    prompt_version: version,
                    generation: r.generation_id.clone(),
                    author: author.clone(),
                });
            }
        }
        Ok(out)
    }

    /// Per prompt version: drafts approved, and drafts approved or rejected, by their
    /// latest decision as the fold reads it (escalations count as neither).
    fn decisions_by_version(
        &self,
        project_id: &str,
        author: Option<&str>,
    ) -> Result<std::collections::HashMap<String, (u32, u32)>> {
        let mut versions: std::collections::HashMap<String, String> = Default::default();
        // Each document's decisions, in document order.
        let mut documents: Vec<(String, Vec<FeedbackEvent>)> = Vec::new();
        {
            let mut stmt = self.conn().prepare(
                "SELECT g.id, g.prompt_version_id FROM generations g
                 JOIN prompt_versions v ON v.id = g.prompt_version_id
                 WHERE v.project_id = ?1",
            )?;
            let rows = stmt.query_map([project_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            for row in rows {
                let (generation, version): (String, String) = row?;
                versions.insert(generation, version);
            }
            let mut stmt = self.conn().prepare(&format!(
                "SELECT e.document_id, {} FROM feedback_events e
                 JOIN live_documents d ON d.id = e.document_id
                 WHERE d.project_id = ?1 AND e.kind = 'decision'
                   AND (?2 IS NULL OR d.author = ?2)
                 ORDER BY e.document_id",
                feedback::EVENT_COLUMNS_OF_E
            ))?;
            let rows = stmt.query_map(rusqlite::params![project_id, author], |r| {
                Ok((r.get(0)?, feedback::event_from_row_at(r, 1)?))
            })?;
            for row in rows {
                let (document, event): (String, FeedbackEvent) = row?;
                match documents.last_mut() {
                    Some((d, events)) if *d == document => events.push(event),
                    _ => documents.push((document, vec![event])),
                }
            }
        }
        let mut out: std::collections::HashMap<String, (u32, u32)> = Default::default();
        for (_, events) in &documents {
            let fold = Fold::of(events);
            for generation in fold.generation_ids() {
                let (Some(version), Some(decided)) = (
                    versions.get(generation),
                    fold.generation(generation).decision,
                ) else {
                    continue;
                };
                let entry = out.entry(version.clone()).or_default();
                match decided.verdict {
                    Verdict::Approve => {
                        entry.0 += 1;
                        entry.1 += 1;
                    }
                    Verdict::Reject => entry.1 += 1,
                    // The fold never leaves a reopening standing.
                    Verdict::Escalate | Verdict::Reopen => {}
                }
            }
        }
        Ok(out)
    }

    /// Per prompt version: drafts the review gate sent to a person, and drafts it
    /// routed at all (a deleted document's drafts left out).
    fn routed_by_version(
        &self,
        project_id: &str,
        author: Option<&str>,
    ) -> Result<std::collections::HashMap<String, (u32, u32)>> {
        let mut stmt = self.conn().prepare(
            "SELECT g.prompt_version_id, count(*) FILTER (WHERE g.routed = 'queued'), count(*)
             FROM generations g JOIN live_documents d ON d.id = g.document_id
             WHERE d.project_id = ?1 AND g.routed IS NOT NULL AND g.prompt_version_id IS NOT NULL
               AND (?2 IS NULL OR d.author = ?2)
             GROUP BY g.prompt_version_id",
        )?;
        let rows = stmt.query_map(rusqlite::params![project_id, author], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The workspace's own edit pairs in a project.
    pub fn edit_pairs(&self, project_id: &str) -> Result<Vec<Pair>> {
        self.edit_pairs_by(project_id, None)
    }

    /// The edit pairs of one author's documents in a project (everyone's with `None`).
    /// An author with no document there is refused, naming those who have some.
    pub fn edit_pairs_by(&self, project_id: &str, author: Option<&str>) -> Result<Vec<Pair>> {
        if let Some(a) = author {
            let mut stmt = self.conn().prepare(
                "SELECT DISTINCT author FROM live_documents
                 WHERE project_id = ?1 AND author IS NOT NULL ORDER BY author",
            )?;
            let authors: Vec<String> = stmt
                .query_map([project_id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if !authors.iter().any(|x| x == a) {
                return Err(Error::invalid(format!(
                    "no document in this project is by \"{a}\"; its authors: {}",
                    if authors.is_empty() {
                        "none".into()
                    } else {
                        authors.join(", ")
                    }
                )));
            }
        }
        Ok(self
            .versioned_pairs(project_id)?
            .into_iter()
            .filter(|e| author.is_none() || e.author.as_deref() == author)
            .map(|e| e.pair)
            .collect())
    }

    /// Patterns people already accepted or rejected in this project.
    fn decided(&self, project_id: &str) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn().prepare(
            "SELECT kind, json_extract(scope, '$.key') FROM suggestions
             WHERE project_id = ?1 AND status != 'open'",
        )?;
        let rows = stmt.query_map([project_id], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn insights(&self, project_id: &str) -> Result<Insights> {
        self.insights_for(project_id, None)
    }

    /// The authors of edited drafts, with their names and counts, most edited first.
    fn authors_of(&self, versioned: &[Edited]) -> Result<Vec<AuthorEdits>> {
        let mut counts: std::collections::BTreeMap<&str, u32> = Default::default();
        for e in versioned {
            if let Some(a) = &e.author {
                *counts.entry(a).or_default() += 1;
            }
        }
        let profiles = self.profiles()?;
        let mut out: Vec<AuthorEdits> = counts
            .into_iter()
            .map(|(author, pairs)| AuthorEdits {
                author: author.to_owned(),
                name: profiles
                    .iter()
                    .find(|p| p.handle == author)
                    .map(|p| p.display_name.clone())
                    .unwrap_or_else(|| {
                        author.split_once(':').map_or(author, |(_, n)| n).to_owned()
                    }),
                pairs,
            })
            .collect();
        out.sort_by(|a, b| b.pairs.cmp(&a.pairs).then(a.name.cmp(&b.name)));
        Ok(out)
    }

    /// Insights from everyone's drafts, or from one author's (`author`): only their
    /// edits count then, and what people said of drafts and the model's phrased rules,
    /// which are the project's, are left out.
    pub fn insights_for(&self, project_id: &str, author: Option<&str>) -> Result<Insights> {
        let mut versioned = self.versioned_pairs(project_id)?;
        let authors = self.authors_of(&versioned)?;
        if let Some(a) = author {
            versioned.retain(|e| e.author.as_deref() == Some(a));
        }
        let pairs: Vec<Pair> = versioned.iter().map(|e| e.pair.clone()).collect();
        let mut report = mining::mine(&pairs, &MineOptions::default());
        let kept: std::collections::HashMap<&str, &Pair> = versioned
            .iter()
            .filter_map(|e| Some((e.generation.as_deref()?, &e.pair)))
            .collect();
        match author {
            // Decisions on one author's patterns are theirs alone.
            Some(a) => {
                for s in &mut report.suggestions {
                    s.key = format!("{a}|{}", s.key);
                }
            }
            None => report.suggestions.extend(self.said_suggestions(
                project_id,
                &kept,
                MineOptions::default().min_support,
            )?),
        }
        let decided = self.decided(project_id)?;
        let kind_name = |k: Kind| {
            serde_json::to_value(k)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        let mut suggestions: Vec<Insight> = match author {
            None => self.open_phrased(project_id)?,
            Some(_) => Vec::new(),
        };
        suggestions.extend(
            report
                .suggestions
                .into_iter()
                .filter(|s| {
                    !decided
                        .iter()
                        .any(|(k, key)| *k == kind_name(s.kind) && *key == s.key)
                })
                .map(|s| Insight {
                    key: s.key.clone(),
                    example_documents: s.example_documents.clone(),
                    suggestion: s,
                }),
        );

        let mut versions: Vec<PromptVersion> = self.prompt_versions(project_id)?;
        versions.reverse();
        // Each point of the curve is of the same drafts as the rest of the page: one
        // author's when scoped to them.
        let decided = self.decisions_by_version(project_id, author)?;
        let routed = self.routed_by_version(project_id, author)?;
        let curve = versions
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let distances: Vec<f64> = versioned
                    .iter()
                    .filter(|e| e.prompt_version.as_deref() == Some(v.id.as_str()))
                    .map(|Edited { pair: p, .. }| {
                        mining::analyze(
                            &p.draft,
                            &p.final_text,
                            Instant::now() + MineOptions::default().diff_deadline,
                        )
                        .normalized_distance()
                    })
                    .collect();
                CurvePoint {
                    prompt_version_id: v.id.clone(),
                    version: i as u32 + 1,
                    origin: v.origin.clone(),
                    pairs: distances.len() as u32,
                    mean_edit_distance: (!distances.is_empty())
                        .then(|| distances.iter().sum::<f64>() / distances.len() as f64),
                    approval_rate: decided
                        .get(&v.id)
                        .filter(|(_, n)| *n > 0)
                        .map(|(approved, n)| *approved as f64 / *n as f64),
                    needed_person: routed
                        .get(&v.id)
                        .filter(|(_, n)| *n > 0)
                        .map(|(queued, n)| *queued as f64 / *n as f64),
                }
            })
            .collect();
        Ok(Insights {
            author: author.map(str::to_owned),
            authors,
            pairs: report.pairs,
            mean_edit_distance: report.mean_edit_distance,
            suggestions,
            curve,
        })
    }

    fn decide(
        &mut self,
        id: &str,
        project_id: &str,
        d: &SuggestionDecision,
        status: &str,
        prompt_version_id: Option<&str>,
    ) -> Result<()> {
        let kind = serde_json::to_value(d.kind)?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let scope = json!({"doc_type": d.doc_type, "key": d.key, "author": d.author}).to_string();
        let examples = serde_json::to_string(&d.examples)?;
        self.write(|tx, actor| {
            tx.execute(
                "INSERT INTO suggestions (id, project_id, kind, instruction, support, examples,
                     scope, status, prompt_version_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    id,
                    project_id,
                    kind,
                    d.instruction.trim(),
                    d.support,
                    examples,
                    scope,
                    status,
                    prompt_version_id,
                    now()
                ],
            )?;
            let detail = json!({"kind": kind, "instruction": d.instruction});
            audit::record(
                tx,
                actor,
                &format!("suggestion.{status}"),
                "suggestion",
                id,
                detail,
            )
        })
    }

    /// Accepting makes a new prompt version with the instruction (in the system prompt
    /// the person edited, or for a decision scoped to an author, added to that author's
    /// block); the next generation uses it.
    pub fn accept_suggestion(
        &mut self,
        project_id: &str,
        decision: &SuggestionDecision,
        system_prompt: &str,
        user_template: &str,
    ) -> Result<PromptVersion> {
        check(decision)?;
        let id = new_id();
        // One author's pattern goes into their block; the prompt as the person left it
        // is saved with it.
        let blocks = match &decision.author {
            Some(author) => {
                let mut blocks = self
                    .latest_prompt(project_id)?
                    .map(|v| v.author_blocks)
                    .unwrap_or_default();
                let block = blocks.entry(author.clone()).or_default();
                if !block.trim().is_empty() {
                    block.push('\n');
                }
                block.push_str(decision.instruction.trim());
                Some(blocks)
            }
            None => None,
        };
        let version = self.save_prompt_from(
            project_id,
            system_prompt,
            user_template,
            blocks.as_ref(),
            "suggestion",
            Some(&id),
        )?;
        self.decide(&id, project_id, decision, "accepted", Some(&version.id))?;
        if decision.content_type_wide && decision.author.is_none() {
            self.accept_in_projects_like(project_id, decision)?;
        }
        Ok(version)
    }

    /// The other projects of `project_id`'s content type that have a prompt.
    pub fn projects_like(&self, project_id: &str) -> Result<Vec<crate::Project>> {
        let content_type = self.project(project_id)?.content_type;
        let mut out = Vec::new();
        for p in self.projects()? {
            if p.id != project_id
                && p.content_type == content_type
                && self.latest_prompt(&p.id)?.is_some()
            {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// Adds an accepted instruction to the system prompt of the other projects of the
    /// content type, each a new version from the suggestion, and records it accepted
    /// there too, so their Insights do not suggest it again.
    fn accept_in_projects_like(
        &mut self,
        project_id: &str,
        decision: &SuggestionDecision,
    ) -> Result<()> {
        for p in self.projects_like(project_id)? {
            let Some(latest) = self.latest_prompt(&p.id)? else {
                continue;
            };
            let instruction = decision.instruction.trim();
            let system = match latest.system_prompt.trim_end() {
                "" => instruction.to_owned(),
                before => format!("{before}\n{instruction}"),
            };
            let id = new_id();
            let version = self.save_prompt_from(
                &p.id,
                &system,
                &latest.user_template,
                None,
                "suggestion",
                Some(&id),
            )?;
            self.decide(&id, &p.id, decision, "accepted", Some(&version.id))?;
        }
        Ok(())
    }

    /// A rejected pattern is not suggested again in this project.
    pub fn reject_suggestion(
        &mut self,
        project_id: &str,
        decision: &SuggestionDecision,
    ) -> Result<()> {
        check(decision)?;
        self.project(project_id)?;
        self.decide(&new_id(), project_id, decision, "rejected", None)
    }
}

fn check(d: &SuggestionDecision) -> Result<()> {
    if d.instruction.trim().is_empty() {
        return Err(Error::invalid("the instruction cannot be empty"));
    }
    Ok(())
}
