//! Feedback events: each kind round-trips, the views show the latest, bad input changes
//! nothing, and the log stays append-only.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

mod common;

use draftloop_core::document::DocumentText;
use draftloop_core::feedback::changes::ChangeKind;
use draftloop_core::feedback::{Feedback, Span, Verdict};
use draftloop_core::generation::Generation;
use draftloop_core::{DocumentStatus, ErrorKind, RubricDimension, Workspace};

fn text(markdown: &str) -> DocumentText {
    DocumentText::markdown(markdown)
}

struct Fixture {
    _dir: tempfile::TempDir,
    ws: Workspace,
    doc: String,
    variants: Vec<Generation>,
}

/// A document with two variants of a draft; the first is in the editor.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, project) = common::spring(dir.path());
    let doc = ws.create_document(&project, "Launch").unwrap().id;
    let variants = common::drafted(
        &mut ws,
        &doc,
        None,
        &[
            "Our spring sale starts Monday.",
            "Spring is here: save now.",
        ],
    );
    Fixture {
        _dir: dir,
        ws,
        doc,
        variants,
    }
}

fn span(anchor: &str, quote: &str) -> Option<Span> {
    Some(Span {
        anchor: anchor.into(),
        from: 1,
        to: 1 + quote.len() as u32,
        quote: quote.into(),
    })
}

#[test]
fn each_kind_round_trips_bound_to_the_generation_and_revision() {
    let mut f = fixture();
    let draft = f.variants[0].id.clone();
    let kinds = [
        Feedback::Thumb {
            up: false,
            reason: Some("too-long".into()),
            text: Some("cut the intro".into()),
        },
        Feedback::Rating {
            dimension: "clarity".into(),
            value: 4,
        },
        Feedback::Tag {
            tag: "factual-error".into(),
            span: span("a1", "Monday"),
            removed: false,
        },
        Feedback::Comment {
            text: "Which Monday?".into(),
            span: span("a2", "Monday"),
        },
        Feedback::Preference {
            chosen: f.variants[1].id.clone(),
            rejected: f.variants[0].id.clone(),
            tie: false,
            reason: Some("punchier".into()),
        },
        Feedback::Decision {
            verdict: Verdict::Escalate,
            reason: Some("legal should look".into()),
        },
        Feedback::Implicit {
            kept_ratio: None,
            time_to_accept_ms: None,
            copied_chars: Some(12),
            exported_format: None,
        },
    ];
    for feedback in &kinds {
        let recorded = f.ws.record_feedback(&f.doc, None, feedback).unwrap();
        assert_eq!(&recorded.feedback, feedback);
        assert_eq!(recorded.generation_id.as_deref(), Some(draft.as_str()));
        assert!(recorded.revision_id.is_some());
        assert_eq!(recorded.actor, "test:alice");
    }
    let stored = f.ws.feedback_events(&f.doc).unwrap();
    let stored: Vec<_> = stored.into_iter().map(|e| e.feedback).collect();
    assert_eq!(stored, kinds);
    assert_eq!(
        f.ws.document(&f.doc).unwrap().status,
        DocumentStatus::InReview
    );
}

