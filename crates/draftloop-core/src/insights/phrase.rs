//! "Phrase with the model" (after CIPHER, Gao et al. 2024): the sentences people keep
//! adding or cutting that no rule kind explains are grouped (by a provider's embeddings,
//! or by the words they share), and the model is asked to say, for each of the
//! strongest groups, the preference the edits show. Each answer is recorded like any
//! generation and kept as an open suggestion labelled as the model's, which changes no
//! prompt until a person accepts it.

use std::collections::HashSet;
use std::sync::Arc;

use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

use super::Insight;
use crate::audit;
use crate::drafting::{Brief, DraftRequest};
use crate::error::{Error, Result};
use crate::ids::{new_id, now};
use crate::llm::{ChatMessage, Role, Token};
use crate::mining::clusters::{self, Group};
use crate::mining::{self, Example, Kind, MineOptions, Suggestion, Unexplained};
use crate::services::Core;
use crate::store::Workspace;

/// Groups sent to the model in one go: the strongest, each its own request.
pub const MAX_GROUPS: usize = 3;
/// Sentences of a group the model sees.
const MAX_SHOWN: usize = 8;
/// Sentences grouped at most: the most recent drafts' (embeddings cost money, and
/// grouping takes time cubic in their number).
const MAX_SENTENCES: usize = 600;
/// How a phrasing request ends its instructions (the test LLM server answers such a
/// request with a rule).
pub const PHRASE_ASKS: &str = "Answer with the rule only.";

/// What the person asks of "Phrase with the model".
#[derive(Debug, Clone, Deserialize, TS)]
pub struct PhraseRequest {
    /// Chosen by the UI, so it can stop the request while it runs.
    pub request_id: String,
    pub project_id: String,
    /// Writes the rules, with its default model.
    pub provider: String,
    /// Groups the sentences by meaning; by the words they share when none.
    pub embeddings: Option<EmbeddingsSource>,
}

/// A provider's OpenAI-style embeddings endpoint and the model to ask.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct EmbeddingsSource {
    pub provider: String,
    pub model: String,
}

/// How "Phrase with the model" is getting on.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum PhraseProgress {
    /// The sentences no suggestion explains are grouped; `to_phrase` groups go to the
    /// model.
    Grouped { sentences: u32, to_phrase: u32 },
    /// The rule for group `group` (0-based) as it streams.
    Token { group: u32, text: String },
}

/// Receives progress as it happens.
pub type PhraseSink = Arc<dyn Fn(PhraseProgress) + Send + Sync>;

#[derive(Debug, Clone, Serialize, TS)]
pub struct Phrased {
    /// Sentences people added or cut that no suggestion explains.
    pub sentences: u32,
    /// Groups of them from enough separate drafts, before those already phrased are
    /// left out.
    pub groups: u32,
    /// The rules the model wrote, as open suggestions.
    pub rules: Vec<Insight>,
}

/// The messages that ask the model for one group's rule.
pub fn phrase_messages(
    group: &Group,
    sentences: &[Unexplained],
    drafts: u32,
    content_type: &str,
) -> Vec<ChatMessage> {
    let system = format!(
        "You help a team tune the prompt of a writing assistant that drafts {content_type}. \
         People keep editing its drafts in the same way. From examples of their edits, \
         write the one preference the edits show as an instruction the assistant can \
         follow: one short, general sentence in the imperative, about what to write, \
         not about these examples. {PHRASE_ASKS}"
    );
    let did = if group.added {
        "added a sentence like one of these"
    } else {
        "cut a sentence like one of these"
    };
    let mut user = format!(
        "In {} of {drafts} drafts they edited, people {did}:\n",
        group.support
    );
    for (n, &i) in group.members.iter().take(MAX_SHOWN).enumerate() {
        user.push_str(&format!("{}. \"{}\"\n", n + 1, sentences[i].text.trim()));
    }
    user.push_str("What is the rule?");
    vec![
        ChatMessage::new(Role::System, system),
        ChatMessage::new(Role::User, user),
    ]
}

/// The rule in a model's answer: its first line of text, without a label or quotes.
pub fn rule_of(answer: &str) -> Option<String> {
    let line = answer.lines().map(str::trim).find(|l| !l.is_empty())?;
    let line = ["Rule:", "rule:", "RULE:"]
        .iter()
        .find_map(|p| line.strip_prefix(p))
        .unwrap_or(line)
        .trim();
    // Quotes or emphasis around the whole rule, not a quote it ends with.
    let line = ['"', '\'', '*', '`']
        .iter()
        .find_map(|q| {
            let inner = line.strip_prefix(*q)?.strip_suffix(*q)?;
            Some(inner.trim_matches(*q).trim())
        })
        .unwrap_or(line);
    let rule: String = line.chars().take(400).collect();
    (!rule.is_empty()).then_some(rule)
}

