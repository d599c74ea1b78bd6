//! The workspace: one SQLite file, `draftloop.db`, in the data dir.
//!
//! Opening checks the schema version read-only first, so a database from a newer
//! Draftloop is refused without a single byte written to it.

mod changes;
mod migrations;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, Transaction};

use serde::Serialize;
use ts_rs::TS;

use crate::actor::Actor;
use crate::error::{Error, Result};

pub use changes::Changed;
pub use migrations::SCHEMA_VERSION;

/// Brings a database to schema `version` (tests of what earlier versions wrote).
#[cfg(test)]
pub(crate) fn migrate_to_version(conn: &mut Connection, version: i64) -> Result<()> {
    migrations::migrate_to(conn, version)
}

pub const DATABASE_FILE: &str = "draftloop.db";

/// What the app shows about the open workspace.
#[derive(Debug, Clone, Serialize, TS)]
pub struct WorkspaceInfo {
    pub database_path: String,
    pub schema_version: i32,
    pub actor: String,
    /// The person acting, and this workspace's device.
    pub profile: crate::profile::Profile,
    pub device_id: String,
    pub app_version: String,
    /// Content types offered when creating a project.
    pub content_types: Vec<String>,
    /// Where exports go unless the person says otherwise: a folder in their Documents,
    /// made on the first export.
    pub export_folder: String,
}

pub struct Workspace {
    conn: Connection,
    path: PathBuf,
    actor: Actor,
    /// This workspace's device: its audit entries chain under it.
    device_id: String,
    touched: changes::Touched,
    /// Taken by each write transaction, shared by the connections one `Core` opens.
    gate: Option<WriteGate>,
}

/// Whose turn it is to write, among one process's connections to a workspace. SQLite
/// alone lets a waiting writer poll with growing sleeps, so a save could miss every
/// short gap between an import's chunks and wait several of them; a fair lock hands
/// the turn to whoever has waited longest the moment a transaction ends, and long work
/// can see that someone waits and end its transaction early.
#[derive(Debug, Default)]
pub(crate) struct Turns {
    turn: parking_lot::FairMutex<()>,
    waiting: std::sync::atomic::AtomicUsize,
}

pub(crate) type WriteGate = std::sync::Arc<Turns>;

impl Turns {
    fn take(&self) -> parking_lot::FairMutexGuard<'_, ()> {
        use std::sync::atomic::Ordering;
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let turn = self.turn.lock();
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        turn
    }

    /// Whether another write of this process waits for its turn.
    pub(crate) fn wanted(&self) -> bool {
        self.waiting.load(std::sync::atomic::Ordering::SeqCst) > 0
    }
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("path", &self.path)
            .field("actor", &self.actor)
            .field("device_id", &self.device_id)
            .finish()
    }
}

impl Workspace {
    /// Opens (creating if needed) the workspace in `data_dir`, migrating it forward.
    pub fn open(data_dir: &Path, actor: Actor) -> Result<Self> {
        std::fs::create_dir_all(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        if path.exists() {
            check_schema_version(&path)?;
        }
        let mut conn = Connection::open(&path)?;
        // FULL sync: a save acknowledged to the user survives a power cut too.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 5000;",
        )?;
        migrations::migrate(&mut conn, &path)?;
        // Half-written exports of a run that was cut off must not pass for results.
        crate::export::sweep_cut_off_exports(data_dir);
        // Every use case's statements stay prepared (rusqlite keeps 16 by default; a
        // batch's draft alone runs some forty).
        conn.set_prepared_statement_cache_capacity(256);
        let device_id: String = conn.query_row("SELECT id FROM device", [], |r| r.get(0))?;
        let person =
            crate::profile::ensure(&conn, actor.as_str(), crate::profile::ProfileRole::Author)?;
        let touched = changes::Touched::default();
        touched.watch(&conn);
        Ok(Workspace {
            touched,
            gate: None,
            conn,
            path,
            actor: actor.on_device(&device_id).for_person(&person),
            device_id,
        })
    }

