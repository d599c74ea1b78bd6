//! The rows a record becomes in each format. They borrow from the record and are
//! serialized once, straight into the bytes that are written: no JSON tree in between.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use crate::error::Result;
use crate::feedback::Verdict;
use crate::llm::Role;

use super::{distance::edit_distance_at_least, ExportOptions, Format, Record};

#[derive(Serialize)]
pub(super) struct Turn<'a> {
    role: Role,
    content: &'a str,
}

/// The answer side of a row: one assistant turn.
type Answer<'a> = [Turn<'a>; 1];

fn answer(content: &str) -> Answer<'_> {
    [Turn {
        role: Role::Assistant,
        content,
    }]
}

/// What links a row back to the workspace. Not part of what de-duplication compares.
#[derive(Serialize)]
pub(super) struct Metadata<'a> {
    generation_id: &'a str,
    document_id: &'a str,
    feedback_ids: &'a [String],
    prompt_version_id: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct Input<'a> {
    messages: &'a [Turn<'a>],
}

/// A training row's content, in the exact shape of its format.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum Training<'a> {
    Sft {
        messages: Vec<Turn<'a>>,
    },
    Dpo {
        prompt: &'a [Turn<'a>],
        chosen: Answer<'a>,
        rejected: Answer<'a>,
    },
    OpenaiDpo {
        input: Input<'a>,
        preferred_output: Answer<'a>,
        non_preferred_output: Answer<'a>,
    },
    Kto {
        prompt: &'a [Turn<'a>],
        completion: Answer<'a>,
        label: bool,
    },
}

/// One generation as a flat row: the ratings JSONL, CSV and Parquet.
#[derive(Serialize)]
pub(super) struct Flat<'a> {
    pub generation_id: &'a str,
    pub document_id: &'a str,
    pub project: &'a str,
    pub content_type: &'a str,
    pub prompt_version_id: Option<&'a str>,
    pub model: &'a str,
    pub created_at: &'a str,
    pub system: Option<&'a str>,
    pub prompt: Cow<'a, str>,
    pub output: &'a str,
    #[serde(rename = "final")]
    pub final_text: Option<&'a str>,
    pub thumb: Option<&'static str>,
    pub decision: Option<Verdict>,
    pub reviewer: Option<&'a str>,
    pub status: &'a str,
    pub tags: &'a [String],
    pub ratings: &'a BTreeMap<String, i32>,
    /// Only in the ratings JSONL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata<'a>>,
}

impl Flat<'_> {
    /// The text columns of the flat tables, in the order of `writer::COLUMNS`.
    pub fn cells(&self) -> [Option<Cow<'_, str>>; 16] {
        fn b(s: &str) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(s))
        }
        [
            b(self.generation_id),
            b(self.document_id),
            b(self.project),
            b(self.content_type),
            self.prompt_version_id.and_then(b),
            b(self.model),
            b(self.created_at),
            self.system.and_then(b),
            b(&self.prompt),
            b(self.output),
            self.final_text.and_then(b),
            self.thumb.and_then(b),
            self.decision.map(|d| Cow::Borrowed(d.name())),
            self.reviewer.and_then(b),
            b(self.status),
            Some(Cow::Owned(self.tags.join("; "))),
        ]
    }

    /// The latest rating on `dimension`, whatever its case.
    pub fn rating(&self, dimension: &str) -> Option<i32> {
        self.ratings
            .iter()
            .find(|(d, _)| d.eq_ignore_ascii_case(dimension))
            .map(|(_, v)| *v)
    }
}

pub(super) enum Row<'a> {
    Training(Training<'a>, Metadata<'a>),
    Flat(Flat<'a>),
}

impl Row<'_> {
    /// The row as one JSON line (without the newline) into `out`; with `content_end`
    /// set to where its content ends, before the metadata: the part de-duplication
    /// compares. Flat rows carry their generation id, so they are unique anyway.
    pub fn json(&self, out: &mut Vec<u8>) -> Result<Option<usize>> {
        out.clear();
        match self {
            Row::Training(content, metadata) => {
                serde_json::to_writer(&mut *out, content)?;
                let end = out.len();
                // The metadata goes in as the content's last key.
                out.pop();
                if out.last() != Some(&b'{') {
                    out.push(b',');
                }
                out.extend_from_slice(b"\"metadata\":");
                serde_json::to_writer(&mut *out, metadata)?;
                out.push(b'}');
                Ok(Some(end))
            }
            Row::Flat(flat) => {
                serde_json::to_writer(&mut *out, flat)?;
                Ok(None)
            }
        }
    }
}

