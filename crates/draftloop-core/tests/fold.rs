//! One reading of the feedback log: after people change their minds, take tags back and
//! tag the same word on the whole draft and on words, the panel, every export format and
//! Insights say the same about each draft.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use draftloop_core::export::{ExportOptions, Format};
use draftloop_core::feedback::{DocumentFeedback, Feedback, Span, Verdict};
use draftloop_core::Workspace;
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use serde_json::Value;

fn span(anchor: &str, quote: &str) -> Option<Span> {
    Some(Span {
        anchor: anchor.into(),
        from: 1,
        to: 1 + quote.len() as u32,
        quote: quote.into(),
    })
}

fn tag(tag: &str, span: Option<Span>, removed: bool) -> Feedback {
    Feedback::Tag {
        tag: tag.into(),
        span,
        removed,
    }
}

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Variant A in the editor, B beside it, and a log in which every kind of change of mind
/// happens once.
struct Scenario {
    _dir: tempfile::TempDir,
    ws: Workspace,
    project: String,
    a: String,
    b: String,
    a_text: &'static str,
    b_text: &'static str,
}

fn scenario() -> Scenario {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, project) = common::spring(dir.path());
    let version = ws
        .save_prompt(&project, "You write emails.", "Write about {{topic}}.")
        .unwrap();
    let doc = ws.create_document(&project, "Launch").unwrap().id;
    let (a_text, b_text) = (
        "Our spring sale starts Monday with new colours.",
        "Spring is here: save on every jacket now.",
    );
    let variants = common::drafted(&mut ws, &doc, Some(&version.id), &[a_text, b_text]);
    let (a, b) = (variants[0].id.clone(), variants[1].id.clone());
    let say = |ws: &mut Workspace, feedback: Feedback| {
        ws.record_feedback(&doc, None, &feedback).unwrap();
    };
    // Changed minds on the thumb and on a rating.
    say(
        &mut ws,
        Feedback::Thumb {
            up: true,
            reason: None,
            text: None,
        },
    );
    say(
        &mut ws,
        Feedback::Thumb {
            up: false,
            reason: Some("tone".into()),
            text: None,
        },
    );
    for value in [2, 4] {
        say(
            &mut ws,
            Feedback::Rating {
                dimension: "clarity".into(),
                value,
            },
        );
    }
    // "tone" on the whole draft and on two places of it; one place taken back, which
    // leaves the whole draft's "tone" and the other place alone.
    say(&mut ws, tag("tone", None, false));
    say(&mut ws, tag("tone", span("s1", "spring sale"), false));
    say(&mut ws, tag("tone", span("s2", "new colours"), false));
    say(&mut ws, tag("tone", span("s1", "spring sale"), true));
    // A tag only on words, and a whole-draft tag given and taken back.
    say(&mut ws, tag("hallucination", span("s3", "Monday"), false));
    say(&mut ws, tag("too-long", None, false));
    say(&mut ws, tag("too-long", None, true));
    // A over B, then B over A: B is preferred now.
    for (chosen, rejected) in [(&a, &b), (&b, &a)] {
        say(
            &mut ws,
            Feedback::Preference {
                chosen: chosen.clone(),
                rejected: rejected.clone(),
                tie: false,
                reason: None,
            },
        );
    }
    // Rejected, then approved.
    for verdict in [Verdict::Reject, Verdict::Approve] {
        say(
            &mut ws,
            Feedback::Decision {
                verdict,
                reason: None,
            },
        );
    }
    Scenario {
        _dir: dir,
        ws,
        project,
        a,
        b,
        a_text,
        b_text,
    }
}

/// The tags the panel shows on a draft: on the whole of it, and on its words.
fn panel_tags(panel: &DocumentFeedback, generation: &str) -> BTreeSet<String> {
    let mut tags: BTreeSet<String> = panel.tags.iter().cloned().collect();
    for note in &panel.spans {
        if note.generation_id.as_deref() == Some(generation) {
            tags.extend(note.tag.clone());
        }
    }
    tags
}

