//! Workspaces written by the released code of every earlier schema version (checked in
//! under tests/migrations/fixtures, made by tests/migrations/make-fixtures) open at the
//! current one with nothing lost: table by table, every row the old version wrote is
//! there with the same values, and the use cases read them.

use std::path::{Path, PathBuf};

use draftloop_core::export::{ExportOptions, Format};
use draftloop_core::{Actor, Workspace, DATABASE_FILE, SCHEMA_VERSION};
use rusqlite::Connection;

fn fixtures() -> Vec<(i64, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/migrations/fixtures");
    let mut found: Vec<(i64, PathBuf)> = std::fs::read_dir(&dir)
        .expect("the fixtures folder")
        .map(|e| e.expect("entry").path())
        .filter_map(|p| {
            let version = p.file_stem()?.to_str()?.strip_prefix('v')?.parse().ok()?;
            Some((version, p))
        })
        .collect();
    found.sort();
    found
}

/// The tables a version wrote, without SQLite's own and the search index's shadow
/// tables (rebuilt from the documents by the migration that adds search).
fn tables(conn: &Connection, schema: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare(&format!(
            "SELECT name FROM {schema}.sqlite_master WHERE type = 'table'
               AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%search%' ORDER BY name"
        ))
        .expect("tables");
    let names = stmt.query_map([], |r| r.get(0)).expect("query");
    names.collect::<rusqlite::Result<_>>().expect("names")
}

fn columns(conn: &Connection, schema: &str, table: &str) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?1, ?2)")
        .expect("columns");
    let names = stmt
        .query_map([table, schema], |r| r.get(0))
        .expect("query");
    names.collect::<rusqlite::Result<_>>().expect("names")
}

/// Columns a migration rewrites on purpose, by the version it came in: they are left
/// out of the row comparison and checked for what the migration says instead.
fn rewritten(version: i64, table: &str) -> &'static [&'static str] {
    match table {
        // 0009: nobody could change the routing policy before; the old default
        // became the new one.
        "projects" if version < 9 => &["routing"],
        // 0016: a model revision's text that is its generation's output is kept there
        // only; what each revision says is compared through the use case below.
        "revisions" if version < 16 => &["body_markdown"],
        _ => &[],
    }
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0)).expect(sql)
}

#[test]
fn every_released_version_opens_with_nothing_lost() {
    let found = fixtures();
    assert!(found.len() >= 10, "fixtures: {found:?}");
    for (version, fixture) in found {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join(DATABASE_FILE);
        std::fs::copy(&fixture, &db).expect("copy");
        let at = count(&Connection::open(&db).expect("open"), "PRAGMA user_version");
        assert_eq!(at, version, "{} is at schema {at}", fixture.display());

        let ws = Workspace::open(dir.path(), Actor::new("local:fixture")).expect("migrated");
        let conn = Connection::open(&db).expect("open");
        assert_eq!(count(&conn, "PRAGMA user_version"), SCHEMA_VERSION);
        let ok: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("check");
        assert_eq!(ok, "ok");
        assert_eq!(
            count(&conn, "SELECT count(*) FROM pragma_foreign_key_check"),
            0
        );

        conn.execute(
            "ATTACH DATABASE ?1 AS old",
            [fixture.to_str().expect("path")],
        )
        .expect("attach");
        let now = tables(&conn, "main");
        let mut compared = 0;
        for table in tables(&conn, "old") {
            assert!(
                now.contains(&table),
                "v{version}: table {table} is gone after the upgrade"
            );
            let theirs = columns(&conn, "old", &table);
            let ours = columns(&conn, "main", &table);
            let lost: Vec<_> = theirs.iter().filter(|c| !ours.contains(c)).collect();
            assert!(lost.is_empty(), "v{version}: {table} lost columns {lost:?}");
            let skipped = rewritten(version, &table);
            let cols = theirs
                .iter()
                .filter(|c| !skipped.contains(&c.as_str()))
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let missing = count(
                &conn,
                &format!(
                    "SELECT count(*) FROM (SELECT {cols} FROM old.\"{table}\"
                       EXCEPT SELECT {cols} FROM main.\"{table}\")"
                ),
            );
            assert_eq!(
                missing, 0,
                "v{version}: {missing} rows of {table} are missing or changed"
            );
            let (before, after) = (
                count(&conn, &format!("SELECT count(*) FROM old.\"{table}\"")),
                count(&conn, &format!("SELECT count(*) FROM main.\"{table}\"")),
            );
            // Opening adds the person who opened it (and nothing else) to the people.
            let added_by_opening = i64::from(table == "profiles");
            assert_eq!(after, before + added_by_opening, "v{version}: {table}");
            compared += before;
        }
        assert!(compared > 0, "v{version} held no content");
        if version < 9 {
            assert_eq!(
                count(&conn, "SELECT count(*) FROM projects WHERE routing <> '{\"threshold\":0.85,\"auto_approve\":true,\"audit_sample_rate\":0.05}'"),
                0
            );
        }

        // Every document has its author, from the audit trail of the version that made it.
        assert_eq!(
            count(&conn, "SELECT count(*) FROM documents WHERE author IS NULL"),
            0,
            "v{version}: documents with no author"
        );

        // The use cases read what the old version wrote.
        let documents = ws.documents(None).expect("documents");
        assert_eq!(
            documents.len() as i64,
            count(&conn, "SELECT count(*) FROM old.documents"),
            "v{version}"
        );
        for d in &documents {
            ws.document_feedback(&d.id).expect("the feedback on it");
        }
        let mut said: Vec<(String, String)> = documents
            .iter()
            .flat_map(|d| ws.revisions(&d.id).expect("revisions"))
            .map(|r| (r.id, r.body_markdown))
            .collect();
        said.sort();
        let written: Vec<(String, String)> = conn
            .prepare("SELECT id, body_markdown FROM old.revisions ORDER BY id")
            .expect("old revisions")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        assert_eq!(said, written, "v{version}: the revisions' texts");
        let generations = count(
            &conn,
            "SELECT count(*) FROM old.generations WHERE document_id IS NOT NULL",
        );
        if generations > 0 {
            let preview = ws
                .export_preview(&ExportOptions::new(Format::Sft), 5)
                .expect("an export preview");
            assert!(preview.rows > 0, "v{version}: nothing to export");
        }
    }
}