#[test]
fn the_views_show_the_latest_of_each_kind() {
    let mut f = fixture();
    let mut give = |fb: Feedback| f.ws.record_feedback(&f.doc, None, &fb).unwrap();
    give(Feedback::Thumb {
        up: false,
        reason: None,
        text: None,
    });
    give(Feedback::Thumb {
        up: true,
        reason: None,
        text: None,
    });
    for value in [2, 5, 3] {
        give(Feedback::Rating {
            dimension: "tone".into(),
            value,
        });
    }
    give(Feedback::Rating {
        dimension: "Accuracy".into(),
        value: 1,
    });
    for (tag, removed) in [("tone", false), ("grammar", false), ("tone", true)] {
        give(Feedback::Tag {
            tag: tag.into(),
            span: None,
            removed,
        });
    }
    give(Feedback::Tag {
        tag: "hallucination".into(),
        span: span("s1", "spring sale"),
        removed: false,
    });
    give(Feedback::Tag {
        tag: "too-long".into(),
        span: span("s2", "Monday"),
        removed: false,
    });
    give(Feedback::Tag {
        tag: "too-long".into(),
        span: span("s2", "Monday"),
        removed: true,
    });
    give(Feedback::Comment {
        text: "Good start".into(),
        span: None,
    });
    let view = f.ws.document_feedback(&f.doc).unwrap();
    match &view.thumb.as_ref().unwrap().feedback {
        Feedback::Thumb { up, .. } => assert!(up),
        other => panic!("expected a thumb, got {other:?}"),
    }
    let ratings: Vec<_> = view
        .ratings
        .iter()
        .map(|r| (r.dimension.as_str(), r.value))
        .collect();
    assert_eq!(ratings, [("accuracy", 1), ("tone", 3)]);
    assert_eq!(view.tags, ["grammar"]);
    assert_eq!(view.spans.len(), 1);
    assert_eq!(view.spans[0].tag.as_deref(), Some("hallucination"));
    assert_eq!(view.spans[0].quote, "spring sale");
    assert_eq!(view.comments.len(), 1);
    // One opinion per person: the earlier thumb and the two earlier tone ratings are
    // not shown (the log keeps all 13 events).
    assert_eq!(view.timeline.len(), 10);
    assert_eq!(f.ws.feedback_events(&f.doc).unwrap().len(), 13);
    assert_eq!(view.timeline[0].model.as_deref(), Some("m-1"));
    assert!(matches!(
        view.timeline[0].event.feedback,
        Feedback::Comment { .. }
    ));

    // A new draft starts its own thumbs, ratings and tags; the decision stays.
    let second = f.variants[1].clone();
    f.ws.apply_generation(&f.doc, &second.id, &text(&second.output))
        .unwrap();
    let view = f.ws.document_feedback(&f.doc).unwrap();
    assert_eq!(view.generation.unwrap().id, second.id);
    assert!(view.thumb.is_none() && view.ratings.is_empty() && view.tags.is_empty());
    assert_eq!(view.spans.len(), 1, "span notes stay with the text");
}

#[test]
fn bad_feedback_is_refused_and_changes_nothing() {
    let mut f = fixture();
    let other_doc = {
        let project = f.ws.projects().unwrap().remove(0);
        f.ws.create_document(&project.id, "Other").unwrap().id
    };
    let bad = [
        Feedback::Rating {
            dimension: "clarity".into(),
            value: 6,
        },
        Feedback::Rating {
            dimension: "humour".into(),
            value: 3,
        },
        Feedback::Tag {
            tag: "not-a-tag".into(),
            span: None,
            removed: false,
        },
        Feedback::Tag {
            tag: "tone".into(),
            span: Some(Span {
                anchor: "a".into(),
                from: 5,
                to: 5,
                quote: String::new(),
            }),
            removed: false,
        },
        Feedback::Comment {
            text: "   ".into(),
            span: None,
        },
        Feedback::Thumb {
            up: false,
            reason: Some("boring".into()),
            text: None,
        },
        Feedback::Preference {
            chosen: f.variants[0].id.clone(),
            rejected: f.variants[0].id.clone(),
            tie: false,
            reason: None,
        },
        Feedback::Implicit {
            kept_ratio: Some(1.5),
            time_to_accept_ms: None,
            copied_chars: None,
            exported_format: None,
        },
        Feedback::Edit {
            from_revision: None,
            to_revision: "r".into(),
        },
    ];
    let audit_before = f.ws.audit_log().unwrap().len();
    for feedback in &bad {
        let err = f.ws.record_feedback(&f.doc, None, feedback).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{feedback:?}: {err}");
    }
    let thumb = Feedback::Thumb {
        up: true,
        reason: None,
        text: None,
    };
    let err =
        f.ws.record_feedback(&other_doc, Some(&f.variants[0].id), &thumb)
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err =
        f.ws.record_feedback("no-such-doc", None, &thumb)
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(f.ws.feedback_events(&f.doc).unwrap().is_empty());
    assert_eq!(f.ws.audit_log().unwrap().len(), audit_before);
}

