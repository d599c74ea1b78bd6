//! Projects: a content type, a rubric, a tag taxonomy and a routing policy.

use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::actor::Actor;
use crate::audit;
use crate::error::{Error, Result};
use crate::ids::{new_id, now};
use crate::review::RoutingPolicy;
use crate::store::Workspace;

const NAME_MAX_CHARS: usize = 120;
const CONTENT_TYPE_MAX_CHARS: usize = 60;

/// Content types offered in the app; any other non-empty name is accepted too.
pub const CONTENT_TYPES: &[&str] = &[
    "email",
    "blog post",
    "product description",
    "landing page",
    "social post",
    "report",
    "other",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RubricDimension {
    pub name: String,
    pub description: String,
    pub min: i32,
    pub max: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Project {
    pub id: String,
    pub name: String,
    pub content_type: String,
    pub rubric: Vec<RubricDimension>,
    pub tags: Vec<String>,
    pub routing: RoutingPolicy,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewProject {
    pub name: String,
    pub content_type: String,
}

pub fn default_rubric() -> Vec<RubricDimension> {
    [
        ("accuracy", "Facts, figures and claims are correct"),
        ("clarity", "Easy to follow on first read"),
        ("tone", "Matches the brand voice"),
        ("concision", "No more words than needed"),
    ]
    .into_iter()
    .map(|(name, description)| RubricDimension {
        name: name.into(),
        description: description.into(),
        min: 1,
        max: 5,
    })
    .collect()
}

pub fn default_tags() -> Vec<String> {
    [
        "too-long",
        "off-brand",
        "factual-error",
        "hallucination",
        "tone",
        "grammar",
        "missing-cta",
    ]
    .map(String::from)
    .to_vec()
}

fn clean_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("a project needs a name"));
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(Error::invalid(format!(
            "a project name can be at most {NAME_MAX_CHARS} characters"
        )));
    }
    Ok(name.to_owned())
}

fn clean_content_type(content_type: &str) -> Result<String> {
    let content_type = content_type.trim().to_lowercase();
    if content_type.is_empty() {
        return Err(Error::invalid("a project needs a content type, e.g. email"));
    }
    if content_type.chars().count() > CONTENT_TYPE_MAX_CHARS {
        return Err(Error::invalid(format!(
            "a content type can be at most {CONTENT_TYPE_MAX_CHARS} characters"
        )));
    }
    Ok(content_type)
}

const RUBRIC_MAX_DIMENSIONS: usize = 12;
const TAGS_MAX: usize = 60;
const LABEL_MAX_CHARS: usize = 40;
const DESCRIPTION_MAX_CHARS: usize = 300;

fn clean_label(what: &str, label: &str) -> Result<String> {
    let label = label.trim();
    if label.is_empty() {
        return Err(Error::invalid(format!("a {what} needs a name")));
    }
    if label.chars().count() > LABEL_MAX_CHARS {
        return Err(Error::invalid(format!(
            "a {what} name can be at most {LABEL_MAX_CHARS} characters: \"{label}\""
        )));
    }
    Ok(label.to_owned())
}

fn clean_rubric(rubric: &[RubricDimension]) -> Result<Vec<RubricDimension>> {
    if rubric.len() > RUBRIC_MAX_DIMENSIONS {
        return Err(Error::invalid(format!(
            "a rubric can have at most {RUBRIC_MAX_DIMENSIONS} dimensions"
        )));
    }
    let mut out: Vec<RubricDimension> = Vec::with_capacity(rubric.len());
    for d in rubric {
        let name = clean_label("rubric dimension", &d.name)?;
        if out.iter().any(|o| o.name.eq_ignore_ascii_case(&name)) {
            return Err(Error::invalid(format!("the rubric has \"{name}\" twice")));
        }
        let description = d.description.trim().to_owned();
        if description.chars().count() > DESCRIPTION_MAX_CHARS {
            return Err(Error::invalid(format!(
                "the description of \"{name}\" can be at most {DESCRIPTION_MAX_CHARS} characters"
            )));
        }
        if d.min >= d.max || d.min < 0 || d.max > 10 {
            return Err(Error::invalid(format!(
                "the scale of \"{name}\" must go up from a lowest value to a highest, within 0–10 (got {}–{})",
                d.min, d.max
            )));
        }
        out.push(RubricDimension {
            name,
            description,
            min: d.min,
            max: d.max,
        });
    }
    Ok(out)
}

