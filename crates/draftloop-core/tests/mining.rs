//! The miner: every kind of edit, exact support, scoping by content type, and silence
//! on noise.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

use std::time::{Duration, Instant};

use draftloop_core::mining::{analyze, mine, Kind, MineOptions, Pair, Suggestion};

const BODIES: &[&str] = &[
    "Our new planner helps teams plan the week. It syncs with your calendar and shows what is due. Setup takes two minutes and the first month is free.",
    "The spring collection is here. Each jacket is cut from recycled wool and lined with soft cotton. Sizes run from small to extra large.",
    "We rebuilt the reporting page from scratch. Charts load faster, filters remember your choices, and exports arrive as spreadsheets.",
    "Join our webinar on remote onboarding. We will cover checklists, buddy systems and the first ninety days of a new hire.",
    "The kitchen scale weighs to the gram and folds flat. A single battery lasts a year of daily baking and the bowl is dishwasher safe.",
    "Our support team now answers chats around the clock. Average wait time fell below one minute this quarter across every region.",
    "The trail shoes grip wet rock and dry quickly. A wider toe box gives room on long descents and the laces stay tied.",
    "This guide explains how to price a freelance project. It covers day rates, fixed fees and how to handle changes of scope.",
];

fn pair(draft: String, final_text: String, doc_type: &str) -> Pair {
    Pair {
        draft,
        final_text,
        doc_type: Some(doc_type.into()),
        document_id: None,
    }
}

/// `n` pairs of distinct drafts; `edit` is applied to the first `k`, the rest are kept as written.
fn pairs(
    n: usize,
    k: usize,
    doc_type: &str,
    draft: impl Fn(&str) -> String,
    edit: impl Fn(&str) -> String,
) -> Vec<Pair> {
    (0..n)
        .map(|i| {
            let d = draft(&format!("{} Ref {i}.", BODIES[i % BODIES.len()]));
            let f = if i < k { edit(&d) } else { d.clone() };
            pair(d, f, doc_type)
        })
        .collect()
}

/// The defaults with a diff deadline a loaded test machine cannot reach: a diff cut
/// short is coarser, and these tests check what exact diffs find. (The deadline has its
/// own test.)
fn patient() -> MineOptions {
    MineOptions {
        diff_deadline: Duration::from_secs(60),
        ..MineOptions::default()
    }
}

fn suggestions(pairs: &[Pair]) -> Vec<Suggestion> {
    mine(pairs, &patient()).suggestions
}

fn only(pairs: &[Pair], kind: Kind) -> Suggestion {
    let all = suggestions(pairs);
    let of_kind: Vec<&Suggestion> = all.iter().filter(|s| s.kind == kind).collect();
    assert_eq!(
        of_kind.len(),
        1,
        "expected one {kind:?} suggestion, got {all:#?}"
    );
    of_kind[0].clone()
}

fn same(s: &str) -> String {
    s.to_string()
}

#[test]
fn replace_term_counts_exact_support() {
    let p = pairs(
        10,
        4,
        "email",
        |b| format!("We utilize it daily. {b}"),
        |d| d.replace("utilize", "use"),
    );
    let s = only(&p, Kind::ReplaceTerm);
    assert_eq!(s.support, 4);
    assert_eq!(s.instruction, "Replace 'utilize' with 'use'.");
    assert_eq!(s.details["from"], "utilize");
    assert_eq!(s.details["to"], "use");
    assert_eq!(s.doc_type.as_deref(), Some("email"));
    assert!(s.examples[0].before.contains("utilize") && s.examples[0].after.contains("use"));
    assert!(
        (s.impact - 1.0).abs() < 1e-9,
        "the only edits there are: {}",
        s.impact
    );
}

#[test]
fn below_minimum_support_is_not_suggested() {
    let p = pairs(
        10,
        2,
        "email",
        |b| format!("We utilize it daily. {b}"),
        |d| d.replace("utilize", "use"),
    );
    assert!(suggestions(&p).is_empty());
    let opts = MineOptions {
        min_support: 2,
        ..patient()
    };
    assert_eq!(
        mine(&p, &opts).suggestions.len(),
        1,
        "the minimum is configurable"
    );
}

#[test]
fn remove_phrase_at_the_start() {
    let opener = "In today's fast-paced world, ";
    let p = pairs(
        6,
        5,
        "blog post",
        |b| format!("{opener}{b}"),
        |d| d.replacen(opener, "", 1),
    );
    let s = only(&p, Kind::RemovePhrase);
    assert_eq!(s.support, 5);
    assert_eq!(s.details["phrase"], "In today's fast-paced world");
    assert_eq!(
        s.instruction,
        "Don't open with 'In today's fast-paced world'."
    );
}