#[test]
fn approving_records_what_was_kept_and_edits_are_recorded_as_events() {
    let mut f = fixture();
    // The person rewrites the second half of the draft.
    f.ws.save_document_text(&f.doc, &text("Our spring sale starts Tuesday at noon."))
        .unwrap();
    f.ws.record_feedback(
        &f.doc,
        None,
        &Feedback::Decision {
            verdict: Verdict::Approve,
            reason: None,
        },
    )
    .unwrap();
    let events = f.ws.feedback_events(&f.doc).unwrap();
    let kinds: Vec<_> = events.iter().map(|e| e.feedback.kind()).collect();
    assert_eq!(kinds, ["edit", "decision", "implicit"]);
    let Feedback::Edit {
        from_revision,
        to_revision,
    } = &events[0].feedback
    else {
        unreachable!()
    };
    let revisions = f.ws.revisions(&f.doc).unwrap();
    assert_eq!(from_revision.as_deref(), Some(revisions[0].id.as_str()));
    assert_eq!(to_revision, &revisions[1].id);
    assert_eq!(revisions[1].author_kind, "human");
    let Feedback::Implicit {
        kept_ratio,
        time_to_accept_ms,
        ..
    } = &events[2].feedback
    else {
        unreachable!()
    };
    // "Our spring sale starts" kept of "Our spring sale starts Monday".
    assert!((kept_ratio.unwrap() - 0.8).abs() < 1e-9, "{kept_ratio:?}");
    assert!(time_to_accept_ms.unwrap() >= 0);
    assert_eq!(
        f.ws.document(&f.doc).unwrap().status,
        DocumentStatus::Approved
    );
    let audit = f.ws.audit_log().unwrap();
    assert_eq!(audit.last().unwrap().action, "document.decided");
}

/// The decision that stands on `generation`, as the exports read it.
fn exported_decision(ws: &Workspace, generation: &str) -> Option<Verdict> {
    let mut found = None;
    ws.for_each_record(&Default::default(), |r| {
        if r.generation_id == generation {
            found = Some(r.decision);
        }
        Ok(true)
    })
    .unwrap();
    found.expect("the generation is exported")
}

#[test]
fn changing_approved_text_returns_it_to_draft_and_says_so() {
    let mut f = fixture();
    let approve = Feedback::Decision {
        verdict: Verdict::Approve,
        reason: None,
    };
    let draft = f.variants[0].id.clone();
    f.ws.record_feedback(&f.doc, None, &approve).unwrap();
    assert_eq!(exported_decision(&f.ws, &draft), Some(Verdict::Approve));
    // Saving the same text changes nothing.
    let approved = f.ws.document(&f.doc).unwrap();
    f.ws.save_document_text(
        &f.doc,
        &DocumentText {
            body_json: approved.body_json.clone(),
            body_markdown: approved.body_markdown.clone(),
        },
    )
    .unwrap();
    assert_eq!(
        f.ws.document(&f.doc).unwrap().status,
        DocumentStatus::Approved
    );

    let saved =
        f.ws.save_document_text(
            &f.doc,
            &text("Our spring sale starts Monday. Bring a friend."),
        )
        .unwrap();
    assert_eq!(saved.status, DocumentStatus::Draft);
    let events = f.ws.feedback_events(&f.doc).unwrap();
    let last = events.last().unwrap();
    assert_eq!(
        last.feedback,
        Feedback::Decision {
            verdict: Verdict::Reopen,
            reason: Some("changed after approval".into()),
        }
    );
    assert_eq!(last.generation_id.as_deref(), Some(draft.as_str()));
    // The text as approved is kept: the reopening points at it.
    let revision =
        f.ws.revisions(&f.doc)
            .unwrap()
            .into_iter()
            .find(|r| Some(&r.id) == last.revision_id.as_ref())
            .unwrap();
    assert_eq!(revision.body_markdown.trim(), approved.body_markdown.trim());
    // No decision stands, in the panel or in the exports.
    let panel = f.ws.document_feedback(&f.doc).unwrap();
    assert_eq!(panel.decision, None);
    assert_eq!(panel.timeline[0].event.id, last.id);
    assert_eq!(exported_decision(&f.ws, &draft), None);
    let audit = f.ws.audit_log().unwrap();
    assert!(audit.iter().any(|a| a.action == "document.decided"
        && serde_json::from_str::<serde_json::Value>(&a.detail).unwrap()["verdict"] == "reopen"));
    // Further saves of the draft record nothing more.
    f.ws.save_document_text(
        &f.doc,
        &text("Our spring sale starts Monday. Bring two friends."),
    )
    .unwrap();
    assert_eq!(f.ws.feedback_events(&f.doc).unwrap().len(), events.len());

    // Approved again, a variant put in its place reopens it too.
    f.ws.record_feedback(&f.doc, None, &approve).unwrap();
    let other = &f.variants[1];
    let applied =
        f.ws.apply_generation(&f.doc, &other.id, &text(&other.output))
            .unwrap();
    assert_eq!(applied.status, DocumentStatus::Draft);
    let last = f.ws.feedback_events(&f.doc).unwrap().pop().unwrap();
    assert!(matches!(
        last.feedback,
        Feedback::Decision {
            verdict: Verdict::Reopen,
            ..
        }
    ));
}

