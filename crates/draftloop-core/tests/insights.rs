//! A project's Insights from its own documents: suggestions, accept, reject, curve.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

mod common;

use draftloop_core::document::DocumentText;
use draftloop_core::feedback::{Feedback, Verdict};
use draftloop_core::insights::{Insight, SuggestionDecision};
use draftloop_core::mining::Kind;
use draftloop_core::{Actor, Workspace};

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
        author: None,
        content_type_wide: false,
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

/// A pattern accepted for the content type goes into every project of that type that
/// has a prompt, and is decided there too; other types' projects are left alone.
#[test]
fn a_suggestion_accepted_for_the_content_type_reaches_its_other_projects() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, spring) = common::spring(dir.path());
    let new = |ws: &mut Workspace, name: &str, content_type: &str| {
        ws.create_project(&draftloop_core::NewProject {
            name: name.into(),
            content_type: content_type.into(),
        })
        .unwrap()
        .id
    };
    let (autumn, docs, winter) = (
        new(&mut ws, "Autumn", "email"),
        new(&mut ws, "Docs", "blog post"),
        new(&mut ws, "Winter", "email"),
    );
    let v1 = ws
        .save_prompt(&spring, "You write emails.", "Write.")
        .unwrap();
    let a1 = ws
        .save_prompt(&autumn, "You write autumn emails.", "Write.")
        .unwrap();
    ws.save_prompt(&docs, "You write posts.", "Write.").unwrap();
    for (project, version) in [(&spring, &v1.id), (&autumn, &a1.id)] {
        for i in 0..3 {
            let draft = format!("We utilize item {i} daily. It ships on Monday.");
            let kept = draft.replace("utilize", "use");
            edited_draft(&mut ws, project, version, &draft, &kept);
        }
    }
    assert_eq!(ws.insights(&autumn).unwrap().suggestions.len(), 1);
    let names: Vec<String> = ws
        .projects_like(&spring)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(
        names,
        ["Autumn"],
        "Winter has no prompt yet, Docs is another type"
    );

    let s = ws.insights(&spring).unwrap().suggestions.remove(0);
    let mut wide = decision(&s, &s.suggestion.instruction);
    wide.content_type_wide = true;
    let system = format!("You write emails.\n{}", s.suggestion.instruction);
    ws.accept_suggestion(&spring, &wide, &system, "Write.")
        .unwrap();

    let autumn_now = ws.latest_prompt(&autumn).unwrap().unwrap();
    assert_eq!(
        autumn_now.system_prompt,
        "You write autumn emails.\nReplace 'utilize' with 'use'."
    );
    assert_eq!(autumn_now.origin, "suggestion");
    assert!(
        ws.insights(&autumn).unwrap().suggestions.is_empty(),
        "decided there too"
    );
    assert_eq!(ws.prompt_versions(&docs).unwrap().len(), 1);
    assert!(ws.latest_prompt(&winter).unwrap().is_none());
}