    pub fn info(&self) -> Result<WorkspaceInfo> {
        Ok(WorkspaceInfo {
            database_path: self.path.display().to_string(),
            schema_version: SCHEMA_VERSION as i32,
            actor: self.actor.as_str().to_owned(),
            profile: self.profile()?,
            device_id: self.device_id.clone(),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            content_types: crate::project::CONTENT_TYPES
                .iter()
                .map(|t| (*t).to_owned())
                .collect(),
            export_folder: dirs::document_dir()
                .or_else(|| dirs::home_dir().map(|home| home.join("Documents")))
                .unwrap_or_else(|| PathBuf::from("."))
                .join("Draftloop exports")
                .display()
                .to_string(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder the database lives in.
    pub fn data_dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// This workspace's device id.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one transaction: all of a change and its audit entry, or nothing.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&Transaction, &Actor) -> Result<T>,
    ) -> Result<T> {
        // IMMEDIATE: the write lock is taken (waiting for another writer, such as an
        // import's chunk, up to the busy timeout) before anything is read. A deferred
        // transaction that reads first cannot wait for the lock in WAL mode: SQLite
        // answers "database is locked" at once.
        let gate = self.gate.clone();
        let _turn = gate.as_ref().map(|g| g.take());
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        match f(&tx, &self.actor).and_then(|out| Ok(tx.commit().map(|()| out)?)) {
            Ok(out) => {
                self.touched.committed(&self.conn);
                Ok(out)
            }
            Err(e) => {
                self.touched.rolled_back();
                Err(e)
            }
        }
    }

    /// As [`Workspace::write`], for work that reads through the workspace's own methods
    /// while it holds the write lock, so what it reads cannot change before it writes.
    pub(crate) fn write_reading<T>(
        &mut self,
        f: impl FnOnce(&Workspace) -> Result<T>,
    ) -> Result<T> {
        let gate = self.gate.clone();
        let _turn = gate.as_ref().map(|g| g.take());
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let out = f(self).and_then(|out| Ok(self.conn.execute_batch("COMMIT").map(|()| out)?));
        match out {
            Ok(out) => {
                self.touched.committed(&self.conn);
                Ok(out)
            }
            Err(e) => {
                if !self.conn.is_autocommit() {
                    let _ = self.conn.execute_batch("ROLLBACK");
                }
                self.touched.rolled_back();
                Err(e)
            }
        }
    }

    /// Writes from now on take turns with the other connections sharing `gate`.
    pub(crate) fn share_gate(&mut self, gate: &WriteGate) {
        self.gate = Some(gate.clone());
    }

    /// Copies the write-ahead log into the database as far as no reader still needs it,
    /// never waiting for one.
    pub(crate) fn checkpoint(&self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Whether another write of this process waits for this one to end.
    pub(crate) fn others_waiting(&self) -> Option<impl Fn() -> bool> {
        let gate = self.gate.clone()?;
        Some(move || gate.wanted())
    }

    /// What the writes committed since the last call changed (see [`Changed`]).
    pub fn take_changes(&self) -> Changed {
        self.touched.take()
    }

    /// While `quiet`, writes are not reported as changes: an import's chunks, which
    /// nobody sees until it finishes.
    pub(crate) fn quiet(&self, quiet: bool) {
        self.touched.pause(quiet);
    }
}

/// What can hide a document or project at the moment it is read: deletions, and
/// imports not yet finished. The `live_documents` and `live_projects` views (migration
/// 0006) check both for every row; a query whose plan another table must drive (the
/// export's, by generations in index order) writes out only the checks that can hide
/// something, since each costs a probe per row (a quarter of a 200,000-record export's
/// reading, when nothing was hidden).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hiding {
    deletions: bool,
    unfinished_imports: bool,
}

impl Hiding {
    /// Read within the transaction of the query it is for, so both see the same state.
    pub(crate) fn read(conn: &Connection) -> Result<Hiding> {
        Ok(conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM tombstones),
                    EXISTS(SELECT 1 FROM imports WHERE finished_at IS NULL)",
            [],
            |r| {
                Ok(Hiding {
                    deletions: r.get(0)?,
                    unfinished_imports: r.get(1)?,
                })
            },
        )?)
    }

    pub(crate) fn hides_anything(self) -> bool {
        self.deletions || self.unfinished_imports
    }

    /// The views' liveness of a document `d` and its project `p`, as SQL. The
    /// subqueries do not depend on the row, so SQLite reads each once.
    pub(crate) fn live_document_and_project(self) -> String {
        let mut checks = vec!["1"];
        if self.unfinished_imports {
            checks.push(
                "(d.import_id IS NULL OR d.import_id IN (SELECT id FROM imports WHERE finished_at IS NOT NULL)) \
                 AND (p.import_id IS NULL OR p.import_id IN (SELECT id FROM imports WHERE finished_at IS NOT NULL))",
            );
        }
        if self.deletions {
            checks.push(
                "d.id NOT IN (SELECT entity_id FROM tombstones) \
                 AND p.id NOT IN (SELECT entity_id FROM tombstones)",
            );
        }
        checks.join(" AND ")
    }
}

/// Hides `entity_id` from every view: the deletion is an event, not a cascade.
pub(crate) fn tombstone(
    tx: &Transaction,
    actor: &Actor,
    entity_kind: &str,
    entity_id: &str,
    detail: &serde_json::Value,
) -> Result<()> {
    tx.execute(
        "INSERT INTO tombstones (entity_id, entity_kind, at, actor, device_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        rusqlite::params![
            entity_id,
            entity_kind,
            crate::ids::now(),
            actor.as_str(),
            actor.device(),
            detail.to_string()
        ],
    )?;
    Ok(())
}

/// Refuses unless `entity_id` is a deleted `entity_kind`.
pub(crate) fn tombstoned(tx: &Transaction, entity_kind: &str, entity_id: &str) -> Result<()> {
    let deleted: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM tombstones WHERE entity_id = ?1 AND entity_kind = ?2)",
        [entity_id, entity_kind],
        |r| r.get(0),
    )?;
    if deleted {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "only a deleted {entity_kind} can be purged: delete {entity_id} first"
        )))
    }
}

/// Reads `user_version` through a read-only handle, before anything may write.
fn check_schema_version(path: &Path) -> Result<()> {
    let shown = path.display().to_string();
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let found: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => {
                Error::NotAWorkspace {
                    path: shown.clone(),
                    reason: "it is not a SQLite database".into(),
                }
            }
            other => Error::Database(other),
        })?;
    if found > SCHEMA_VERSION {
        return Err(Error::DatabaseTooNew {
            path: shown,
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}