#[test]
fn restoring_a_revision_adds_one_and_rewrites_nothing() {
    let mut f = fixture();
    f.ws.save_document_text(&f.doc, &text("Our spring sale starts Monday. Mine."))
        .unwrap();
    let other = f.variants[1].clone();
    f.ws.apply_generation(&f.doc, &other.id, &text(&other.output))
        .unwrap();
    let before = f.ws.revisions(&f.doc).unwrap();
    // The model's first draft, the person's text, the second variant.
    assert_eq!(before.len(), 3);
    let first = before[0].clone();

    let restored = f.ws.restore_revision(&f.doc, &first.id).unwrap();
    assert_eq!(restored.body_markdown.trim(), first.body_markdown.trim());
    let after = f.ws.revisions(&f.doc).unwrap();
    assert_eq!(
        &after[..before.len()],
        &before[..],
        "nothing before is rewritten"
    );
    assert_eq!(after.len(), before.len() + 1);
    let added = after.last().unwrap();
    assert_eq!(added.author_kind, "human");
    assert_eq!(added.body_markdown, first.body_markdown);
    let audit = f.ws.audit_log().unwrap();
    assert_eq!(audit.last().unwrap().action, "revision.restored");
    // Restoring the text already there adds nothing.
    f.ws.restore_revision(&f.doc, &first.id).unwrap();
    assert_eq!(f.ws.revisions(&f.doc).unwrap().len(), after.len());

    // Another document's revision, or none, is refused and changes nothing.
    let elsewhere = f.ws.create_document(&restored.project_id, "Other").unwrap();
    let err = f.ws.restore_revision(&elsewhere.id, &first.id).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    let err =
        f.ws.restore_revision(&f.doc, "no-such-revision")
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert_eq!(f.ws.revisions(&f.doc).unwrap().len(), after.len());
    assert_eq!(
        f.ws.document(&f.doc).unwrap().body_markdown,
        restored.body_markdown
    );
}

#[test]
fn every_request_of_a_document_stays_reachable_newest_first() {
    let mut f = fixture();
    let later = common::drafted(&mut f.ws, &f.doc, None, &["Third.", "Fourth.", "Fifth."]);
    let sets = f.ws.document_requests(&f.doc).unwrap();
    assert_eq!(sets.len(), 2);
    let ids = |gs: &[Generation]| gs.iter().map(|g| g.id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&sets[0].variants),
        ids(&later),
        "the latest first, in variant order"
    );
    assert_eq!(ids(&sets[1].variants), ids(&f.variants));
    assert_eq!(sets[1].group_id, f.variants[0].group_id);
    // A document with none has none; a document that is not there is named.
    let project = f.ws.document(&f.doc).unwrap().project_id;
    let other = f.ws.create_document(&project, "Other").unwrap();
    assert!(f.ws.document_requests(&other.id).unwrap().is_empty());
    let err = f.ws.document_requests("no-such-document").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[test]
