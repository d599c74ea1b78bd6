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

#[test]
fn the_trail_filters_pages_newest_first_and_exports_every_entry() {
    use draftloop_core::audit::AuditFilter;
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = busy(a_dir.path(), "test:alice", "Spring");
    let b = busy(b_dir.path(), "test:bob", "Autumn");
    a.merge_audit_log(&b.audit_log().unwrap()).unwrap();
    let all = |f: AuditFilter| a.audit_trail(&AuditFilter { limit: 100, ..f }).unwrap();

    let page = all(AuditFilter::default());
    assert_eq!((page.total, page.rows.len()), (8, 8));
    let seqs: Vec<i64> = page.rows.iter().map(|r| r.entry.seq).collect();
    assert!(
        seqs.windows(2).all(|w| w[0] > w[1]),
        "newest first: {seqs:?}"
    );
    // By person, by the start of an action (an underscore is itself, not a wildcard),
    // by what it was about.
    let bobs = all(AuditFilter {
        actor: Some("test:bob".into()),
        ..AuditFilter::default()
    });
    assert_eq!(bobs.total, 4);
    // People are named by their display name; bob has no profile here (his entries came
    // with a merge), so his handle stands.
    assert!(bobs.rows.iter().all(|r| r.who == "test:bob"));
    let alices = all(AuditFilter {
        actor: Some("test:alice".into()),
        ..AuditFilter::default()
    });
    assert_eq!(alices.total, 4);
    assert!(
        alices.rows.iter().all(|r| r.who == "alice"),
        "{:?}",
        alices.rows[0].who
    );
    let documents = all(AuditFilter {
        action: Some("document.".into()),
        ..AuditFilter::default()
    });
    assert_eq!(documents.total, 4);
    assert!(documents
        .rows
        .iter()
        .all(|r| r.entry.action.starts_with("document.")));
    assert_eq!(
        all(AuditFilter {
            action: Some("project_".into()),
            ..AuditFilter::default()
        })
        .total,
        0
    );
    let one = &page.rows[0].entry;
    assert_eq!(
        all(AuditFilter {
            entity_id: Some(one.entity_id.clone()),
            ..AuditFilter::default()
        })
        .rows
        .iter()
        .filter(|r| r.entry.id == one.id)
        .count(),
        1
    );
    assert_eq!(
        all(AuditFilter {
            until: Some("2020-01-01".into()),
            ..AuditFilter::default()
        })
        .total,
        0
    );
    let e = a
        .audit_trail(&AuditFilter {
            since: Some("soon".into()),
            limit: 10,
            ..AuditFilter::default()
        })
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);

    // Pages: three, three, two, continuing where the last ended.
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let p = a
            .audit_trail(&AuditFilter {
                before,
                limit: 3,
                ..AuditFilter::default()
            })
            .unwrap();
        if p.rows.is_empty() {
            break;
        }
        before = p.rows.last().map(|r| r.entry.seq);
        seen.extend(p.rows.into_iter().map(|r| r.entry.id));
    }
    assert_eq!(seen.len(), 8);
    assert_eq!(
        seen,
        page.rows
            .iter()
            .map(|r| r.entry.id.clone())
            .collect::<Vec<_>>()
    );

    let check = a.check_audit_log().unwrap();
    assert_eq!((check.entries, check.first_bad), (8, None));
    let out = a_dir.path().join("exports/audit.jsonl");
    assert_eq!(a.export_audit_log(&out).unwrap(), 8);
    let lines: Vec<AuditEntry> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, a.audit_log().unwrap());
}