#[test]
fn add_phrase_at_the_end() {
    let cta = " Book a demo today.";
    let p = pairs(6, 3, "email", same, |d| format!("{d}{cta}"));
    let s = only(&p, Kind::AddPhrase);
    assert_eq!(s.support, 3);
    assert_eq!(s.details["phrase"], "Book a demo today");
    assert_eq!(s.instruction, "End with 'Book a demo today'.");
}

#[test]
fn shorten_reports_the_ratio() {
    // Keep the first sentence only: drafts are cut hard.
    let long = |b: &str| format!("{b} {b}");
    let p = pairs(6, 6, "email", long, |d| {
        d.split_inclusive(". ").take(2).collect()
    });
    let s = only(&p, Kind::Shorten);
    assert_eq!(s.support, 6);
    let ratio = s.details["ratio"].as_f64().unwrap();
    assert!(ratio < 0.85, "{ratio}");
    assert!(
        s.instruction.starts_with("Drafts are cut to about"),
        "{}",
        s.instruction
    );
}

#[test]
fn lengthen_is_its_opposite() {
    let p = pairs(6, 4, "product description", same, |d| format!("{d} {d}"));
    let s = only(&p, Kind::Lengthen);
    assert_eq!(s.support, 4);
    assert!(s.details["ratio"].as_f64().unwrap() > 1.15);
}

#[test]
fn to_bullets() {
    let p = pairs(5, 3, "email", same, |d| {
        d.split(". ")
            .map(|s| format!("- {}", s.trim_end_matches('.')))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let s = only(&p, Kind::ToBullets);
    assert_eq!(s.support, 3);
    assert_eq!(s.instruction, "Use bullet points for lists of items.");
}

#[test]
fn punctuation_and_emoji() {
    let p = pairs(
        6,
        4,
        "social post",
        |b| format!("Big news! {b} 🚀"),
        |d| d.replace('!', ".").replace(" 🚀", ""),
    );
    let all = suggestions(&p);
    let punct = all
        .iter()
        .find(|s| s.kind == Kind::Punctuation)
        .expect("punctuation");
    assert_eq!(
        (punct.support, punct.details["chars"].as_str()),
        (4, Some("!"))
    );
    assert_eq!(punct.instruction, "Don't use exclamation marks.");
    let emoji = all.iter().find(|s| s.kind == Kind::Emoji).expect("emoji");
    assert_eq!(
        (emoji.support, emoji.details["chars"].as_str()),
        (4, Some("🚀"))
    );
}

#[test]
fn casing_contractions_and_spelling() {
    let p = pairs(
        5,
        3,
        "email",
        |b| format!("Meet The Team. We do not wait. Pick a colour. {b}"),
        |d| {
            d.replace("The Team", "the team")
                .replace("do not", "don't")
                .replace("colour", "color")
        },
    );
    let all = suggestions(&p);
    let kinds: Vec<Kind> = all.iter().map(|s| s.kind).collect();
    for kind in [Kind::Casing, Kind::Contractions, Kind::SpellingVariant] {
        let s = all
            .iter()
            .find(|s| s.kind == kind)
            .unwrap_or_else(|| panic!("{kind:?} missing from {kinds:?}"));
        assert_eq!(s.support, 3, "{kind:?}");
    }
    assert!(
        !kinds.contains(&Kind::ReplaceTerm),
        "these are not term swaps: {all:#?}"
    );
    assert_eq!(
        all.iter()
            .find(|s| s.kind == Kind::Contractions)
            .unwrap()
            .instruction,
        "Use contractions (don't, it's, we're)."
    );
    assert_eq!(
        all.iter()
            .find(|s| s.kind == Kind::SpellingVariant)
            .unwrap()
            .instruction,
        "Use American spelling (color, organize)."
    );
}

#[test]
fn greeting_and_closing() {
    let p = pairs(
        5,
        4,
        "email",
        |b| format!("Hello,\n\n{b}\n\nRegards"),
        |d| {
            d.replace("Hello,", "Hi there,")
                .replace("\n\nRegards", "\n\nThanks,\nSam")
        },
    );
    let all = suggestions(&p);
    let greeting = all
        .iter()
        .find(|s| s.kind == Kind::Greeting)
        .expect("greeting");
    assert_eq!(
        (greeting.support, greeting.details["phrase"].as_str()),
        (4, Some("Hi there,"))
    );
    assert_eq!(greeting.instruction, "Open with 'Hi there,'.");
    let closing = all
        .iter()
        .find(|s| s.kind == Kind::Closing)
        .expect("closing");
    assert_eq!(
        (closing.support, closing.details["phrase"].as_str()),
        (4, Some("Thanks,"))
    );
    assert!(
        all.iter()
            .all(|s| s.kind != Kind::ReplaceTerm || !s.instruction.contains("Hello")),
        "{all:#?}"
    );
}

#[test]
fn a_rule_seen_only_in_emails_is_not_suggested_for_product_copy() {
    let mut p = pairs(
        6,
        4,
        "email",
        |b| format!("We utilize it daily. {b}"),
        |d| d.replace("utilize", "use"),
    );
    p.extend(pairs(
        6,
        1,
        "product description",
        |b| format!("We utilize it daily. {b}"),
        |d| d.replace("utilize", "use"),
    ));
    let all = suggestions(&p);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].doc_type.as_deref(), Some("email"));
}