/// A writer's style is not the team's: Insights scoped to one author mines their drafts
/// alone, and accepting puts the instruction in their block of the prompt, which only
/// their documents' drafts are sent with.
#[test]
fn one_authors_habit_goes_into_their_block_of_the_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let (mut alice, p) = common::spring(dir.path());
    let v1 = alice
        .save_prompt(&p, "You write emails.", "Write about {{topic}}.")
        .unwrap();
    let mut bob = Workspace::open(dir.path(), Actor::new("test:bob")).unwrap();
    let (mut alice_docs, mut bobs) = (Vec::new(), Vec::new());
    for i in 0..3 {
        let draft = format!("We utilize item {i} daily. It ships on Monday.");
        alice_docs.push(edited_draft(
            &mut alice,
            &p,
            &v1.id,
            &draft,
            &draft.replace("utilize", "use"),
        ));
        let draft = format!("Big news about item {i}! It ships on Monday.");
        bobs.push(edited_draft(
            &mut bob,
            &p,
            &v1.id,
            &draft,
            &draft.replace('!', "."),
        ));
    }
    assert_eq!(
        bob.document_author(&bobs[0]).unwrap().as_deref(),
        Some("test:bob")
    );

    let everyone = alice.insights(&p).unwrap();
    assert_eq!(everyone.suggestions.len(), 2, "{:#?}", everyone.suggestions);
    let authors: Vec<(&str, &str, u32)> = everyone
        .authors
        .iter()
        .map(|a| (a.author.as_str(), a.name.as_str(), a.pairs))
        .collect();
    assert_eq!(
        authors,
        [("test:alice", "alice", 3), ("test:bob", "bob", 3)]
    );

    let bobs_insights = alice.insights_for(&p, Some("test:bob")).unwrap();
    assert_eq!(bobs_insights.pairs, 3);
    assert_eq!(bobs_insights.suggestions.len(), 1);
    let habit = &bobs_insights.suggestions[0];
    assert_eq!(habit.suggestion.instruction, "Don't use exclamation marks.");
    let mut scoped = decision(habit, &habit.suggestion.instruction);
    scoped.author = Some("test:bob".into());
    let v2 = alice
        .accept_suggestion(&p, &scoped, "You write emails.", "Write about {{topic}}.")
        .unwrap();
    assert_eq!(
        v2.system_prompt, "You write emails.",
        "the team's prompt is as it was"
    );
    assert_eq!(v2.origin, "suggestion");
    assert_eq!(
        v2.author_blocks.get("test:bob").map(String::as_str),
        Some("Don't use exclamation marks.")
    );
    let topic = [("topic".to_owned(), "the fair".to_owned())].into();
    let system = |author: &str| {
        v2.messages_for(&topic, Some(author)).unwrap()[0]
            .content
            .clone()
    };
    assert_eq!(
        system("test:bob"),
        "You write emails.\n\nDon't use exclamation marks."
    );
    assert_eq!(system("test:alice"), "You write emails.");
    // "Revise with notes" on bob's document is asked with his block too.
    let revise = |author: &str| {
        draftloop_core::prompt::revision_messages(
            Some(&v2),
            &topic,
            "Big news!",
            "Shorter.",
            Some(author),
        )
        .unwrap()[0]
            .content
            .clone()
    };
    assert_eq!(revise("test:bob"), system("test:bob"));
    assert_eq!(revise("test:alice"), "You write emails.");

    // Decided for bob; still a pattern for everyone's drafts, and alice's are her own.
    assert!(alice
        .insights_for(&p, Some("test:bob"))
        .unwrap()
        .suggestions
        .is_empty());
    assert_eq!(alice.insights(&p).unwrap().suggestions.len(), 2);
    let alices = alice.insights_for(&p, Some("test:alice")).unwrap();
    assert_eq!(alices.suggestions.len(), 1);
    assert_eq!(
        alices.suggestions[0].suggestion.instruction,
        "Replace 'utilize' with 'use'."
    );

    // A prompt saved by hand keeps the blocks.
    let v3 = alice
        .save_prompt(&p, "You write short emails.", "Write about {{topic}}.")
        .unwrap();
    assert_eq!(v3.author_blocks, v2.author_blocks);

    // The curve under one author's scope is of their drafts too: alice's were all
    // approved, bob's all rejected.
    for (docs, verdict) in [(&alice_docs, Verdict::Approve), (&bobs, Verdict::Reject)] {
        for doc in docs {
            let said = Feedback::Decision {
                verdict,
                reason: None,
            };
            alice.record_feedback(doc, None, &said).unwrap();
        }
    }
    let first_version = |author: Option<&str>| {
        let insights = alice.insights_for(&p, author).unwrap();
        let v = &insights.curve[0];
        (v.pairs, v.approval_rate)
    };
    assert_eq!(first_version(None), (6, Some(0.5)));
    assert_eq!(first_version(Some("test:alice")), (3, Some(1.0)));
    assert_eq!(first_version(Some("test:bob")), (3, Some(0.0)));
}

