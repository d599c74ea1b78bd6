//! A project's Insights from its own documents: suggestions, accept, reject, curve.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

mod common;

use draftloop_core::document::DocumentText;
use draftloop_core::feedback::{Feedback, Verdict};
use draftloop_core::insights::{Insight, SuggestionDecision};
use draftloop_core::mining::Kind;
use draftloop_core::Workspace;

fn text(markdown: &str) -> DocumentText {
    DocumentText::markdown(markdown)
}

/// A document whose model draft a person then edits.
fn edited_draft(
    ws: &mut Workspace,
    project_id: &str,
    version_id: &str,
    draft: &str,
    kept: &str,
) -> String {
    let doc = ws.create_document(project_id, "Launch").unwrap();
    common::drafted(ws, &doc.id, Some(version_id), &[draft]);
    ws.save_document_text(&doc.id, &text(kept)).unwrap();
    doc.id
}

/// The person's decision on `i`, with the instruction as they left it.
fn decision(i: &Insight, instruction: &str) -> SuggestionDecision {
    SuggestionDecision {
        kind: i.suggestion.kind,
        key: i.key.clone(),
        instruction: instruction.into(),
        support: i.suggestion.support,
        doc_type: i.suggestion.doc_type.clone(),
        examples: i.suggestion.examples.clone(),
    }
}

#[test]
fn suggestions_come_from_the_projects_edits_and_accepting_one_makes_a_prompt_version() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, p) = common::spring(dir.path());
    let v1 = ws
        .save_prompt(&p, "You write emails.", "Write about {{topic}}.")
        .unwrap();
    let mut docs = Vec::new();
    for topic in ["the planner", "the report", "the webinar", "the scale"] {
        let draft = format!("We utilize {topic} every day. It keeps the team on track.");
        docs.push(edited_draft(
            &mut ws,
            &p,
            &v1.id,
            &draft,
            &draft.replace("utilize", "use"),
        ));
    }

    let insights = ws.insights(&p).unwrap();
    assert_eq!(insights.pairs, 4);
    assert_eq!(insights.suggestions.len(), 1, "{:#?}", insights.suggestions);
    let s = &insights.suggestions[0];
    assert_eq!(s.suggestion.kind, Kind::ReplaceTerm);
    assert_eq!(s.suggestion.support, 4);
    assert!(
        docs.contains(s.example_documents[0].as_ref().unwrap()),
        "examples open their document"
    );
    assert_eq!(insights.curve.len(), 1);
    assert_eq!(insights.curve[0].pairs, 4);
    assert!(insights.curve[0].mean_edit_distance.unwrap() > 0.0);
    assert_eq!(insights.curve[0].approval_rate, None, "no reviews yet");

    // Three of the four drafts are decided; the latest decision counts.
    let verdicts = [
        (0, Verdict::Reject),
        (0, Verdict::Approve),
        (1, Verdict::Approve),
        (2, Verdict::Reject),
        (3, Verdict::Escalate),
    ];
    for (doc, verdict) in verdicts {
        ws.record_feedback(
            &docs[doc],
            None,
            &Feedback::Decision {
                verdict,
                reason: None,
            },
        )
        .unwrap();
    }
    let rate = ws.insights(&p).unwrap().curve[0].approval_rate.unwrap();
    assert!((rate - 2.0 / 3.0).abs() < 1e-9, "{rate}");

    let decision = decision(s, "Write 'use', never 'utilize'.");
    let system = format!("{}\n{}", v1.system_prompt, decision.instruction);
    let v2 = ws
        .accept_suggestion(&p, &decision, &system, &v1.user_template)
        .unwrap();
    assert_eq!(v2.origin, "suggestion");
    assert_eq!(v2.parent_id.as_deref(), Some(v1.id.as_str()));
    assert_eq!(
        ws.latest_prompt(&p).unwrap().unwrap().system_prompt,
        "You write emails.\nWrite 'use', never 'utilize'."
    );

    let after = ws.insights(&p).unwrap();
    assert!(
        after.suggestions.is_empty(),
        "an accepted pattern is not suggested again"
    );
    assert_eq!(
        after
            .curve
            .iter()
            .map(|c| (c.version, c.origin.as_str()))
            .collect::<Vec<_>>(),
        [(1, "hand"), (2, "suggestion")]
    );
    assert_eq!(after.curve[1].pairs, 0);
}

#[test]
fn a_rejected_pattern_is_not_suggested_again() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, p) = common::spring(dir.path());
    let v1 = ws.save_prompt(&p, "", "Write.").unwrap();
    for i in 0..3 {
        let draft = format!("Big news about item {i}! It ships on Monday.");
        edited_draft(&mut ws, &p, &v1.id, &draft, &draft.replace('!', "."));
    }
    let s = ws.insights(&p).unwrap().suggestions.remove(0);
    assert_eq!(s.suggestion.instruction, "Don't use exclamation marks.");
    let decision = decision(&s, &s.suggestion.instruction);
    ws.reject_suggestion(&p, &decision).unwrap();
    assert!(ws.insights(&p).unwrap().suggestions.is_empty());
    assert_eq!(
        ws.prompt_versions(&p).unwrap().len(),
        1,
        "rejecting changes no prompt"
    );
}