fn clean_tags(tags: &[String]) -> Result<Vec<String>> {
    if tags.len() > TAGS_MAX {
        return Err(Error::invalid(format!(
            "a project can have at most {TAGS_MAX} tags"
        )));
    }
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        let tag = clean_label("tag", tag)?.to_lowercase();
        if out.contains(&tag) {
            return Err(Error::invalid(format!("the tag \"{tag}\" is listed twice")));
        }
        out.push(tag);
    }
    Ok(out)
}

const COLUMNS: &str = "id, name, content_type, rubric, tags, routing, created_at, updated_at";

fn from_row(row: &Row) -> rusqlite::Result<(Project, [String; 3])> {
    Ok((
        Project {
            id: row.get(0)?,
            name: row.get(1)?,
            content_type: row.get(2)?,
            rubric: Vec::new(),
            tags: Vec::new(),
            routing: RoutingPolicy::default(),
            created_at: row.get(6)?,
            updated_at: row.get(7)?,
        },
        [row.get(3)?, row.get(4)?, row.get(5)?],
    ))
}

fn decode((mut project, [rubric, tags, routing]): (Project, [String; 3])) -> Result<Project> {
    project.rubric = serde_json::from_str(&rubric)?;
    project.tags = serde_json::from_str(&tags)?;
    project.routing = serde_json::from_str(&routing)?;
    Ok(project)
}

/// Adds a project in `tx`: the one way a project comes to be, from the app, the CLI or
/// an import (`by`, noted in the audit entry), so every name and content type is checked
/// alike.
pub(crate) fn insert_project(
    tx: &Transaction,
    actor: &Actor,
    name: &str,
    content_type: &str,
    at: &str,
    by: Option<&str>,
) -> Result<Project> {
    let project = Project {
        id: new_id(),
        name: clean_name(name)?,
        content_type: clean_content_type(content_type)?,
        rubric: default_rubric(),
        tags: default_tags(),
        routing: RoutingPolicy::default(),
        created_at: at.to_owned(),
        updated_at: at.to_owned(),
    };
    let taken: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM projects WHERE name = ?1)",
        [&project.name],
        |r| r.get(0),
    )?;
    if taken {
        return Err(duplicate_name(&project.name));
    }
    tx.execute(
        &format!("INSERT INTO projects ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"),
        params![
            project.id,
            project.name,
            project.content_type,
            serde_json::to_string(&project.rubric)?,
            serde_json::to_string(&project.tags)?,
            serde_json::to_string(&project.routing)?,
            project.created_at,
            project.updated_at,
        ],
    )?;
    let mut detail = json!({"name": project.name, "content_type": project.content_type});
    if let Some(by) = by {
        detail["by"] = json!(by);
    }
    audit::record(tx, actor, "project.created", "project", &project.id, detail)?;
    Ok(project)
}

/// Stores a project's rubric and tags in `tx`, audited; `by` notes where the change
/// came from (an import adds the dimensions and tags its records use).
pub(crate) fn write_feedback_schema(
    tx: &Transaction,
    actor: &Actor,
    id: &str,
    rubric: &[RubricDimension],
    tags: &[String],
    at: &str,
    by: Option<&str>,
) -> Result<()> {
    tx.execute(
        "UPDATE projects SET rubric = ?1, tags = ?2, updated_at = ?3 WHERE id = ?4",
        params![
            serde_json::to_string(rubric)?,
            serde_json::to_string(tags)?,
            at,
            id
        ],
    )?;
    let mut detail = json!({"rubric": rubric, "tags": tags});
    if let Some(by) = by {
        detail["by"] = json!(by);
    }
    audit::record(
        tx,
        actor,
        "project.feedback_schema_set",
        "project",
        id,
        detail,
    )
}

fn duplicate_name(name: &str) -> Error {
    Error::Conflict(format!("a project named \"{name}\" already exists"))
}

/// Removes the projects an unfinished import made.
pub(crate) fn delete_imported(tx: &Transaction, import_id: &str) -> Result<()> {
    tx.execute("DELETE FROM projects WHERE import_id = ?1", [import_id])?;
    Ok(())
}

