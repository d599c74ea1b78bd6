//! Prompt versions: a system prompt and a user template with `{{variables}}`. A
//! version is never edited; saving a change makes a new version whose parent is the
//! one it changed.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::audit;
use crate::error::{Error, Result};
use crate::ids::{new_id, now};
use crate::llm::{ChatMessage, Role};
use crate::store::Workspace;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PromptVersion {
    pub id: String,
    pub project_id: String,
    pub parent_id: Option<String>,
    pub system_prompt: String,
    pub user_template: String,
    /// `hand` or `suggestion`.
    pub origin: String,
    pub author: String,
    pub created_at: String,
    /// The `{{variables}}` its system prompt and template use.
    pub variables: Vec<String>,
    /// Instructions for one author's drafts, by author: added to the system prompt when
    /// drafting a document of theirs.
    pub author_blocks: BTreeMap<String, String>,
}

/// Each `{{name}}` of a text, in order, repeats included.
fn names(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || loop {
        let start = rest.find("{{")?;
        let after = &rest[start + 2..];
        let end = after.find("}}")?;
        let name = after[..end].trim();
        rest = &after[end + 2..];
        if !name.is_empty() {
            return Some(name);
        }
    })
}

/// The `{{variables}}` a template uses, each once, in name order.
pub fn variables(template: &str) -> BTreeSet<String> {
    names(template).map(str::to_owned).collect()
}

/// The variables of a prompt in the order a person wrote them (the system prompt's
/// first), each once: the order the brief asks for them.
fn prompt_variables(system_prompt: &str, user_template: &str) -> Vec<String> {
    let mut all: Vec<String> = Vec::new();
    for name in names(system_prompt).chain(names(user_template)) {
        if !all.iter().any(|n| n == name) {
            all.push(name.to_owned());
        }
    }
    all
}

