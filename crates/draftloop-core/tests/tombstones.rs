//! Deleting is an event: a deleted document or project leaves every view and export,
//! its feedback stays in the log, its name is free again, and a purge (only of what
//! was deleted) removes the content for good and is audited.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

mod common;

use draftloop_core::export::{ExportOptions, Format};
use draftloop_core::feedback::{Feedback, Verdict};
use draftloop_core::{ErrorKind, NewProject};
use rusqlite::Connection;

fn count(dir: &std::path::Path, sql: &str) -> i64 {
    Connection::open(dir.join(draftloop_core::DATABASE_FILE))
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_deleted_document_leaves_views_and_exports_and_its_feedback_stays_logged() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, project) = common::spring(dir.path());
    let doc = ws.create_document(&project, "Launch").unwrap().id;
    common::drafted(&mut ws, &doc, None, &["Our sale starts Monday."]);
    ws.record_feedback(
        &doc,
        None,
        &Feedback::Decision {
            verdict: Verdict::Approve,
            reason: None,
        },
    )
    .unwrap();
    let sft = |ws: &draftloop_core::Workspace| {
        ws.export_preview(&ExportOptions::new(Format::Sft), 0)
            .unwrap()
            .rows
    };
    assert_eq!(sft(&ws), 1);
    let events = count(dir.path(), "SELECT count(*) FROM feedback_events");

    ws.delete_document(&doc).unwrap();
    assert_eq!(ws.document(&doc).unwrap_err().kind(), ErrorKind::NotFound);
    assert!(ws.documents(None).unwrap().is_empty());
    assert_eq!(sft(&ws), 0, "out of every export");
    assert_eq!(
        count(dir.path(), "SELECT count(*) FROM feedback_events"),
        events,
        "the log keeps its events"
    );
    assert_eq!(
        ws.delete_document(&doc).unwrap_err().kind(),
        ErrorKind::NotFound
    );

    // A purge takes the content for good, and says so in the audit log.
    ws.purge_document(&doc).unwrap();
    assert_eq!(count(dir.path(), "SELECT count(*) FROM documents"), 0);
    assert_eq!(count(dir.path(), "SELECT count(*) FROM feedback_events"), 0);
    let actions: Vec<String> = ws
        .audit_log()
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.ends_with(&["document.deleted".into(), "document.purged".into()]));
    assert!(ws.verify_audit_log().unwrap().is_none());
}

#[test]
fn only_what_was_deleted_can_be_purged() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, project) = common::spring(dir.path());
    let doc = ws.create_document(&project, "Keep me").unwrap().id;
    let audit = ws.audit_log().unwrap().len();
    assert_eq!(
        ws.purge_document(&doc).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(
        ws.purge_project(&project).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(ws.document(&doc).unwrap().title, "Keep me");
    assert_eq!(ws.audit_log().unwrap().len(), audit, "nothing changed");
}

#[test]
fn a_deleted_project_hides_its_documents_and_frees_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, project) = common::spring(dir.path());
    let doc = ws.create_document(&project, "Launch").unwrap().id;
    ws.delete_project(&project).unwrap();
    assert!(ws.projects().unwrap().is_empty());
    assert_eq!(ws.document(&doc).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(count(dir.path(), "SELECT count(*) FROM documents"), 1);
    let again = ws
        .create_project(&NewProject {
            name: "Spring".into(),
            content_type: "email".into(),
        })
        .unwrap();
    assert_ne!(again.id, project);
    assert!(ws.documents(Some(&again.id)).unwrap().is_empty());
    ws.purge_project(&project).unwrap();
    assert_eq!(count(dir.path(), "SELECT count(*) FROM documents"), 0);
}