/// Marks a project as made by import `import_id`: it stays out of sight until the
/// import finishes.
pub(crate) fn mark_imported(tx: &Transaction, project_id: &str, import_id: &str) -> Result<()> {
    tx.execute(
        "UPDATE projects SET import_id = ?1 WHERE id = ?2",
        [import_id, project_id],
    )?;
    Ok(())
}

impl Workspace {
    pub fn create_project(&mut self, new: &NewProject) -> Result<Project> {
        let at = now();
        self.write(|tx, actor| insert_project(tx, actor, &new.name, &new.content_type, &at, None))
    }

    /// All projects, by name.
    pub fn projects(&self) -> Result<Vec<Project>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLUMNS} FROM live_projects ORDER BY name COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        rows.map(|r| decode(r?)).collect()
    }

    pub fn project(&self, id: &str) -> Result<Project> {
        let row = self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM live_projects WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?;
        decode(row.ok_or_else(|| Error::NotFound(format!("project {id}")))?)
    }

    /// A project by its name (case-insensitive), as people type it on the command line.
    pub fn project_named(&self, name: &str) -> Result<Project> {
        let row = self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM live_projects WHERE name = ?1"),
                [name.trim()],
                from_row,
            )
            .optional()?;
        decode(row.ok_or_else(|| Error::NotFound(format!("project \"{}\"", name.trim())))?)
    }

    pub fn rename_project(&mut self, id: &str, new_name: &str) -> Result<Project> {
        let name = clean_name(new_name)?;
        let before = self.project(id)?;
        if before.name == name {
            return Ok(before);
        }
        let at = now();
        self.write(|tx, actor| {
            let taken: bool = tx.query_row(
                "SELECT EXISTS(SELECT 1 FROM projects WHERE name = ?1 AND id <> ?2)",
                params![name, id],
                |r| r.get(0),
            )?;
            if taken {
                return Err(duplicate_name(&name));
            }
            tx.execute(
                "UPDATE projects SET name = ?1, updated_at = ?2 WHERE id = ?3",
                params![name, at, id],
            )?;
            audit::record(
                tx,
                actor,
                "project.renamed",
                "project",
                id,
                json!({"from": before.name, "to": name}),
            )
        })?;
        self.project(id)
    }

    /// Replaces the project's rubric and tag taxonomy. Feedback already given keeps the
    /// dimensions and tags it named; new feedback must use the new ones.
    pub fn set_feedback_schema(
        &mut self,
        id: &str,
        rubric: &[RubricDimension],
        tags: &[String],
    ) -> Result<Project> {
        let rubric = clean_rubric(rubric)?;
        let tags = clean_tags(tags)?;
        let before = self.project(id)?;
        if before.rubric == rubric && before.tags == tags {
            return Ok(before);
        }
        let at = now();
        self.write(|tx, actor| write_feedback_schema(tx, actor, id, &rubric, &tags, &at, None))?;
        self.project(id)
    }

    /// Deletes a project: a tombstone hides it and its documents from every view and
    /// export, and its name is free for a new project (the tombstone keeps it).
    pub fn delete_project(&mut self, id: &str) -> Result<()> {
        let project = self.project(id)?;
        self.write(|tx, actor| {
            let documents: i64 = tx.query_row(
                "SELECT count(*) FROM live_documents WHERE project_id = ?1",
                [id],
                |r| r.get(0),
            )?;
            let detail = json!({"name": project.name, "documents": documents});
            crate::store::tombstone(tx, actor, "project", id, &detail)?;
            // Names are unique among all projects; a project's id is never another's name.
            tx.execute("UPDATE projects SET name = id WHERE id = ?1", [id])?;
            audit::record(tx, actor, "project.deleted", "project", id, detail.clone())
        })
    }

    /// Removes a deleted project's content for good, with its documents; audited.
    pub fn purge_project(&mut self, id: &str) -> Result<()> {
        self.write(|tx, actor| {
            crate::store::tombstoned(tx, "project", id)?;
            tx.execute("DELETE FROM projects WHERE id = ?1", [id])?;
            audit::record(tx, actor, "project.purged", "project", id, json!({}))
        })
    }
}
