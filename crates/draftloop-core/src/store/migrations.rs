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
    include_str!("../../migrations/0005_devices_profiles.sql"),
    include_str!("../../migrations/0006_imports_tombstones.sql"),
    include_str!("../../migrations/0007_exportable_generations.sql"),
    include_str!("../../migrations/0008_retractions.sql"),
    include_str!("../../migrations/0009_review_gate.sql"),
    include_str!("../../migrations/0010_search.sql"),
    include_str!("../../migrations/0011_email_fields.sql"),
    include_str!("../../migrations/0012_routed.sql"),
    include_str!("../../migrations/0013_draft_facts.sql"),
    include_str!("../../migrations/0014_multi_review.sql"),
    include_str!("../../migrations/0015_authors.sql"),
    include_str!("../../migrations/0016_compact.sql"),
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

    /// A workspace written at each earlier version, with a project, a document, a
    /// draft, feedback and audit entries, opens at the current one with all of it there.
    #[test]
    fn content_written_at_every_earlier_version_comes_through() {
        use crate::feedback::Feedback;
        for start in 1..SCHEMA_VERSION {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("draftloop.db");
            {
                let mut conn = Connection::open(&path).expect("open");
                migrate_to(&mut conn, start).expect("partial migration");
                conn.execute_batch(
                    r#"INSERT INTO projects (id, name, content_type, rubric, tags, routing, created_at, updated_at)
                       VALUES ('p1', 'Spring', 'email', '[{"name":"clarity","description":"","min":1,"max":5}]',
                               '["tone"]', '{"threshold":0.7,"auto_approve":false,"audit_sample_rate":0.1}',
                               '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
                       INSERT INTO documents (id, project_id, title, body_markdown, created_at, updated_at)
                       VALUES ('d1', 'p1', 'Launch', 'Our sale starts Monday.', '2026-01-01T00:00:00.000Z',
                               '2026-01-01T00:00:00.000Z');
                       INSERT INTO generations (id, document_id, group_id, provider, model, parameters, messages,
                                                output, created_at)
                       VALUES ('g1', 'd1', 'r1', 'p', 'm', '{}', '[]', 'Our sale starts Monday.',
                               '2026-01-01T00:00:00.000Z');
                       INSERT INTO revisions (id, document_id, author_kind, actor, generation_id, body_json,
                                              body_markdown, created_at)
                       VALUES ('v1', 'd1', 'model', 'model:m', 'g1', '', 'Our sale starts Monday.',
                               '2026-01-01T00:00:00.000Z');
                       INSERT INTO feedback_events (id, document_id, generation_id, revision_id, actor, kind,
                                                    payload, created_at)
                       VALUES ('e1', 'd1', 'g1', 'v1', 'local:alice', 'thumb',
                               '{"kind":"thumb","up":true,"reason":null,"text":null}', '2026-01-01T00:00:01.000Z');"#,
                )
                .expect("content");
                if start < 5 {
                    // As the released code chained it, before devices.
                    let entry = crate::audit::AuditEntry {
                        seq: 1,
                        id: "a1".into(),
                        at: "2026-01-01T00:00:00.000Z".into(),
                        actor: "local:alice".into(),
                        action: "project.created".into(),
                        entity_kind: "project".into(),
                        entity_id: "p1".into(),
                        detail: "{}".into(),
                        device_id: String::new(),
                        device_seq: 0,
                        person_id: String::new(),
                        hash_format: 1,
                        prev_hash: "0".repeat(64),
                        hash: String::new(),
                    };
                    let hash = crate::audit::legacy_hash(&entry);
                    conn.execute(
                        "INSERT INTO audit_log (id, at, actor, action, entity_kind, entity_id, detail, prev_hash, hash)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        rusqlite::params![entry.id, entry.at, entry.actor, entry.action, entry.entity_kind,
                                          entry.entity_id, entry.detail, entry.prev_hash, hash],
                    )
                    .expect("audit");
                }
            }
            let ws = crate::Workspace::open(dir.path(), crate::Actor::new("local:alice"))
                .unwrap_or_else(|e| panic!("from version {start}: {e}"));
            let project = ws.project("p1").expect("project");
            assert_eq!(
                (project.name.as_str(), project.tags.as_slice()),
                ("Spring", &["tone".to_owned()][..])
            );
            let document = ws.document("d1").expect("document");
            assert_eq!(document.body_markdown, "Our sale starts Monday.");
            let panel = ws.document_feedback("d1").expect("feedback");
            assert_eq!(panel.generation.expect("draft").id, "g1");
            assert!(matches!(
                panel.thumb.expect("thumb").feedback,
                Feedback::Thumb { up: true, .. }
            ));
            assert_eq!(ws.revisions("d1").expect("revisions").len(), 1);
            // Text written before the search index existed is found.
            let found = ws.search_documents("monda", 10).expect("search");
            assert_eq!(found.len(), 1, "from version {start}");
            let audit = ws.audit_log().expect("audit");
            assert_eq!(audit.len(), usize::from(start < 5), "from version {start}");
            assert_eq!(
                ws.verify_audit_log().expect("verify"),
                None,
                "from version {start}"
            );
        }
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = Connection::open_in_memory().expect("open");
        migrate_to(&mut conn, SCHEMA_VERSION).expect("first");
        migrate_to(&mut conn, SCHEMA_VERSION).expect("second is a no-op");
    }
}