/// The sentences behind one phrased rule, as the rule's examples.
fn examples(group: &Group, sentences: &[Unexplained]) -> (Vec<Example>, Vec<Option<String>>) {
    group
        .members
        .iter()
        .take(MAX_SHOWN)
        .map(|&i| {
            let s = &sentences[i];
            let example = if s.added {
                Example {
                    before: String::new(),
                    after: s.text.clone(),
                }
            } else {
                Example {
                    before: s.text.clone(),
                    after: String::new(),
                }
            };
            (example, s.document_id.clone())
        })
        .unzip()
}

impl Workspace {
    /// Sentences already behind a phrased rule, open or decided: their groups are not
    /// sent again.
    fn phrased_sentences(&self, project_id: &str) -> Result<HashSet<String>> {
        let mut stmt = self.conn().prepare(
            "SELECT examples FROM suggestions WHERE project_id = ?1 AND kind = 'phrased'",
        )?;
        let rows = stmt.query_map([project_id], |r| r.get::<_, String>(0))?;
        let mut out = HashSet::new();
        for row in rows {
            let examples: Vec<Example> = serde_json::from_str(&row?)?;
            for e in examples {
                out.extend([e.before, e.after].into_iter().filter(|s| !s.is_empty()));
            }
        }
        Ok(out)
    }

    /// Keeps a rule the model phrased as an open suggestion.
    fn keep_phrased(&mut self, project_id: &str, s: &Suggestion) -> Result<String> {
        let id = new_id();
        let scope = json!({
            "doc_type": s.doc_type,
            "key": s.key,
            "details": s.details,
            "documents": s.example_documents,
        })
        .to_string();
        let examples = serde_json::to_string(&s.examples)?;
        self.write(|tx, actor| {
            tx.execute(
                "INSERT INTO suggestions (id, project_id, kind, instruction, support, examples,
                     scope, status, created_at)
                 VALUES (?1, ?2, 'phrased', ?3, ?4, ?5, ?6, 'open', ?7)",
                params![
                    id,
                    project_id,
                    s.instruction,
                    s.support,
                    examples,
                    scope,
                    now()
                ],
            )?;
            audit::record(
                tx,
                actor,
                "suggestion.phrased",
                "suggestion",
                &id,
                json!({"instruction": s.instruction, "generation_id": s.details["generation_id"]}),
            )
        })?;
        Ok(id)
    }

    /// The rules the model phrased that no one has accepted or rejected yet.
    pub(super) fn open_phrased(&self, project_id: &str) -> Result<Vec<Insight>> {
        let mut stmt = self.conn().prepare(
            "SELECT instruction, support, examples, scope FROM suggestions s
             WHERE project_id = ?1 AND kind = 'phrased' AND status = 'open'
               AND NOT EXISTS (SELECT 1 FROM suggestions d
                   WHERE d.project_id = s.project_id AND d.kind = 'phrased'
                     AND d.status != 'open'
                     AND json_extract(d.scope, '$.key') = json_extract(s.scope, '$.key'))
             ORDER BY created_at DESC",
        )?;
        let rows = stmt.query_map([project_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, u32>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (instruction, support, examples, scope) = row?;
            let scope: Value = serde_json::from_str(&scope)?;
            let key = scope["key"].as_str().unwrap_or_default().to_owned();
            let documents: Vec<Option<String>> =
                serde_json::from_value(scope["documents"].clone()).unwrap_or_default();
            let suggestion = Suggestion {
                kind: Kind::Phrased,
                instruction,
                support,
                doc_type: scope["doc_type"].as_str().map(str::to_owned),
                impact: 0.0,
                examples: serde_json::from_str(&examples)?,
                details: scope["details"].clone(),
                key: key.clone(),
                example_documents: documents.clone(),
            };
            out.push(Insight {
                suggestion,
                key,
                example_documents: documents,
            });
        }
        Ok(out)
    }
}