fn feedback_can_be_taken_back_and_the_panel_timeline_and_exports_agree() {
    let mut f = fixture();
    let draft = f.variants[0].id.clone();
    let give =
        |ws: &mut Workspace, doc: &str, fb: Feedback| ws.record_feedback(doc, None, &fb).unwrap();
    let up = give(
        &mut f.ws,
        &f.doc,
        Feedback::Thumb {
            up: true,
            reason: None,
            text: None,
        },
    );
    let amended = give(
        &mut f.ws,
        &f.doc,
        Feedback::Thumb {
            up: true,
            reason: Some("tone".into()),
            text: Some("warm".into()),
        },
    );
    let rating = give(
        &mut f.ws,
        &f.doc,
        Feedback::Rating {
            dimension: "clarity".into(),
            value: 4,
        },
    );
    let comment = give(
        &mut f.ws,
        &f.doc,
        Feedback::Comment {
            text: "Nice opening.".into(),
            span: None,
        },
    );
    // A reason added to a thumb amends it: one thumb in the timeline.
    let panel = f.ws.document_feedback(&f.doc).unwrap();
    let thumbs: Vec<_> = panel
        .timeline
        .iter()
        .filter(|t| t.event.feedback.kind() == "thumb")
        .collect();
    assert_eq!(thumbs.len(), 1);
    assert_eq!(thumbs[0].event.id, amended.id);
    assert_eq!(panel.ratings[0].event_id, rating.id);

    // Bad retractions are refused and change nothing.
    let before = f.ws.feedback_events(&f.doc).unwrap().len();
    let decision = give(
        &mut f.ws,
        &f.doc,
        Feedback::Decision {
            verdict: Verdict::Escalate,
            reason: None,
        },
    );
    for (target, kind) in [
        ("no-such-event", ErrorKind::NotFound),
        (decision.id.as_str(), ErrorKind::InvalidInput),
    ] {
        let err =
            f.ws.record_feedback(
                &f.doc,
                None,
                &Feedback::Retraction {
                    event_id: target.into(),
                },
            )
            .unwrap_err();
        assert_eq!(err.kind(), kind, "{target}: {err}");
    }
    assert_eq!(f.ws.feedback_events(&f.doc).unwrap().len(), before + 1);

    for taken in [&amended, &rating, &comment] {
        let r = give(
            &mut f.ws,
            &f.doc,
            Feedback::Retraction {
                event_id: taken.id.clone(),
            },
        );
        assert_eq!(r.generation_id.as_deref(), Some(draft.as_str()));
    }
    let err =
        f.ws.record_feedback(
            &f.doc,
            None,
            &Feedback::Retraction {
                event_id: rating.id.clone(),
            },
        )
        .unwrap_err();
    assert!(err.to_string().contains("already taken back"), "{err}");

    let panel = f.ws.document_feedback(&f.doc).unwrap();
    assert_eq!(
        panel.thumb, None,
        "the lit thumb taken back leaves none, not the one before it"
    );
    assert!(panel.ratings.is_empty());
    assert!(panel.comments.is_empty());
    let kinds: Vec<_> = panel
        .timeline
        .iter()
        .map(|t| t.event.feedback.kind())
        .collect();
    assert_eq!(
        kinds,
        ["decision"],
        "nothing taken back shows, nor what it took back"
    );
    assert!(!panel.timeline.iter().any(|t| t.event.id == up.id));

    // The exports read the same fold: no thumb, rating or comment, none of them cited.
    let mut records = Vec::new();
    f.ws.for_each_record(&Default::default(), |r| {
        records.push(r);
        Ok(true)
    })
    .unwrap();
    let record = records.iter().find(|r| r.generation_id == draft).unwrap();
    assert_eq!(record.thumb, None);
    assert!(record.ratings.is_empty());
    assert!(record.comments.is_empty());
    for taken in [&amended, &rating, &comment] {
        assert!(
            !record.feedback_ids.contains(&taken.id),
            "{:?} is cited",
            taken.feedback
        );
    }
}