/// Calls `each` with the rows `r` becomes in `format`.
pub(super) fn each_row(
    format: Format,
    r: &Record,
    opts: &ExportOptions,
    mut each: impl FnMut(Row<'_>) -> Result<()>,
) -> Result<()> {
    let prompt: Vec<Turn> = r
        .messages
        .iter()
        .filter(|m| m.role != Role::Assistant)
        .map(|m| Turn {
            role: m.role,
            content: &m.content,
        })
        .collect();
    let metadata = || Metadata {
        generation_id: &r.generation_id,
        document_id: &r.document_id,
        feedback_ids: &r.feedback_ids,
        prompt_version_id: r.prompt_version_id.as_deref(),
    };
    // Preference pairs, chosen then rejected: what people kept over what the model
    // wrote, then the variants people preferred over others.
    let pairs = || {
        let kept = r
            .final_text
            .as_deref()
            .filter(|kept| edit_distance_at_least(&r.output, kept, opts.min_edit_distance));
        kept.map(|k| (k, r.output.as_str())).into_iter().chain(
            r.preferred_over
                .iter()
                .map(|other| (r.output.as_str(), other.as_str())),
        )
    };
    match format {
        Format::Sft | Format::OpenaiSft => {
            let approved = (r.decision == Some(Verdict::Approve)).then_some(r.output.as_str());
            if let Some(content) = r
                .final_text
                .as_deref()
                .or(approved)
                .filter(|a| !a.trim().is_empty())
            {
                let mut messages = prompt;
                messages.push(Turn {
                    role: Role::Assistant,
                    content,
                });
                each(Row::Training(Training::Sft { messages }, metadata()))?;
            }
        }
        Format::Dpo => {
            for (chosen, rejected) in pairs() {
                let content = Training::Dpo {
                    prompt: &prompt,
                    chosen: answer(chosen),
                    rejected: answer(rejected),
                };
                each(Row::Training(content, metadata()))?;
            }
        }
        Format::OpenaiDpo => {
            for (chosen, rejected) in pairs() {
                let content = Training::OpenaiDpo {
                    input: Input { messages: &prompt },
                    preferred_output: answer(chosen),
                    non_preferred_output: answer(rejected),
                };
                each(Row::Training(content, metadata()))?;
            }
        }
        Format::Kto => {
            let label = match r.decision {
                Some(Verdict::Approve) => Some(true),
                Some(Verdict::Reject) => Some(false),
                _ => r.thumb,
            };
            if let Some(label) = label {
                let content = Training::Kto {
                    prompt: &prompt,
                    completion: answer(&r.output),
                    label,
                };
                each(Row::Training(content, metadata()))?;
            }
        }
        Format::Ratings | Format::Csv | Format::Parquet => {
            let mut users = prompt.iter().filter(|t| t.role == Role::User);
            let user = match (users.next(), users.next()) {
                (None, _) => Cow::Borrowed(""),
                (Some(one), None) => Cow::Borrowed(one.content),
                (Some(_), Some(_)) => Cow::Owned(
                    prompt
                        .iter()
                        .filter(|t| t.role == Role::User)
                        .map(|t| t.content)
                        .collect::<Vec<_>>()
                        .join("\n\n"),
                ),
            };
            each(Row::Flat(Flat {
                generation_id: &r.generation_id,
                document_id: &r.document_id,
                project: &r.project,
                content_type: &r.content_type,
                prompt_version_id: r.prompt_version_id.as_deref(),
                model: &r.model,
                created_at: &r.created_at,
                system: prompt
                    .iter()
                    .find(|t| t.role == Role::System)
                    .map(|t| t.content),
                prompt: user,
                output: &r.output,
                final_text: r.final_text.as_deref(),
                thumb: r.thumb.map(|up| if up { "up" } else { "down" }),
                decision: r.decision,
                reviewer: r.reviewer.as_deref(),
                status: &r.status,
                tags: &r.tags,
                ratings: &r.ratings,
                metadata: (format == Format::Ratings).then(metadata),
            }))?;
        }
    }
    Ok(())
}
