//! Embedded, forward-only migrations. Migration N brings `user_version` from N-1 to N.
//! A released migration is never edited; a change is a new file.

use std::path::Path;

use rusqlite::Connection;

use crate::error::{Error, Result};

const MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_workspace.sql"),
    include_str!("../../migrations/0002_providers.sql"),
    include_str!("../../migrations/0003_export_import.sql"),
    include_str!("../../migrations/0004_export_revisions.sql"),
    include_str!("../../migrations/0005_devices.sql"),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    migrate_to(conn, SCHEMA_VERSION).map_err(|e| match e {
        Error::DatabaseTooNew {
            found, supported, ..
        } => Error::DatabaseTooNew {
            path: path.display().to_string(),
            found,
            supported,
        },
        other => other,
    })
}

/// Applies migrations up to `target`, each in its own transaction with its version bump.
pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(Error::DatabaseTooNew {
            path: String::new(),
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        let version = index as i64 + 1;
        if version <= current || version > target {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every earlier schema version migrates to the current one with its data intact.
    #[test]
    fn migrates_from_every_earlier_version() {
        for start in 0..=SCHEMA_VERSION {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("draftloop.db");
            let mut conn = Connection::open(&path).expect("open");
            migrate_to(&mut conn, start).expect("partial migration");
            let at: i64 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .expect("version");
            assert_eq!(at, start);
            migrate(&mut conn, &path).expect("migrate to latest");
            let at: i64 = conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .expect("version");
            assert_eq!(at, SCHEMA_VERSION);
            let fk_problems: i64 = conn
                .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })
                .expect("fk check");
            assert_eq!(fk_problems, 0);
            let ok: String = conn
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .expect("integrity");
            assert_eq!(ok, "ok");
        }
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = Connection::open_in_memory().expect("open");
        migrate_to(&mut conn, SCHEMA_VERSION).expect("first");
        migrate_to(&mut conn, SCHEMA_VERSION).expect("second is a no-op");
    }
}