#[test]
fn one_off_typos_and_rewordings_are_noise() {
    // Every pair fixes a different typo or rewords something once.
    let typos = [
        ("planer", "planner"),
        ("wek", "week"),
        ("calender", "calendar"),
        ("recieve", "receive"),
        ("teh", "the"),
        ("wieghs", "weighs"),
    ];
    let mut p: Vec<Pair> = typos
        .iter()
        .enumerate()
        .map(|(i, (bad, good))| {
            let d = format!("{} {bad} {}", BODIES[i], BODIES[(i + 1) % BODIES.len()]);
            pair(d.clone(), d.replace(bad, good), "email")
        })
        .collect();
    // The same typo fixed in many drafts is still a typo, not a rule.
    p.extend(pairs(
        6,
        6,
        "email",
        |b| format!("Teh plan. {b}"),
        |d| d.replace("Teh", "The"),
    ));
    let rewordings = [("helps", "lets"), ("shows", "lists"), ("quickly", "fast")];
    for (i, (a, b)) in rewordings.iter().enumerate() {
        let d = BODIES[i + 2]
            .replace(' ', &format!(" {a} "))
            .replacen(&format!(" {a} "), " ", 20);
        p.push(pair(
            format!("{d} It {a} you."),
            format!("{d} It {b} you."),
            "email",
        ));
    }
    assert_eq!(suggestions(&p), vec![]);
}

#[test]
fn reports_pairs_distance_and_length_ratio() {
    let p = vec![
        pair(
            "one two three four".into(),
            "one two three four".into(),
            "email",
        ),
        pair("one two three four".into(), "one two".into(), "email"),
    ];
    let report = mine(&p, &patient());
    assert_eq!(report.pairs, 2);
    assert!(
        (report.mean_edit_distance - 0.25).abs() < 1e-9,
        "{}",
        report.mean_edit_distance
    );
    assert!((report.mean_length_ratio - 0.75).abs() < 1e-9);
}

/// The edit distance is the share of the words people changed: words moved about count
/// on both sides of the diff, yet the share never passes all of them.
#[test]
fn the_edit_distance_is_a_share_of_the_words_at_most_all() {
    let p = vec![pair(
        "alpha beta gamma".into(),
        "gamma beta alpha".into(),
        "email",
    )];
    let report = mine(&p, &patient());
    assert_eq!(report.mean_edit_distance, 1.0);
}

/// The word diff stops at its deadline with a coarser (never a wrong) answer: one long
/// sentence where every tenth word changed, diffed with time to spare and with none.
/// Checked by what it returns, not by how long it took.
#[test]
fn the_word_diff_stops_at_its_deadline() {
    let words: Vec<String> = (0..4_000).map(|i| format!("w{i}")).collect();
    let changed: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            if i % 10 == 5 {
                format!("x{i}")
            } else {
                w.clone()
            }
        })
        .collect();
    let (draft, final_text) = (words.join(" "), changed.join(" "));
    let minimal = analyze(
        &draft,
        &final_text,
        Instant::now() + Duration::from_secs(600),
    );
    // 400 words replaced.
    assert_eq!(minimal.edits, 400);
    let cut = analyze(
        &draft,
        &final_text,
        Instant::now() - Duration::from_millis(1),
    );
    assert!(
        cut.edits > minimal.edits,
        "a diff out of time gives up on the fine alignment: {} edits against {}",
        cut.edits,
        minimal.edits
    );
    assert_eq!((cut.draft_words, cut.final_words), (4_000, 4_000));
}