/// Fills every `{{name}}`; a variable without a value is an error naming it.
pub fn render(template: &str, values: &BTreeMap<String, String>) -> Result<String> {
    let missing: Vec<String> = variables(template)
        .into_iter()
        .filter(|v| !values.contains_key(v))
        .collect();
    if !missing.is_empty() {
        return Err(Error::invalid(format!(
            "the prompt needs a value for {}",
            missing
                .iter()
                .map(|m| format!("{{{{{m}}}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = after[..end].trim();
        match values.get(name) {
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

impl PromptVersion {
    /// The messages this version sends for `values`.
    pub fn messages(&self, values: &BTreeMap<String, String>) -> Result<Vec<ChatMessage>> {
        self.messages_for(values, None)
    }

    /// The messages this version sends for `values` in a document of `author`: the
    /// system prompt, then that author's block, if any.
    pub fn messages_for(
        &self,
        values: &BTreeMap<String, String>,
        author: Option<&str>,
    ) -> Result<Vec<ChatMessage>> {
        let mut messages = Vec::new();
        let mut system = render(&self.system_prompt, values)?;
        if let Some(block) = author
            .and_then(|a| self.author_blocks.get(a))
            .map(|b| b.trim())
            .filter(|b| !b.is_empty())
        {
            system = match system.trim_end() {
                "" => block.to_owned(),
                before => format!("{before}\n\n{block}"),
            };
        }
        if !system.trim().is_empty() {
            messages.push(ChatMessage::new(Role::System, system));
        }
        messages.push(ChatMessage::new(
            Role::User,
            render(&self.user_template, values)?,
        ));
        Ok(messages)
    }
}

/// The system prompt used to revise when a project has no prompt yet.
const DEFAULT_SYSTEM: &str =
    "You are a careful editor. You revise drafts as asked and keep everything else as it is.";

/// "Revise with notes": the project's system prompt (with the block of `author`, whose
/// document it is, if any), then the current draft and the person's notes in one user
/// turn, asking for the whole revised text.
pub fn revision_messages(
    version: Option<&PromptVersion>,
    brief: &BTreeMap<String, String>,
    draft: &str,
    notes: &str,
    author: Option<&str>,
) -> Result<Vec<ChatMessage>> {
    if notes.trim().is_empty() {
        return Err(Error::invalid("write a note on what to change"));
    }
    if draft.trim().is_empty() {
        return Err(Error::invalid("there is no text to revise yet"));
    }
    // The version's system message as drafting sends it, block included.
    let system = match version {
        Some(v) => v
            .messages_for(brief, author)?
            .into_iter()
            .find(|m| m.role == Role::System)
            .map(|m| m.content),
        None => None,
    };
    let system = system.unwrap_or_else(|| DEFAULT_SYSTEM.to_owned());
    let user = format!(
        "Here is the current draft:\n\n{draft}\n\nRevise it following these notes, and reply with the \
         whole revised text only, in Markdown.\n\nNotes:\n{notes}",
        draft = draft.trim(),
        notes = notes.trim()
    );
    Ok(vec![
        ChatMessage::new(Role::System, system),
        ChatMessage::new(Role::User, user),
    ])
}

const COLUMNS: &str = "id, project_id, parent_id, system_prompt, user_template, origin, author, \
    created_at, author_blocks";

fn from_row(row: &Row) -> rusqlite::Result<PromptVersion> {
    let system_prompt: String = row.get(3)?;
    let user_template: String = row.get(4)?;
    Ok(PromptVersion {
        variables: prompt_variables(&system_prompt, &user_template),
        id: row.get(0)?,
        project_id: row.get(1)?,
        parent_id: row.get(2)?,
        system_prompt,
        user_template,
        origin: row.get(5)?,
        author: row.get(6)?,
        created_at: row.get(7)?,
        author_blocks: serde_json::from_str(&row.get::<_, String>(8)?).unwrap_or_default(),
    })
}

impl Workspace {
    /// Newest first.
    pub fn prompt_versions(&self, project_id: &str) -> Result<Vec<PromptVersion>> {
        self.project(project_id)?;
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLUMNS} FROM prompt_versions WHERE project_id = ?1 ORDER BY id DESC"
        ))?;
        let rows = stmt.query_map([project_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn latest_prompt(&self, project_id: &str) -> Result<Option<PromptVersion>> {
        Ok(self
            .conn()
            .prepare_cached(
                &format!(
                    "SELECT {COLUMNS} FROM prompt_versions WHERE project_id = ?1 ORDER BY id DESC LIMIT 1"
                ),
            )?
            .query_row(
                [project_id],
                from_row,
            )
            .optional()?)
    }

    pub fn prompt_version(&self, id: &str) -> Result<PromptVersion> {
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM prompt_versions WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("prompt version {id}")))
    }

    /// Saves the prompt as a new version, unless it equals the latest one. Authors'
    /// blocks carry over from the latest version.
    pub fn save_prompt(
        &mut self,
        project_id: &str,
        system_prompt: &str,
        user_template: &str,
    ) -> Result<PromptVersion> {
        self.save_prompt_from(project_id, system_prompt, user_template, None, "hand", None)
    }

    /// Saves a new version, saying where it came from: by hand, or an accepted
    /// suggestion. `author_blocks` `None` keeps the latest version's.
    pub(crate) fn save_prompt_from(
        &mut self,
        project_id: &str,
        system_prompt: &str,
        user_template: &str,
        author_blocks: Option<&BTreeMap<String, String>>,
        origin: &str,
        suggestion_id: Option<&str>,
    ) -> Result<PromptVersion> {
        if user_template.trim().is_empty() {
            return Err(Error::invalid("the user template cannot be empty"));
        }
        self.project(project_id)?;
        let latest = self.latest_prompt(project_id)?;
        let author_blocks: BTreeMap<String, String> = match (author_blocks, &latest) {
            (Some(blocks), _) => blocks
                .iter()
                .map(|(a, b)| (a.clone(), b.trim().to_owned()))
                .filter(|(_, b)| !b.is_empty())
                .collect(),
            (None, Some(latest)) => latest.author_blocks.clone(),
            (None, None) => BTreeMap::new(),
        };
        if let Some(latest) = &latest {
            if latest.system_prompt == system_prompt
                && latest.user_template == user_template
                && latest.author_blocks == author_blocks
            {
                return Ok(latest.clone());
            }
        }
        let version = PromptVersion {
            id: new_id(),
            project_id: project_id.to_owned(),
            parent_id: latest.map(|l| l.id),
            system_prompt: system_prompt.to_owned(),
            user_template: user_template.to_owned(),
            origin: origin.into(),
            author: self.actor().as_str().to_owned(),
            created_at: now(),
            variables: prompt_variables(system_prompt, user_template),
            author_blocks,
        };
        self.write(|tx, actor| {
            tx.execute(
                &format!("INSERT INTO prompt_versions ({COLUMNS}, suggestion_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"),
                params![
                    version.id,
                    version.project_id,
                    version.parent_id,
                    version.system_prompt,
                    version.user_template,
                    version.origin,
                    version.author,
                    version.created_at,
                    serde_json::to_string(&version.author_blocks)?,
                    suggestion_id,
                ],
            )?;
            audit::record(
                tx,
                actor,
                "prompt.saved",
                "prompt_version",
                &version.id,
                json!({"project_id": project_id, "parent_id": version.parent_id}),
            )
        })?;
        Ok(version)
    }

    /// Saves the latest prompt with `author`'s block as given: a new version, the
    /// system prompt and template unchanged. An empty block removes it.
    pub fn save_author_block(
        &mut self,
        project_id: &str,
        author: &str,
        block: &str,
    ) -> Result<PromptVersion> {
        self.author_block_from(project_id, author, block, "hand", None)
    }

    pub(crate) fn author_block_from(
        &mut self,
        project_id: &str,
        author: &str,
        block: &str,
        origin: &str,
        suggestion_id: Option<&str>,
    ) -> Result<PromptVersion> {
        if author.trim().is_empty() {
            return Err(Error::invalid("name the author the block is for"));
        }
        let latest = self.latest_prompt(project_id)?.ok_or_else(|| {
            Error::invalid("write the project's prompt first (Prompt, in the document header)")
        })?;
        let mut blocks = latest.author_blocks.clone();
        blocks.insert(author.to_owned(), block.to_owned());
        self.save_prompt_from(
            project_id,
            &latest.system_prompt,
            &latest.user_template,
            Some(&blocks),
            origin,
            suggestion_id,
        )
    }

    /// Makes an old version the newest again, as a new version copying it.
    pub fn restore_prompt_version(&mut self, id: &str) -> Result<PromptVersion> {
        let old = self.prompt_version(id)?;
        self.save_prompt_from(
            &old.project_id,
            &old.system_prompt,
            &old.user_template,
            Some(&old.author_blocks),
            "hand",
            None,
        )
    }
}

/// What the review gate's judge is told: rate, and answer with the number alone.
pub const JUDGE_SYSTEM: &str = "You review marketing copy before it ships. Rate the draft against the rubric from 1 (unusable) to 5 (ready to ship as it is). Answer with the number only.";

/// The judge's messages: the project's rubric, what the writer asked for, the draft.
pub fn judge_messages(
    rubric: &[crate::project::RubricDimension],
    asked_for: &str,
    draft: &str,
) -> Vec<ChatMessage> {
    let mut user = String::from("Rubric:\n");
    for d in rubric {
        user.push_str(&format!("- {}: {}\n", d.name, d.description));
    }
    user.push_str(&format!(
        "\nWhat the writer was asked:\n{asked_for}\n\nThe draft:\n{draft}"
    ));
    vec![
        ChatMessage::new(Role::System, JUDGE_SYSTEM),
        ChatMessage::new(Role::User, user),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    #[test]
    fn renders_variables_and_names_missing_ones() {
        let t = "Write a {{ kind }} about {{topic}} for {{topic}} fans.";
        assert_eq!(
            variables(t).into_iter().collect::<Vec<_>>(),
            ["kind", "topic"]
        );
        assert_eq!(
            render(t, &vars(&[("kind", "post"), ("topic", "tea")])).unwrap(),
            "Write a post about tea for tea fans."
        );
        let err = render(t, &vars(&[("kind", "post")])).unwrap_err();
        assert_eq!(err.to_string(), "the prompt needs a value for {{topic}}");
        assert_eq!(render("no {{ end", &vars(&[])).unwrap(), "no {{ end");
    }

    #[test]
    fn a_prompts_variables_come_in_the_order_they_were_written() {
        assert_eq!(
            prompt_variables(
                "You write for {{ brand }}.",
                "A {{topic}} note for {{audience}} about {{topic}}, from {{brand}}: {{}} {{cta}"
            ),
            ["brand", "topic", "audience"]
        );
    }
}
