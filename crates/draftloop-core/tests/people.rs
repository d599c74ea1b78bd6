//! People and devices: the first start makes the person at the machine a profile (an
//! admin of a team of one); every event and audit entry names person and device; a
//! minute of autosaves shares one audit entry.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

mod common;

use draftloop_core::document::DocumentText;
use draftloop_core::feedback::Feedback;
use draftloop_core::profile::ProfileRole;
use draftloop_core::{Actor, Workspace};

#[test]
fn the_first_person_is_an_admin_and_every_event_names_person_and_device() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, project) = common::spring(dir.path());
    let me = ws.profile().unwrap();
    assert_eq!(
        (me.handle.as_str(), me.display_name.as_str(), me.role),
        ("test:alice", "alice", ProfileRole::Admin)
    );
    let doc = ws.create_document(&project, "Launch").unwrap().id;
    let draft = common::drafted(&mut ws, &doc, None, &["Our sale starts Monday."]);
    let event = ws
        .record_feedback(
            &doc,
            None,
            &Feedback::Comment {
                text: "Good".into(),
                span: None,
            },
        )
        .unwrap();
    assert_eq!(event.generation_id.as_deref(), Some(draft[0].id.as_str()));
    assert_eq!(event.person_id, me.id);
    assert_eq!(event.device_id, ws.device_id());
    let stored = &ws.feedback_events(&doc).unwrap()[0];
    assert_eq!(
        (&stored.person_id, &stored.device_id),
        (&me.id, &event.device_id)
    );
    assert!(ws
        .audit_log()
        .unwrap()
        .iter()
        .all(|e| e.person_id == me.id && e.device_id == ws.device_id()));
    drop(ws);

    // Someone else at the same workspace is a profile of their own, not an admin; the
    // same person opening again is the same profile.
    let bob = Workspace::open(dir.path(), Actor::new("test:bob")).unwrap();
    assert_eq!(bob.profile().unwrap().role, ProfileRole::Author);
    let again = Workspace::open(dir.path(), Actor::new("test:alice")).unwrap();
    assert_eq!(again.profile().unwrap().id, me.id);
    assert_eq!(again.profiles().unwrap().len(), 2);
    assert_eq!(again.info().unwrap().profile, me);
}

#[test]
fn a_minute_of_autosaves_shares_one_audit_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, project) = common::spring(dir.path());
    let doc = ws.create_document(&project, "Launch").unwrap().id;
    let saves = |ws: &Workspace| {
        ws.audit_log()
            .unwrap()
            .iter()
            .filter(|e| e.action == "document.text_saved")
            .count()
    };
    for text in ["Our", "Our sale", "Our sale starts"] {
        ws.save_document_text(&doc, &DocumentText::markdown(text))
            .unwrap();
    }
    assert_eq!(saves(&ws), 1, "one entry for the burst");
    assert_eq!(
        ws.document(&doc).unwrap().body_markdown.trim(),
        "Our sale starts",
        "every save is kept"
    );
    // Something else in between starts a new burst.
    ws.rename_document(&doc, "Launch day").unwrap();
    ws.save_document_text(&doc, &DocumentText::markdown("Our sale starts Monday"))
        .unwrap();
    assert_eq!(saves(&ws), 2);
    assert!(ws.verify_audit_log().unwrap().is_none());
}

#[test]
fn a_person_sets_their_name_and_the_panels_show_it() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, project) = common::spring(dir.path());
    let doc = ws.create_document(&project, "Launch").unwrap().id;
    common::drafted(&mut ws, &doc, None, &["Our sale starts Monday."]);
    let comment = Feedback::Comment {
        text: "Good".into(),
        span: None,
    };
    let event = ws.record_feedback(&doc, None, &comment).unwrap();

    let me = ws.set_display_name("  Alice Martin ").unwrap();
    assert_eq!(me.display_name, "Alice Martin");
    assert_eq!(ws.profile().unwrap().display_name, "Alice Martin");
    assert_eq!(ws.info().unwrap().profile.display_name, "Alice Martin");
    // What was said keeps its handle; the panel knows the name behind it.
    let panel = ws.document_feedback(&doc).unwrap();
    assert_eq!(panel.timeline[0].event.actor, event.actor);
    let person = panel
        .people
        .iter()
        .find(|p| p.id == event.person_id)
        .unwrap();
    assert_eq!(person.display_name, "Alice Martin");
    assert_eq!(
        ws.audit_log().unwrap().last().unwrap().action,
        "profile.renamed"
    );

    let audit = ws.audit_log().unwrap().len();
    for bad in ["", "   ", &"x".repeat(81)] {
        assert!(ws.set_display_name(bad).is_err(), "{bad:?}");
    }
    assert_eq!(ws.profile().unwrap().display_name, "Alice Martin");
    assert_eq!(ws.audit_log().unwrap().len(), audit);
}