#[test]
fn a_document_saved_as_markdown_carries_its_title() {
    let mut f = fixture();
    let out = f._dir.path().join("out").join("launch.md");
    f.ws.export_document(&f.doc, &out).unwrap();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "# Launch\n\nOur spring sale starts Monday.\n"
    );
    // A text that starts with its title gets it once; a folder is refused.
    f.ws.save_document_text(&f.doc, &text("# Launch\n\nSale."))
        .unwrap();
    f.ws.export_document(&f.doc, &out).unwrap();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "# Launch\n\nSale.\n"
    );
    let err = f.ws.export_document(&f.doc, f._dir.path()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let exported = f.ws
        .feedback_events(&f.doc)
        .unwrap()
        .into_iter()
        .filter(|e| matches!(&e.feedback, Feedback::Implicit { exported_format: Some(m), .. } if m == "markdown"))
        .count();
    assert_eq!(exported, 2);
}

#[test]
fn feedback_events_cannot_be_changed_in_place() {
    let mut f = fixture();
    f.ws.record_feedback(
        &f.doc,
        None,
        &Feedback::Rating {
            dimension: "clarity".into(),
            value: 2,
        },
    )
    .unwrap();
    let path = f.ws.path().to_owned();
    let conn = rusqlite::Connection::open(path).unwrap();
    let err = conn
        .execute("UPDATE feedback_events SET payload = '{}'", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

#[test]
fn the_rubric_and_tags_are_editable_and_checked() {
    let mut f = fixture();
    let project = f.ws.projects().unwrap().remove(0);
    let rubric = vec![RubricDimension {
        name: "Persuasion".into(),
        description: "Makes the reader act".into(),
        min: 0,
        max: 10,
    }];
    let tags = vec!["Needs-Source".to_owned(), "tone".to_owned()];
    let updated =
        f.ws.set_feedback_schema(&project.id, &rubric, &tags)
            .unwrap();
    assert_eq!(updated.rubric, rubric);
    assert_eq!(updated.tags, ["needs-source", "tone"]);
    f.ws.record_feedback(
        &f.doc,
        None,
        &Feedback::Rating {
            dimension: "persuasion".into(),
            value: 9,
        },
    )
    .unwrap();
    let err =
        f.ws.record_feedback(
            &f.doc,
            None,
            &Feedback::Rating {
                dimension: "clarity".into(),
                value: 3,
            },
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);

    let twice = vec![rubric[0].clone(), rubric[0].clone()];
    let upside_down = vec![RubricDimension {
        min: 5,
        max: 1,
        ..rubric[0].clone()
    }];
    for bad in [twice, upside_down] {
        let err =
            f.ws.set_feedback_schema(&project.id, &bad, &tags)
                .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
    }
    let err =
        f.ws.set_feedback_schema(&project.id, &rubric, &["tone".into(), "Tone".into()])
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(f.ws.project(&project.id).unwrap(), updated);
}

#[test]
fn the_changes_view_marks_words_by_who_changed_them() {
    let mut f = fixture();
    f.ws.save_document_text(&f.doc, &text("Our big spring sale starts Monday."))
        .unwrap();
    let changes = f.ws.document_changes(&f.doc).unwrap();
    assert_eq!(
        changes.draft_generation_id.as_deref(),
        Some(f.variants[0].id.as_str())
    );
    let names: Vec<_> = changes.authors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["m-1", "test:alice"]);
    let inserted: Vec<_> = changes
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Inserted)
        .map(|c| (c.text.as_str(), c.author))
        .collect();
    assert_eq!(inserted, [("big ", 1)]);
}

#[test]
fn a_batch_is_recorded_whole_or_not_at_all() {
    use draftloop_core::feedback::FeedbackInput;
    let mut f = fixture();
    let item = |value| FeedbackInput {
        document_id: f.doc.clone(),
        generation_id: None,
        feedback: Feedback::Rating {
            dimension: "tone".into(),
            value,
        },
    };
    let bad = [item(3), item(4), item(9)];
    let err = f.ws.record_feedback_batch(&bad).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().starts_with("event 3: "), "{err}");
    assert!(f.ws.feedback_events(&f.doc).unwrap().is_empty());

    let events = f.ws.record_feedback_batch(&[item(3), item(4)]).unwrap();
    assert_eq!(events.len(), 2);
    let view = f.ws.document_feedback(&f.doc).unwrap();
    assert_eq!(view.ratings[0].value, 4);
}
