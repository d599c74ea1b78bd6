//! Audit logs of two workspaces (two devices), merged, still verify; a tampered, missing
//! or forged entry is named, and a merge that would break a chain changes nothing.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

use draftloop_core::audit::AuditEntry;
use draftloop_core::{Actor, ErrorKind, NewProject, Workspace};
use rusqlite::Connection;

fn busy(dir: &std::path::Path, who: &str, project: &str) -> Workspace {
    let mut ws = Workspace::open(dir, Actor::new(who)).unwrap();
    let p = ws
        .create_project(&NewProject {
            name: project.into(),
            content_type: "email".into(),
        })
        .unwrap();
    ws.rename_project(&p.id, &format!("{project} 2")).unwrap();
    let d = ws.create_document(&p.id, "Launch").unwrap();
    ws.rename_document(&d.id, "Launch day").unwrap();
    ws
}

#[test]
fn two_devices_logs_merged_still_verify() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = busy(a_dir.path(), "test:alice", "Spring");
    let b = busy(b_dir.path(), "test:bob", "Autumn");
    assert_ne!(a.device_id(), b.device_id());
    let theirs = b.audit_log().unwrap();
    assert_eq!(a.merge_audit_log(&theirs).unwrap(), 4);
    assert_eq!(a.verify_audit_log().unwrap(), None);
    let merged = a.audit_log().unwrap();
    assert_eq!(merged.len(), 8);
    // A set union: merging again adds nothing; A goes on writing its own chain.
    assert_eq!(a.merge_audit_log(&theirs).unwrap(), 0);
    a.create_project(&NewProject {
        name: "Winter".into(),
        content_type: "email".into(),
    })
    .unwrap();
    assert_eq!(a.verify_audit_log().unwrap(), None);
    let own: Vec<i64> = a
        .audit_log()
        .unwrap()
        .iter()
        .filter(|e| e.device_id == a.device_id())
        .map(|e| e.device_seq)
        .collect();
    assert_eq!(own, [1, 2, 3, 4, 5]);
}

fn refused(a: &mut Workspace, incoming: &[AuditEntry], named: &str) {
    let before = a.audit_log().unwrap();
    let err = a.merge_audit_log(incoming).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert!(err.to_string().contains(named), "{err}");
    assert_eq!(a.audit_log().unwrap(), before, "nothing was merged");
}

#[test]
fn a_merge_that_would_break_a_chain_is_refused_naming_the_entry() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = busy(a_dir.path(), "test:alice", "Spring");
    let b = busy(b_dir.path(), "test:bob", "Autumn");
    let theirs = b.audit_log().unwrap();

    let mut tampered = theirs.clone();
    tampered[2].detail = r#"{"title":"forged"}"#.into();
    refused(&mut a, &tampered, &tampered[2].id);

    let mut gap = theirs.clone();
    gap.remove(1);
    refused(&mut a, &gap, &gap[1].id);

    let mut mine = theirs.clone();
    mine[0].device_id = a.device_id().to_owned();
    refused(&mut a, &mine[..1], &mine[0].id);
}

#[test]
fn an_entry_tampered_after_a_merge_is_named_with_its_device() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = busy(a_dir.path(), "test:alice", "Spring");
    let b = busy(b_dir.path(), "test:bob", "Autumn");
    let theirs = b.audit_log().unwrap();
    a.merge_audit_log(&theirs).unwrap();
    let victim = &theirs[1];
    let conn = Connection::open(a_dir.path().join(draftloop_core::DATABASE_FILE)).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET actor = 'mallory' WHERE id = '{}';",
        victim.id
    ))
    .unwrap();
    let broken = a.verify_audit_log().unwrap().expect("a break");
    assert_eq!(broken.id, victim.id);
    assert_eq!(broken.device_id, b.device_id());
    assert_eq!(broken.device_seq, 2);
    assert!(broken.to_string().contains(&victim.id));
}