#[test]
fn a_full_rewrite_of_20000_words_respects_the_deadline() {
    let draft: String = (0..20_000).map(|i| format!("w{} ", i * 7 % 1013)).collect();
    let final_text: String = (0..20_000).map(|i| format!("x{} ", i * 11 % 997)).collect();
    let started = Instant::now();
    let a = analyze(
        &draft,
        &final_text,
        Instant::now() + Duration::from_millis(200),
    );
    // A generous ceiling: the point is that it returns rather than running for minutes.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(a.edits >= 20_000);
}

/// The kinds found and their support, leaving out length changes (a by-product of
/// the edits under test, not one of them).
fn found(pairs: &[Pair]) -> Vec<(Kind, u32, String)> {
    let mut all: Vec<(Kind, u32, String)> = suggestions(pairs)
        .into_iter()
        .filter(|s| !matches!(s.kind, Kind::Shorten | Kind::Lengthen))
        .map(|s| (s.kind, s.support, s.key))
        .collect();
    all.sort();
    all
}

#[test]
fn a_sentence_added_right_after_a_fixed_word_is_counted_as_an_addition() {
    // The last word's typo fixed, and a closing line added right after it.
    let p = pairs(
        8,
        5,
        "email",
        |b| format!("{b} See you at the shwo."),
        |d| d.replace("the shwo.", "the show. Reply to save your seat."),
    );
    let s = only(&p, Kind::AddPhrase);
    assert_eq!(s.support, 5);
    assert_eq!(s.details["phrase"], "Reply to save your seat");
    assert_eq!(s.details["position"], "end");
    assert_eq!(found(&p).len(), 1, "{:#?}", found(&p));
}

#[test]
fn an_emoji_removed_beside_a_replaced_word_counts_for_both() {
    let p = pairs(
        8,
        4,
        "social post",
        |b| format!("We utilize 🚀 it daily. {b}"),
        |d| d.replace("utilize 🚀", "use"),
    );
    let kinds: Vec<(Kind, u32)> = found(&p).into_iter().map(|(k, n, _)| (k, n)).collect();
    assert_eq!(kinds, vec![(Kind::ReplaceTerm, 4), (Kind::Emoji, 4)]);
}

#[test]
fn an_emoji_removed_beside_a_repunctuated_clause_counts_for_both() {
    let p = pairs(
        8,
        4,
        "social post",
        |b| format!("Big news!! 🎉 {b}"),
        |d| d.replace("Big news!! 🎉", "Big news."),
    );
    let kinds: Vec<(Kind, u32)> = found(&p).into_iter().map(|(k, n, _)| (k, n)).collect();
    assert_eq!(kinds, vec![(Kind::Punctuation, 4), (Kind::Emoji, 4)]);
}

#[test]
fn a_term_replaced_in_a_sentence_that_was_also_cut_short_counts_for_both() {
    let p = pairs(
        8,
        5,
        "email",
        |b| format!("Teams leverage the planner to map the week, as many experts agree. {b}"),
        |d| {
            d.replace(
                "Teams leverage the planner to map the week, as many experts agree.",
                "Teams use the planner to map the week.",
            )
        },
    );
    let all = found(&p);
    let kinds: Vec<(Kind, u32)> = all.iter().map(|(k, n, _)| (*k, *n)).collect();
    assert_eq!(
        kinds,
        vec![(Kind::ReplaceTerm, 5), (Kind::RemovePhrase, 5)],
        "{all:#?}"
    );
    assert!(all.iter().any(|(_, _, key)| key.contains("leverage")));
}

#[test]
fn a_sentence_cut_next_to_one_added_counts_for_both() {
    let p = pairs(
        8,
        5,
        "email",
        |b| format!("{b} Our experts are the best in the business."),
        |d| {
            d.replace(
                "Our experts are the best in the business.",
                "Reply by Friday to get a quote.",
            )
        },
    );
    let kinds: Vec<(Kind, u32)> = found(&p).into_iter().map(|(k, n, _)| (k, n)).collect();
    assert_eq!(kinds, vec![(Kind::RemovePhrase, 5), (Kind::AddPhrase, 5)]);
}