impl Core {
    /// Groups the edits no suggestion explains and asks `request.provider` to phrase
    /// the strongest groups as rules, each recorded as a generation and kept as an open
    /// suggestion.
    pub async fn phrase_with_model(
        &self,
        request: PhraseRequest,
        progress: PhraseSink,
    ) -> Result<Phrased> {
        let project_id = request.project_id.clone();
        let (project, sentences, drafts, phrased) = self
            .reading(move |ws| {
                let project = ws.project(&project_id)?;
                let pairs = ws.edit_pairs(&project_id)?;
                let options = MineOptions::default();
                let mined = mining::analyze_pairs(&pairs, options.diff_deadline);
                let report = mining::aggregate(&mined, &options);
                let mut sentences = mining::unexplained(&mined, &report);
                // Pairs come oldest document first: keep the newest sentences.
                let skip = sentences.len().saturating_sub(MAX_SENTENCES);
                sentences.drain(..skip);
                Ok((
                    project,
                    sentences,
                    pairs.len() as u32,
                    ws.phrased_sentences(&project_id)?,
                ))
            })
            .await?;
        // Checked before anything is sent, so a mistyped name costs nothing.
        self.read(|ws| ws.provider_named(&request.provider).map(drop))?;
        let (vectors, threshold) = match &request.embeddings {
            Some(source) => {
                if source.model.trim().is_empty() {
                    return Err(Error::invalid("name the embeddings model to ask"));
                }
                let endpoint = self.read(|ws| {
                    let provider = ws.provider_named(&source.provider)?;
                    ws.endpoint(&provider, self.host().keychain())
                })?;
                let texts: Vec<String> = sentences.iter().map(|s| s.text.clone()).collect();
                let vectors = if texts.is_empty() {
                    Vec::new()
                } else {
                    self.llm()
                        .embed(&endpoint, source.model.trim(), &texts)
                        .await?
                };
                (vectors, clusters::EMBEDDINGS_THRESHOLD)
            }
            None => (
                sentences
                    .iter()
                    .map(|s| clusters::word_vector(&s.text))
                    .collect(),
                clusters::WORDS_THRESHOLD,
            ),
        };
        // Grouping takes time cubic in the sentences: off the async runtime.
        let (sentences, groups) = tokio::task::spawn_blocking(move || {
            let groups = clusters::group(
                &sentences,
                &vectors,
                threshold,
                MineOptions::default().min_support,
            );
            (sentences, groups)
        })
        .await
        .map_err(|e| Error::Internal(format!("grouping the edits stopped: {e}")))?;
        let to_phrase: Vec<&Group> = groups
            .iter()
            .filter(|g| {
                !g.members
                    .iter()
                    .any(|&i| phrased.contains(&sentences[i].text))
            })
            .take(MAX_GROUPS)
            .collect();
        progress(PhraseProgress::Grouped {
            sentences: sentences.len() as u32,
            to_phrase: to_phrase.len() as u32,
        });
        let mut rules = Vec::new();
        for (n, group) in to_phrase.into_iter().enumerate() {
            let messages = phrase_messages(group, &sentences, drafts, &project.content_type);
            let sink = progress.clone();
            let drafted = self
                .generate(
                    DraftRequest {
                        request_id: format!("{}:{n}", request.request_id),
                        brief: Brief::Messages(messages),
                        provider: request.provider.clone(),
                        model: None,
                        n: 1,
                        temperature: Some(0.0),
                        max_tokens: Some(200),
                        stream: true,
                        route: None,
                    },
                    Arc::new(move |t: Token| {
                        sink(PhraseProgress::Token {
                            group: n as u32,
                            text: t.text,
                        })
                    }),
                )
                .await?;
            // A stopped or cut-off answer is recorded, but no rule is made of it.
            drafted.whole()?;
            let Some(generation) = drafted.generations.first() else {
                continue;
            };
            let Some(rule) = rule_of(&generation.output) else {
                return Err(Error::Llm(crate::llm::LlmError {
                    kind: crate::error::ErrorKind::MalformedResponse,
                    message: format!(
                        "{} answered with no rule (generation {})",
                        request.provider, generation.id
                    ),
                }));
            };
            let (examples, documents) = examples(group, &sentences);
            let first = &sentences[group.members[0]];
            let key = format!(
                "{}:{}",
                if group.added { "added" } else { "cut" },
                first.text.trim().to_lowercase()
            );
            let suggestion = Suggestion {
                kind: Kind::Phrased,
                instruction: rule,
                support: group.support,
                doc_type: group.doc_type.clone(),
                impact: 0.0,
                examples,
                details: json!({
                    "generation_id": generation.id,
                    "provider": generation.provider,
                    "model": generation.model,
                    "added": group.added,
                    "of": drafts,
                    "grouped_by": if request.embeddings.is_some() { "embeddings" } else { "words" },
                }),
                key: key.clone(),
                example_documents: documents.clone(),
            };
            self.with(|ws| ws.keep_phrased(&request.project_id, &suggestion))?;
            rules.push(Insight {
                suggestion,
                key,
                example_documents: documents,
            });
        }
        Ok(Phrased {
            sentences: sentences.len() as u32,
            groups: groups.len() as u32,
            rules,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_is_the_first_line_without_its_label_or_quotes() {
        assert_eq!(
            rule_of("\n  Rule: \"Name a deadline for the reply.\"\nBecause...").as_deref(),
            Some("Name a deadline for the reply.")
        );
        assert_eq!(
            rule_of("**Name a \"deadline\"**").as_deref(),
            Some("Name a \"deadline\"")
        );
        assert_eq!(rule_of("  \n \n"), None);
        assert_eq!(rule_of("Rule:"), None);
    }
}
