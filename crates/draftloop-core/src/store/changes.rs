//! What each committed write changed, in the product's terms, so a window refreshes
//! exactly what went stale instead of guessing from the command it sent.
//!
//! SQLite tells the connection of every row a statement inserts, updates or deletes
//! (its update hook); once the transaction commits, the rows are read back as the
//! projects, documents and providers they belong to. No write path can forget to say
//! what it changed, and a rolled-back write says nothing.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use rusqlite::hooks::Action;
use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::services::locked;

/// What changed since the last time it was asked, for the windows showing it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct Changed {
    /// Projects made, renamed, deleted, or given a new rubric, tags or prompt.
    pub projects: Vec<String>,
    /// Documents made, renamed, deleted, or whose text, status or brief changed.
    pub documents: Vec<String>,
    /// Documents with new feedback, generations or revisions.
    pub activity: Vec<String>,
    /// Providers added or removed.
    pub providers: bool,
    /// More than can be listed (an import finished): read everything again.
    pub everything: bool,
}

impl Changed {
    pub fn is_empty(&self) -> bool {
        *self == Changed::default()
    }

    fn absorb(&mut self, other: Changed) {
        merge(&mut self.projects, other.projects);
        merge(&mut self.documents, other.documents);
        merge(&mut self.activity, other.activity);
        self.providers |= other.providers;
        self.everything |= other.everything;
        // A workspace nobody asks (a script's, a benchmark's) keeps no growing list.
        if self.projects.len() + self.documents.len() + self.activity.len() > MANY {
            *self = Changed {
                everything: true,
                providers: self.providers,
                ..Changed::default()
            };
        }
    }
}

fn merge(into: &mut Vec<String>, more: Vec<String>) {
    for id in more {
        if !into.contains(&id) {
            into.push(id);
        }
    }
}

/// Beyond this many rows in one write, the ids are not looked up: "everything". A
/// person's action touches a handful; looking up a 1,000-event batch row by row cost a
/// tenth of its time (docs/benchmarks.md, "Recording feedback").
const MANY: usize = 100;

/// The tables whose rows a window shows, and what a row of each belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Table {
    Projects,
    PromptVersions,
    Suggestions,
    Documents,
    Tombstones,
    FeedbackEvents,
    Generations,
    Revisions,
    ReviewItems,
    Providers,
    Imports,
    Profiles,
}

impl Table {
    fn of(name: &str) -> Option<Table> {
        Some(match name {
            "projects" => Table::Projects,
            "prompt_versions" => Table::PromptVersions,
            "suggestions" => Table::Suggestions,
            "documents" => Table::Documents,
            "tombstones" => Table::Tombstones,
            "feedback_events" => Table::FeedbackEvents,
            "generations" => Table::Generations,
            "revisions" => Table::Revisions,
            "review_items" => Table::ReviewItems,
            "providers" => Table::Providers,
            "imports" => Table::Imports,
            "profiles" => Table::Profiles,
            _ => return None,
        })
    }

    /// The query from a row to what it belongs to, and the list that goes in.
    fn owner(self) -> Option<(&'static str, List)> {
        Some(match self {
            Table::Projects => ("SELECT id FROM projects WHERE rowid = ?1", List::Projects),
            Table::PromptVersions => (
                "SELECT project_id FROM prompt_versions WHERE rowid = ?1",
                List::Projects,
            ),
            Table::Suggestions => (
                "SELECT project_id FROM suggestions WHERE rowid = ?1",
                List::Projects,
            ),
            Table::Documents => ("SELECT id FROM documents WHERE rowid = ?1", List::Documents),
            Table::FeedbackEvents => (
                "SELECT document_id FROM feedback_events WHERE rowid = ?1",
                List::Activity,
            ),
            Table::Generations => (
                "SELECT document_id FROM generations WHERE rowid = ?1",
                List::Activity,
            ),
            Table::Revisions => (
                "SELECT document_id FROM revisions WHERE rowid = ?1",
                List::Activity,
            ),
            Table::ReviewItems => (
                "SELECT document_id FROM review_items WHERE rowid = ?1",
                List::Activity,
            ),
            Table::Tombstones | Table::Providers | Table::Imports | Table::Profiles => return None,
        })
    }
}