#[test]
fn panel_exports_and_insights_read_the_log_the_same_way() {
    let s = scenario();
    let doc = s.ws.documents(Some(&s.project)).unwrap()[0].id.clone();
    let panel = s.ws.document_feedback(&doc).unwrap();

    // The panel: the latest thumb and rating, the tags in force, the latest decision.
    assert_eq!(panel.generation.as_ref().unwrap().id, s.a);
    assert!(matches!(
        panel.thumb.as_ref().unwrap().feedback,
        Feedback::Thumb { up: false, .. }
    ));
    assert_eq!(panel.ratings.len(), 1);
    assert_eq!(
        (panel.ratings[0].dimension.as_str(), panel.ratings[0].value),
        ("clarity", 4)
    );
    assert_eq!(panel.tags, ["tone"]);
    let spans: Vec<(&str, Option<&str>)> = panel
        .spans
        .iter()
        .map(|n| (n.anchor.as_str(), n.tag.as_deref()))
        .collect();
    assert_eq!(spans, [("s2", Some("tone")), ("s3", Some("hallucination"))]);
    assert!(matches!(
        panel.decision.as_ref().unwrap().feedback,
        Feedback::Decision {
            verdict: Verdict::Approve,
            ..
        }
    ));
    let tags = panel_tags(&panel, &s.a);
    let expected_tags: BTreeSet<String> = ["tone", "hallucination"].map(String::from).into();
    assert_eq!(tags, expected_tags);

    let out = tempfile::tempdir().unwrap();
    let path = |name: &str| out.path().join(name);
    let formats = [
        (Format::Ratings, path("ratings.jsonl")),
        (Format::Csv, path("ratings.csv")),
        (Format::Parquet, path("ratings.parquet")),
        (Format::Sft, path("sft.jsonl")),
        (Format::OpenaiSft, path("openai-sft.jsonl")),
        (Format::Dpo, path("dpo.jsonl")),
        (Format::OpenaiDpo, path("openai-dpo.jsonl")),
        (Format::Kto, path("kto.jsonl")),
    ];
    s.ws.export_formats(&ExportOptions::new(Format::Ratings), &formats, |_| true)
        .unwrap();

    // Ratings JSONL: the panel's thumb, rating, tags and decision on A; nothing on B.
    let rows = jsonl(&path("ratings.jsonl"));
    let row = |id: &str| rows.iter().find(|r| r["generation_id"] == id).unwrap();
    let a = row(&s.a);
    assert_eq!(a["thumb"], "down");
    assert_eq!(a["ratings"]["clarity"], 4);
    assert_eq!(a["decision"], "approve");
    assert_eq!(a["reviewer"], "test:alice");
    let exported: BTreeSet<String> = a["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(exported, tags, "the export's tags are the panel's");
    let b = row(&s.b);
    assert!(b["thumb"].is_null() && b["decision"].is_null());
    assert_eq!(b["tags"], serde_json::json!([]));

    // CSV: the same cells.
    let csv = std::fs::read_to_string(path("ratings.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let a_line: Vec<&str> = lines
        .find(|l| l.starts_with(s.a.as_str()))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(a_line[col("thumb")], "down");
    assert_eq!(a_line[col("decision")], "approve");
    assert_eq!(a_line[col("clarity")], "4");
    let csv_tags: BTreeSet<String> = a_line[col("tags")].split("; ").map(str::to_owned).collect();
    assert_eq!(csv_tags, tags);

    // Parquet: the same cells.
    let reader =
        SerializedFileReader::new(std::fs::File::open(path("ratings.parquet")).unwrap()).unwrap();
    let mut seen = false;
    for row in reader.get_row_iter(None).unwrap() {
        let row = row.unwrap();
        let cell = |name: &str| {
            row.get_column_iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(_, f)| f.clone())
                .unwrap()
        };
        if cell("generation_id") != Field::Str(s.a.clone()) {
            continue;
        }
        seen = true;
        assert_eq!(cell("thumb"), Field::Str("down".into()));
        assert_eq!(cell("decision"), Field::Str("approve".into()));
        assert_eq!(cell("clarity"), Field::Int(4));
        let Field::Str(t) = cell("tags") else {
            panic!("tags are text")
        };
        assert_eq!(
            t.split("; ").map(str::to_owned).collect::<BTreeSet<_>>(),
            tags
        );
    }
    assert!(seen, "A is in the Parquet table");

    // SFT (both kinds): the approved draft, A, and only it.
    for name in ["sft.jsonl", "openai-sft.jsonl"] {
        let rows = jsonl(&path(name));
        assert_eq!(rows.len(), 1, "{name}");
        let messages = rows[0]["messages"].as_array().unwrap();
        assert_eq!(messages.last().unwrap()["content"], s.a_text, "{name}");
    }

    // DPO (both kinds): B over A, by the standing preference; the approval of A does
    // not overrule what the person compared.
    let dpo = jsonl(&path("dpo.jsonl"));
    assert_eq!(dpo.len(), 1);
    assert_eq!(dpo[0]["chosen"][0]["content"], s.b_text);
    assert_eq!(dpo[0]["rejected"][0]["content"], s.a_text);
    let openai = jsonl(&path("openai-dpo.jsonl"));
    assert_eq!(openai.len(), 1);
    assert_eq!(openai[0]["preferred_output"][0]["content"], s.b_text);
    assert_eq!(openai[0]["non_preferred_output"][0]["content"], s.a_text);

    // KTO: A is desirable by its latest decision; B has no label.
    let kto = jsonl(&path("kto.jsonl"));
    assert_eq!(kto.len(), 1);
    assert_eq!(kto[0]["completion"][0]["content"], s.a_text);
    assert_eq!(kto[0]["label"], true);

    // Insights: one draft of the prompt version decided, and approved.
    let insights = s.ws.insights(&s.project).unwrap();
    assert_eq!(insights.curve.len(), 1);
    assert_eq!(insights.curve[0].approval_rate, Some(1.0));
}

#[test]
fn events_fold_by_time_then_id_whatever_order_they_are_read_in() {
    use draftloop_core::feedback::{FeedbackEvent, Fold};
    let event = |id: &str, at: &str, up: bool| FeedbackEvent {
        id: id.into(),
        document_id: Some("d".into()),
        generation_id: Some("g".into()),
        revision_id: None,
        actor: "test:alice".into(),
        person_id: "p".into(),
        device_id: "d".into(),
        created_at: at.into(),
        feedback: Feedback::Thumb {
            up,
            reason: None,
            text: None,
        },
    };
    // An imported event's time is earlier than its id says: time wins.
    let events = [
        event("0002", "2026-01-01T00:00:00.000Z", true),
        event("0001", "2026-02-01T00:00:00.000Z", false),
        event("0003", "2026-02-01T00:00:00.000Z", true),
    ];
    for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
        let shuffled: Vec<FeedbackEvent> = order.iter().map(|&i| events[i].clone()).collect();
        let fold = Fold::of(&shuffled);
        assert_eq!(fold.generation("g").thumb.unwrap().id, "0003");
        assert_eq!(fold.generation("g").thumb_up(), Some(true));
    }
}

#[test]
fn feedback_on_a_document_with_no_draft_shows_in_its_panel() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, project) = common::spring(dir.path());
    let doc = ws.create_document(&project, "Written alone").unwrap().id;
    let rate = |ws: &mut Workspace, value| {
        ws.record_feedback(
            &doc,
            None,
            &Feedback::Rating {
                dimension: "clarity".into(),
                value,
            },
        )
        .unwrap();
    };
    rate(&mut ws, 2);
    rate(&mut ws, 5);
    ws.record_feedback(&doc, None, &tag("tone", None, false))
        .unwrap();
    let panel = ws.document_feedback(&doc).unwrap();
    assert!(panel.generation.is_none());
    assert_eq!(panel.ratings.len(), 1);
    assert_eq!(panel.ratings[0].value, 5);
    assert_eq!(panel.tags, ["tone"]);
}