/// Beyond ASCII a combining mark joins the space before it into one token: text shared
/// by both sides that holds one is segmented whole, not cut there (this panicked, and
/// `mine` lost the rest of the chunk). Every pair keeps its own content type.
#[test]
fn a_combining_mark_after_a_space_in_the_shared_text_is_segmented_whole() {
    let far = Instant::now() + Duration::from_secs(60);
    let a = analyze("a  \u{301}b and more", "a  \u{301}c and more", far);
    assert_eq!((a.draft_words, a.final_words, a.edits), (5, 5, 1));

    let mut pairs = vec![pair(
        "a  \u{301}b and more".into(),
        "a  \u{301}c and more".into(),
        "email",
    )];
    for i in 0..3 {
        let draft = format!("We utilize item {i} daily.");
        pairs.push(pair(draft.clone(), draft.replace("utilize", "use"), "blog"));
    }
    let report = mine(&pairs, &MineOptions::default());
    let term = report
        .suggestions
        .iter()
        .find(|s| s.kind == Kind::ReplaceTerm && s.instruction == "Replace 'utilize' with 'use'.")
        .expect("the blog posts' pattern");
    assert_eq!((term.support, term.doc_type.as_deref()), (3, Some("blog")));
}

/// JSONL lines of `pairs`, numbered from 1, as a reader yields them.
fn jsonl(pairs: &[Pair]) -> Vec<Result<(usize, String), (usize, String)>> {
    pairs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let line = serde_json::json!({"draft": p.draft, "final": p.final_text, "doc_type": p.doc_type});
            Ok((i + 1, line.to_string()))
        })
        .collect()
}

#[test]
fn a_jsonl_stream_is_mined_as_the_same_pairs_in_memory_in_their_order() {
    // Many batches, two content types and edits only in some: a pair handed on out of
    // order or twice changes the supports, the examples or the content types.
    let mut all = pairs(
        300,
        120,
        "email",
        |b| b.replace("teams", "teams utilize"),
        |d| d.replace("utilize", "use"),
    );
    all.extend(pairs(
        300,
        40,
        "blog",
        |b| format!("In today's world, {b}"),
        |d| d.replacen("In today's world, ", "", 1),
    ));
    let mut mined = Vec::new();
    draftloop_core::mining::analyze_jsonl(jsonl(&all).into_iter(), patient().diff_deadline, |m| {
        mined.push(m)
    })
    .unwrap();
    assert_eq!(mined.len(), all.len());
    let in_memory = draftloop_core::mining::analyze_pairs(&all, patient().diff_deadline);
    for (i, (streamed, kept)) in mined.iter().zip(&in_memory).enumerate() {
        assert_eq!(streamed.doc_type, kept.doc_type, "pair {i}");
        assert_eq!(streamed.analysis.edits, kept.analysis.edits, "pair {i}");
        assert_eq!(
            streamed.analysis.draft_words, kept.analysis.draft_words,
            "pair {i}"
        );
    }
    let options = patient();
    let report = draftloop_core::mining::aggregate(&mined, &options);
    assert_eq!(report, mine(&all, &options));
    assert!(!report.suggestions.is_empty());
}

#[test]
fn mining_a_jsonl_stream_stops_at_its_first_bad_line() {
    let all = pairs(
        400,
        100,
        "email",
        |b| b.to_owned(),
        |d| d.replace("The ", "A "),
    );
    let mut lines = jsonl(&all);
    // Two bad lines in different batches: the first one is named, and nothing at or
    // after it was handed on.
    lines[149] = Ok((150, "{\"draft\": 1}".into()));
    lines[289] = Ok((290, "not json".into()));
    let mut seen = 0;
    let err = draftloop_core::mining::analyze_jsonl(
        lines.clone().into_iter(),
        patient().diff_deadline,
        |_| seen += 1,
    )
    .unwrap_err();
    assert_eq!(err.0, 150, "{err:?}");
    assert!(
        err.1.contains("not a {\"draft\", \"final\"} object"),
        "{err:?}"
    );
    assert_eq!(seen, 149);

    // A line that cannot be read ends it there, unless a bad line came first.
    let mut unreadable = jsonl(&all);
    unreadable[300] = Err((301, "stream did not contain valid UTF-8".into()));
    let mut seen = 0;
    let err = draftloop_core::mining::analyze_jsonl(
        unreadable.into_iter(),
        patient().diff_deadline,
        |_| seen += 1,
    )
    .unwrap_err();
    assert_eq!(err, (301, "stream did not contain valid UTF-8".to_owned()));
    assert_eq!(seen, 300);
    lines[300] = Err((301, "stream did not contain valid UTF-8".into()));
    let err =
        draftloop_core::mining::analyze_jsonl(lines.into_iter(), patient().diff_deadline, |_| {})
            .unwrap_err();
    assert_eq!(err.0, 150);
}