#[derive(Debug, Clone, Copy)]
enum List {
    Projects,
    Documents,
    Activity,
}

impl Changed {
    fn list(&mut self, list: List) -> &mut Vec<String> {
        match list {
            List::Projects => &mut self.projects,
            List::Documents => &mut self.documents,
            List::Activity => &mut self.activity,
        }
    }
}

#[derive(Debug, Default)]
struct Rows {
    touched: BTreeSet<(Table, i64)>,
    /// An import fills its chunks out of sight: nothing to show until it finishes.
    paused: bool,
    many: bool,
}

/// The rows the current transaction touched, as the update hook reports them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Touched {
    rows: Arc<Mutex<Rows>>,
    /// What committed writes changed, not yet taken.
    committed: Arc<Mutex<Changed>>,
}

impl Touched {
    pub(crate) fn watch(&self, conn: &Connection) {
        let rows = Arc::clone(&self.rows);
        conn.update_hook(Some(
            move |action: Action, _db: &str, table: &str, rowid: i64| {
                // A row removed for good was out of sight already (a purge follows a
                // deletion; a discarded import was never shown), but for a provider,
                // which is removed outright; finishing an import is the one update of
                // `imports` that shows something.
                let Some(table) = Table::of(table) else {
                    return;
                };
                let shown = match (table, action) {
                    (Table::Providers, _) => true,
                    (Table::Imports, a) => a == Action::SQLITE_UPDATE,
                    // A person renamed: their name shows in every panel.
                    (Table::Profiles, a) => a == Action::SQLITE_UPDATE,
                    (_, a) => a != Action::SQLITE_DELETE,
                };
                if !shown {
                    return;
                }
                let mut rows = locked(&rows);
                if rows.paused || rows.many {
                    return;
                }
                rows.touched.insert((table, rowid));
                if rows.touched.len() > MANY {
                    rows.many = true;
                    rows.touched.clear();
                }
            },
        ));
    }

    /// While `paused`, writes are not reported.
    pub(crate) fn pause(&self, paused: bool) {
        locked(&self.rows).paused = paused;
    }

    /// Forgets what a transaction that did not commit touched.
    pub(crate) fn rolled_back(&self) {
        let mut rows = locked(&self.rows);
        rows.touched.clear();
        rows.many = false;
    }

    /// Reads what the committed transaction's rows belong to. Never fails: a lookup
    /// that cannot be made says "everything".
    pub(crate) fn committed(&self, conn: &Connection) {
        let (touched, many) = {
            let mut rows = locked(&self.rows);
            (
                std::mem::take(&mut rows.touched),
                std::mem::take(&mut rows.many),
            )
        };
        let changed = if many {
            Changed {
                everything: true,
                ..Changed::default()
            }
        } else {
            resolve(conn, touched).unwrap_or_else(|_| Changed {
                everything: true,
                ..Changed::default()
            })
        };
        locked(&self.committed).absorb(changed);
    }

    pub(crate) fn take(&self) -> Changed {
        std::mem::take(&mut *locked(&self.committed))
    }
}

fn resolve(conn: &Connection, touched: BTreeSet<(Table, i64)>) -> rusqlite::Result<Changed> {
    let mut changed = Changed::default();
    for (table, rowid) in touched {
        match table {
            Table::Providers => changed.providers = true,
            Table::Imports | Table::Profiles => changed.everything = true,
            Table::Tombstones => {
                let (kind, id): (String, String) = conn
                    .prepare_cached(
                        "SELECT entity_kind, entity_id FROM tombstones WHERE rowid = ?1",
                    )?
                    .query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?)))?;
                let list = match kind.as_str() {
                    "project" => List::Projects,
                    _ => List::Documents,
                };
                merge(changed.list(list), vec![id]);
            }
            _ => {
                let Some((sql, list)) = table.owner() else {
                    continue;
                };
                let owner: Option<String> =
                    conn.prepare_cached(sql)?.query_row([rowid], |r| r.get(0))?;
                merge(changed.list(list), owner.into_iter().collect());
            }
        }
    }
    Ok(changed)
}