/// What people said of the drafts, not how they edited them: a tag many drafts got
/// (or a thumbs-down with it as the reason), and a dimension rated low on many, with
/// the words their comments share. Each counted once a draft, by the fold.
#[test]
fn suggestions_come_from_tags_thumbs_down_reasons_and_low_ratings() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, p) = common::spring(dir.path());
    let v1 = ws.save_prompt(&p, "You write emails.", "Write.").unwrap();
    let long = "Our spring sale starts on Monday and runs for two whole weeks across every store we have in the country this year.";
    assert_eq!(long.split_whitespace().count(), 22);
    let mut docs = Vec::new();
    let mut drafts = Vec::new();
    // Drafts 0 and 1 people cut short (to 10 and 12 words); 2 to 5 they left as written.
    for (i, kept) in [Some(10), Some(12), None, None, None, None]
        .into_iter()
        .enumerate()
    {
        let doc = ws.create_document(&p, &format!("Sale {i}")).unwrap();
        let g = common::drafted(&mut ws, &doc.id, Some(&v1.id), &[long]);
        if let Some(words) = kept {
            let short: Vec<&str> = long.split_whitespace().take(words).collect();
            ws.save_document_text(&doc.id, &text(&short.join(" ")))
                .unwrap();
        }
        docs.push(doc.id);
        drafts.push(g[0].id.clone());
    }
    let mut say = |i: usize, feedback: Feedback| {
        ws.record_feedback(&docs[i], Some(&drafts[i]), &feedback)
            .unwrap();
    };
    let tag = |tag: &str| Feedback::Tag {
        tag: tag.into(),
        span: None,
        removed: false,
    };
    let thumbs_down = |reason: &str| Feedback::Thumb {
        up: false,
        reason: Some(reason.into()),
        text: None,
    };
    let rate = |value: i32| Feedback::Rating {
        dimension: "clarity".into(),
        value,
    };
    let comment = |text: &str| Feedback::Comment {
        text: text.into(),
        span: None,
    };
    // too-long: tagged on 0, 1 and 3, a thumbs-down's reason on 2 and 3 (3 counts once).
    say(0, tag("too-long"));
    say(1, tag("too-long"));
    say(2, thumbs_down("too-long"));
    say(3, tag("too-long"));
    say(3, thumbs_down("too-long"));
    // off-brand on two drafts only: too few.
    say(0, tag("off-brand"));
    say(4, tag("off-brand"));
    // clarity 2 or lower on 0, 1 and 4; draft 2's 1 was changed to 4, so it stands at 4.
    say(0, rate(2));
    say(0, comment("Too much jargon here."));
    say(1, rate(1));
    say(1, comment("Jargon and acronyms."));
    say(4, rate(2));
    say(4, comment("Acronyms everywhere, and jargon."));
    say(2, rate(1));
    say(2, rate(4));
    say(3, rate(3));
    // Draft 5: nothing said of it, so it is not among the drafts counted.

    let insights = ws.insights(&p).unwrap();
    let found: Vec<(Kind, &str, u32)> = insights
        .suggestions
        .iter()
        .map(|i| (i.suggestion.kind, i.key.as_str(), i.suggestion.support))
        .collect();
    assert_eq!(
        found,
        [
            (Kind::Tagged, "tag:too-long", 4),
            (Kind::RatedLow, "rating:clarity", 3)
        ]
    );

    let tagged = &insights.suggestions[0];
    let d = &tagged.suggestion.details;
    assert_eq!(
        (
            d["drafts"].as_u64(),
            d["of"].as_u64(),
            d["thumbs_down"].as_u64()
        ),
        (Some(4), Some(5), Some(2))
    );
    // What people kept of the two they cut: 22 of 44 words, about 10 words each.
    assert_eq!(
        (d["kept_ratio"].as_f64(), d["target_words"].as_f64()),
        (Some(0.5), Some(10.0))
    );
    assert_eq!(
        tagged.suggestion.instruction,
        "Keep it to about 10 words (people tagged 4 of 5 drafts 'too-long'; they kept about 50% of them)."
    );
    let behind = [&docs[0], &docs[1], &docs[2], &docs[3]];
    assert_eq!(tagged.example_documents.len(), 3);
    assert!(tagged
        .example_documents
        .iter()
        .all(|d| behind.contains(&d.as_ref().unwrap())));

    let rated = &insights.suggestions[1];
    assert_eq!(
        rated.suggestion.details["of"].as_u64(),
        Some(5),
        "drafts rated on clarity"
    );
    assert_eq!(
        rated.suggestion.instruction,
        "Take care with clarity: reviewers rated it 2 or lower on 3 of 5 drafts. Their comments mention 'jargon', 'acronyms'."
    );
    let behind = [&docs[0], &docs[1], &docs[4]];
    assert!(rated
        .example_documents
        .iter()
        .all(|d| behind.contains(&d.as_ref().unwrap())));

    // Decided like any suggestion: a rejected one is gone, an accepted one is a prompt.
    ws.reject_suggestion(&p, &decision(tagged, &tagged.suggestion.instruction))
        .unwrap();
    let instruction = rated.suggestion.instruction.clone();
    let v2 = ws
        .accept_suggestion(
            &p,
            &decision(rated, &instruction),
            &format!("You write emails.\n{instruction}"),
            "Write.",
        )
        .unwrap();
    assert!(v2.system_prompt.ends_with("'jargon', 'acronyms'."));
    assert!(ws.insights(&p).unwrap().suggestions.is_empty());
}
