//! Datasets out and history in: each format's fields, ids that link back, splits by
//! document, redaction, de-duplication, and imports that round-trip, roll back and do
//! not duplicate.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

mod common;

use std::io::Cursor;
use std::path::Path;

use draftloop_core::document::DocumentText;
use draftloop_core::export::{ExportOptions, Filters, Format, MinRating};
use draftloop_core::feedback::{Feedback, Verdict};
use draftloop_core::{Actor, ErrorKind, Workspace};
use serde_json::{json, Value};

/// Ten records: two projects, edits, thumbs, ratings, tags, decisions, a reviewer.
fn history() -> String {
    let mut lines = Vec::new();
    for i in 0..10 {
        let edited = i % 2 == 0;
        lines.push(json!({
            "project": if i < 7 { "Spring" } else { "Autumn" },
            "doc_type": "email",
            "system": "You write short launch emails.",
            "prompt": format!("Write email number {i} about the spring sale."),
            "draft": format!("Dear customer, our spring sale number {i} starts Monday! Buy now!"),
            "final": if edited { Some(format!("Hi there, sale {i} starts Monday. Shop today.")) } else { None },
            "model": "gpt-test",
            "thumb": if i % 3 == 0 { "down" } else { "up" },
            "ratings": {"clarity": 1 + (i % 5), "tone": 5 - (i % 5)},
            "tags": if i % 4 == 0 { vec!["too-long"] } else { vec![] },
            "comment": "Imported comment",
            "decision": if i % 2 == 0 { "approved" } else { "rejected" },
            "reviewer": if i % 2 == 0 { "dana" } else { "lee" },
            "created_at": format!("2026-0{}-15T10:00:00Z", 1 + i % 9),
        }).to_string());
    }
    lines.join("\n") + "\n"
}

fn imported(dir: &Path) -> Workspace {
    let mut ws = Workspace::open(dir, Actor::new("test:importer")).unwrap();
    let summary = ws
        .import_jsonl(Cursor::new(history()), "history.jsonl")
        .unwrap();
    assert_eq!((summary.records, summary.imported), (10, 10));
    ws
}

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn export(
    ws: &Workspace,
    opts: &ExportOptions,
    out: &Path,
) -> draftloop_core::export::ExportSummary {
    ws.export(opts, out, |_| true).unwrap()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

fn is_message(m: &Value) -> bool {
    keys(m) == ["content", "role"] && m["content"].as_str().is_some_and(|c| !c.is_empty())
}

#[test]
fn each_format_has_exactly_its_fields_and_links_back() {
    let dir = tempfile::tempdir().unwrap();
    let ws = imported(dir.path());
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let generation_ids: Vec<String> = ws
        .documents(None)
        .unwrap()
        .iter()
        .map(|d| {
            ws.revisions(&d.id).unwrap()[0]
                .generation_id
                .clone()
                .unwrap()
        })
        .collect();

    let check_metadata = |row: &Value| {
        let m = &row["metadata"];
        assert_eq!(
            keys(m),
            [
                "document_id",
                "feedback_ids",
                "generation_id",
                "prompt_version_id"
            ]
        );
        assert!(generation_ids.contains(&m["generation_id"].as_str().unwrap().to_owned()));
        assert!(!m["feedback_ids"].as_array().unwrap().is_empty());
    };

    // SFT: the kept text (5 edited) or the approved draft (none unedited are approved).
    let rows = {
        let path = out.join("sft.jsonl");
        export(&ws, &ExportOptions::new(Format::Sft), &path);
        jsonl(&path)
    };
    assert_eq!(rows.len(), 5);
    for row in &rows {
        assert_eq!(keys(row), ["messages", "metadata"]);
        let roles: Vec<&str> = row["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["role"].as_str().unwrap())
            .collect();
        assert_eq!(roles, ["system", "user", "assistant"]);
        assert!(row["messages"].as_array().unwrap().iter().all(is_message));
        assert!(row["messages"][2]["content"]
            .as_str()
            .unwrap()
            .starts_with("Hi there"));
        check_metadata(row);
    }

    // DPO: chosen is what people kept, rejected the draft.
    for (format, shape) in [
        (Format::Dpo, ["chosen", "metadata", "prompt", "rejected"]),
        (
            Format::OpenaiDpo,
            [
                "input",
                "metadata",
                "non_preferred_output",
                "preferred_output",
            ],
        ),
    ] {
        let path = out.join(format!("{}.jsonl", format.name()));
        export(&ws, &ExportOptions::new(format), &path);
        let rows = jsonl(&path);
        assert_eq!(rows.len(), 5, "{}", format.name());
        for row in &rows {
            assert_eq!(keys(row), shape);
            check_metadata(row);
            let (prompt, chosen, rejected) = match format {
                Format::Dpo => (&row["prompt"], &row["chosen"], &row["rejected"]),
                _ => (
                    &row["input"]["messages"],
                    &row["preferred_output"],
                    &row["non_preferred_output"],
                ),
            };
            assert!(prompt.as_array().unwrap().iter().all(is_message));
            assert_eq!(chosen.as_array().unwrap().len(), 1);
            assert_eq!(chosen[0]["role"], "assistant");
            assert_eq!(rejected[0]["role"], "assistant");
            assert!(chosen[0]["content"]
                .as_str()
                .unwrap()
                .starts_with("Hi there"));
            assert!(rejected[0]["content"]
                .as_str()
                .unwrap()
                .starts_with("Dear customer"));
        }
    }

    // KTO: a label from the decision, for every generation.
    let path = out.join("kto.jsonl");
    export(&ws, &ExportOptions::new(Format::Kto), &path);
    let rows = jsonl(&path);
    assert_eq!(rows.len(), 10);
    for row in &rows {
        assert_eq!(keys(row), ["completion", "label", "metadata", "prompt"]);
        assert!(row["label"].is_boolean());
        assert_eq!(row["completion"][0]["role"], "assistant");
    }
    assert_eq!(rows.iter().filter(|r| r["label"] == true).count(), 5);

    // Ratings: one row per generation, each dimension's latest rating.
    let path = out.join("ratings.jsonl");
    export(&ws, &ExportOptions::new(Format::Ratings), &path);
    let rows = jsonl(&path);
    assert_eq!(rows.len(), 10);
    assert_eq!(
        keys(&rows[0]),
        [
            "content_type",
            "created_at",
            "decision",
            "document_id",
            "final",
            "generation_id",
            "metadata",
            "model",
            "output",
            "project",
            "prompt",
            "prompt_version_id",
            "ratings",
            "reviewer",
            "status",
            "system",
            "tags",
            "thumb"
        ]
    );
    assert!(rows[0]["ratings"]["clarity"].is_i64());
    assert!(["up", "down"].contains(&rows[0]["thumb"].as_str().unwrap()));
    assert!(["dana", "lee"].contains(&rows[0]["reviewer"].as_str().unwrap()));

    // CSV: a header and ten rows; Parquet: a file starting and ending with PAR1.
    let path = out.join("ratings.csv");
    export(&ws, &ExportOptions::new(Format::Csv), &path);
    let csv = std::fs::read_to_string(&path).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("generation_id,document_id,project,"),
        "{header}"
    );
    assert!(
        header.ends_with(",accuracy,clarity,tone,concision"),
        "{header}"
    );
    assert_eq!(csv.lines().count(), 11);
    let path = out.join("ratings.parquet");
    export(&ws, &ExportOptions::new(Format::Parquet), &path);
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..4], b"PAR1");
    assert_eq!(&bytes[bytes.len() - 4..], b"PAR1");
}

#[test]
fn filters_narrow_what_goes_out() {
    let dir = tempfile::tempdir().unwrap();
    let ws = imported(dir.path());
    let count = |filters: Filters| {
        ws.export_preview(
            &ExportOptions {
                filters,
                ..ExportOptions::new(Format::Ratings)
            },
            0,
        )
        .unwrap()
        .rows
    };
    assert_eq!(count(Filters::default()), 10);
    assert_eq!(
        count(Filters {
            project: Some("autumn".into()),
            ..Filters::default()
        }),
        3
    );
    assert_eq!(
        count(Filters {
            status: Some("approved".into()),
            ..Filters::default()
        }),
        5
    );
    assert_eq!(
        count(Filters {
            reviewer: Some("lee".into()),
            ..Filters::default()
        }),
        5
    );
    assert_eq!(
        count(Filters {
            tags: vec!["too-long".into()],
            ..Filters::default()
        }),
        3
    );
    assert_eq!(
        count(Filters {
            since: Some("2026-05-01".into()),
            ..Filters::default()
        }),
        5
    );
    assert_eq!(
        count(Filters {
            until: Some("2026-03-01".into()),
            ..Filters::default()
        }),
        3
    );
    let min = |dimension: &str, value| {
        vec![MinRating {
            dimension: dimension.into(),
            value,
        }]
    };
    assert_eq!(
        count(Filters {
            min_ratings: min("clarity", 4),
            ..Filters::default()
        }),
        4
    );
    let err = ws
        .export_preview(
            &ExportOptions {
                filters: Filters {
                    since: Some("last week".into()),
                    ..Filters::default()
                },
                ..ExportOptions::new(Format::Sft)
            },
            0,
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[test]
fn splits_keep_each_document_on_one_side_and_are_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let ws = imported(dir.path());
    let opts = ExportOptions {
        split: Some(0.3),
        card: true,
        ..ExportOptions::new(Format::Kto)
    };
    let side = |out: &Path| {
        let summary = export(&ws, &opts, out);
        assert_eq!(summary.train_rows + summary.eval_rows, 10);
        let ids = |name: &str| -> Vec<String> {
            jsonl(&out.join(name))
                .iter()
                .map(|r| r["metadata"]["document_id"].as_str().unwrap().to_owned())
                .collect()
        };
        (ids("train.jsonl"), ids("eval.jsonl"))
    };
    let (train, eval) = side(&dir.path().join("a"));
    // Whatever the ids' hashes say, ten documents leave each side at least one.
    assert!(!train.is_empty() && !eval.is_empty(), "{train:?} {eval:?}");
    assert!(
        train.iter().all(|d| !eval.contains(d)),
        "no document on both sides"
    );
    assert_eq!(side(&dir.path().join("b")), (train, eval));
    let card = std::fs::read_to_string(dir.path().join("a/README.md")).unwrap();
    assert!(card.contains("train,") && card.contains("eval"), "{card}");

    // The guarantee holds for the documents the export keeps, not those it read: three
    // documents are tagged too-long.
    let tagged = ExportOptions {
        filters: Filters {
            tags: vec!["too-long".into()],
            ..Filters::default()
        },
        ..opts.clone()
    };
    let out = dir.path().join("tagged");
    let summary = export(&ws, &tagged, &out);
    assert_eq!(summary.train_rows + summary.eval_rows, 3);
    assert!(
        summary.train_rows >= 1 && summary.eval_rows >= 1,
        "{summary:?}"
    );
}

#[test]
fn redaction_masks_each_pattern_and_the_card_counts_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path(), Actor::new("test:importer")).unwrap();
    let record = json!({
        "project": "Support", "prompt": "Reply to jane@example.com, phone +44 20 7946 0958.",
        "draft": "We refunded card 4111 1111 1111 1111 to DE89 3704 0044 0532 0130 00 with key sk-proj-abcdef1234567890XYZ.",
        "thumb": "up",
    });
    ws.import_jsonl(Cursor::new(record.to_string()), "support.jsonl")
        .unwrap();
    let path = dir.path().join("kto.jsonl");
    let summary = export(
        &ws,
        &ExportOptions {
            redact: true,
            card: true,
            ..ExportOptions::new(Format::Kto)
        },
        &path,
    );
    let text = std::fs::read_to_string(&path).unwrap();
    for secret in ["jane@example.com", "7946", "4111", "DE89", "sk-proj"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    for label in ["[EMAIL]", "[PHONE]", "[CARD]", "[IBAN]", "[SECRET]"] {
        assert!(text.contains(label), "{label} missing: {text}");
    }
    let m = &summary.masked;
    assert_eq!(
        (m.emails, m.phones, m.cards, m.ibans, m.secrets),
        (1, 1, 1, 1, 1)
    );
    let card = std::fs::read_to_string(dir.path().join("kto.jsonl.card.md")).unwrap();
    assert!(
        card.contains("1 emails, 1 phone numbers, 1 card numbers, 1 IBANs, 1 secrets"),
        "{card}"
    );
}

#[test]
fn identical_rows_are_written_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path(), Actor::new("test:importer")).unwrap();
    let a = json!({"project": "P", "prompt": "Same prompt", "draft": "Same answer", "thumb": "up", "created_at": "2026-01-01T00:00:00Z"});
    let b = json!({"project": "P", "prompt": "Same prompt", "draft": "Same answer", "thumb": "up", "created_at": "2026-01-02T00:00:00Z"});
    ws.import_jsonl(Cursor::new(format!("{a}\n{b}\n")), "dupes.jsonl")
        .unwrap();
    let path = dir.path().join("kto.jsonl");
    let summary = export(&ws, &ExportOptions::new(Format::Kto), &path);
    assert_eq!((summary.train_rows, summary.duplicates), (1, 1));
}

#[test]
fn several_formats_in_one_pass_write_what_each_export_writes_alone() {
    let dir = tempfile::tempdir().unwrap();
    let ws = imported(dir.path());
    let mut opts = ExportOptions::new(Format::Dpo);
    opts.split = Some(0.3);
    opts.card = true;
    let formats = [Format::Dpo, Format::Kto, Format::Parquet, Format::Csv];
    let together = dir.path().join("together");
    let outs: Vec<_> = formats
        .iter()
        .map(|f| (*f, together.join(f.name())))
        .collect();
    let mut progress = Vec::new();
    let summaries = ws
        .export_formats(&opts, &outs, |p| {
            progress.push(p.done);
            true
        })
        .unwrap();
    assert_eq!(
        progress.last(),
        Some(&10),
        "one pass over the ten generations"
    );
    for (format, summary) in formats.iter().zip(&summaries) {
        let alone = dir.path().join("alone").join(format.name());
        let single = export(
            &ws,
            &ExportOptions {
                format: *format,
                ..opts.clone()
            },
            &alone,
        );
        assert_eq!(summary.format, format.name());
        assert_eq!(
            (summary.train_rows, summary.eval_rows, summary.generations),
            (single.train_rows, single.eval_rows, single.generations)
        );
        for side in ["train", "eval"] {
            let file = format!("{side}.{}", format.extension());
            assert_eq!(
                std::fs::read(together.join(format.name()).join(&file)).unwrap(),
                std::fs::read(alone.join(&file)).unwrap(),
                "{} {file}",
                format.name()
            );
        }
        assert!(together.join(format.name()).join("README.md").exists());
    }
}

#[test]
fn a_format_that_cannot_be_written_leaves_no_file_of_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let ws = imported(dir.path());
    let opts = ExportOptions::new(Format::Dpo);
    let good = dir.path().join("dpo.jsonl");
    // A folder that cannot be made: a file is where it would go.
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, "").unwrap();
    let outs = [
        (Format::Dpo, good.clone()),
        (Format::Kto, blocker.join("kto.jsonl")),
    ];
    let err = ws.export_formats(&opts, &outs, |_| true).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("jsonl"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // The same format twice is refused before anything is written.
    let twice = [
        (Format::Dpo, good.clone()),
        (Format::Dpo, dir.path().join("again.jsonl")),
    ];
    assert!(ws.export_formats(&opts, &twice, |_| true).is_err());
    assert!(!good.exists());
}

#[test]
fn an_export_makes_the_folder_it_writes_into() {
    let dir = tempfile::tempdir().unwrap();
    let ws = imported(dir.path());
    let opts = ExportOptions::new(Format::Dpo);
    let out = dir
        .path()
        .join("Documents")
        .join("Draftloop exports")
        .join("dpo.jsonl");
    ws.export_formats(&opts, &[(Format::Dpo, out.clone())], |_| true)
        .unwrap();
    assert!(!std::fs::read_to_string(&out).unwrap().is_empty());
}

#[test]
fn a_cancelled_export_leaves_no_file_of_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path(), Actor::new("test:importer")).unwrap();
    // Enough generations for progress to be asked before the end.
    let lines: String = (0..600)
        .map(|i| {
            json!({"project": "P", "prompt": format!("Prompt {i}"), "draft": format!("Draft {i} here."),
                   "final": format!("Final {i}, edited well."), "thumb": "up"})
            .to_string()
                + "\n"
        })
        .collect();
    ws.import_jsonl(Cursor::new(lines), "many.jsonl").unwrap();
    let (dpo, parquet) = (dir.path().join("dpo.jsonl"), dir.path().join("r.parquet"));
    let outs = [
        (Format::Dpo, dpo.clone()),
        (Format::Parquet, parquet.clone()),
    ];
    let mut asked = 0;
    let summaries = ws
        .export_formats(&ExportOptions::new(Format::Dpo), &outs, |_| {
            asked += 1;
            false
        })
        .unwrap();
    assert_eq!(asked, 1);
    assert!(summaries.iter().all(|s| s.cancelled));
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("draftloop.db") && n != "exports-under-way")
        .collect();
    assert!(left.is_empty(), "{left:?}");
    assert!(!dpo.exists() && !parquet.exists());
    // Nor a note of it as an export under way.
    let notes = std::fs::read_dir(dir.path().join("exports-under-way")).unwrap();
    assert_eq!(notes.count(), 0);
}

#[test]
fn imported_projects_are_checked_as_the_app_checks_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path(), Actor::new("test:importer")).unwrap();
    let line = |project: &str| json!({"project": project, "prompt": "p", "draft": "d"}).to_string();
    let long = "P".repeat(121);
    let err = ws
        .import_jsonl(
            Cursor::new(format!("{}\n{}\n", line("Spring"), line(&long))),
            "long.jsonl",
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(
        err.to_string(),
        "line 2: a project name can be at most 120 characters"
    );
    assert!(ws.projects().unwrap().is_empty(), "nothing written");
    // A name with spaces around it is the same project, as in the app.
    let summary = ws
        .import_jsonl(
            Cursor::new(format!("{}\n{}\n", line("Spring"), line("  Spring "))),
            "spaces.jsonl",
        )
        .unwrap();
    assert_eq!(summary.projects_created, ["Spring"]);
    let projects = ws.projects().unwrap();
    assert_eq!(projects.len(), 1);
    assert_eq!(ws.documents(Some(&projects[0].id)).unwrap().len(), 2);
}

#[test]
fn import_round_trips_rolls_back_on_a_bad_line_and_does_not_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = imported(dir.path());
    // Round trip: what went in comes out.
    let path = dir.path().join("ratings.jsonl");
    export(&ws, &ExportOptions::new(Format::Ratings), &path);
    let rows = jsonl(&path);
    let first = rows
        .iter()
        .find(|r| r["prompt"] == "Write email number 0 about the spring sale.")
        .unwrap();
    assert_eq!(first["system"], "You write short launch emails.");
    assert_eq!(
        first["final"],
        "Hi there, sale 0 starts Monday. Shop today."
    );
    assert_eq!(first["decision"], "approve");
    assert_eq!(first["reviewer"], "dana");
    assert_eq!(first["ratings"], json!({"clarity": 1, "tone": 5}));
    assert_eq!(first["tags"], json!(["too-long"]));
    assert_eq!(first["thumb"], "down");
    assert_eq!(first["status"], "approved");
    assert_eq!(first["created_at"], "2026-01-15T10:00:00.000Z");

    // Again: nothing new.
    let again = ws
        .import_jsonl(Cursor::new(history()), "history.jsonl")
        .unwrap();
    assert_eq!((again.imported, again.already_imported), (0, 10));
    assert_eq!(ws.documents(None).unwrap().len(), 10);

    // A bad line: reported by number, nothing kept.
    let before = ws.documents(None).unwrap().len();
    let good = json!({"project": "New", "prompt": "p", "draft": "d"}).to_string();
    for (bad, message) in [
        (
            json!({"project": "New", "prompt": "p", "draft": "d", "thumb": "sideways"}).to_string(),
            "line 2: ",
        ),
        ("{not json".to_owned(), "line 2: not a JSON object"),
        (
            json!({"project": "New", "prompt": "p"}).to_string(),
            "line 2: missing field `draft`",
        ),
        (
            json!({"project": "New", "prompt": "p", "draft": "d", "ratings": {"clarity": 9}})
                .to_string(),
            "line 2: a clarity rating goes from 1 to 5",
        ),
        (
            json!({"project": "New", "prompt": "p", "draft": "d", "created_at": "yesterday"})
                .to_string(),
            "line 2: created_at must be",
        ),
    ] {
        let err = ws
            .import_jsonl(Cursor::new(format!("{good}\n{bad}\n")), "bad.jsonl")
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err.to_string().starts_with(message), "{err}");
        assert_eq!(ws.documents(None).unwrap().len(), before);
        assert!(ws.projects().unwrap().iter().all(|p| p.name != "New"));
    }
}

/// A model revision whose text is its generation's output keeps that text there only;
/// History, restoring and the exports still read it, and a model revision whose text
/// the editor changed keeps its own.
#[test]
fn a_model_revision_keeps_the_output_once_and_reads_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, project) = common::spring(dir.path());
    let (doc, generations) = variants(
        &mut ws,
        &project,
        &["Sale starts Monday.", "Sale starts Tuesday."],
    );
    use_variant(&mut ws, &doc, &generations[1], "Sale starts **Tuesday**.");
    ws.save_document_text(&doc, &DocumentText::markdown("Sale starts Wednesday."))
        .unwrap();

    let revisions = ws.revisions(&doc).unwrap();
    let texts: Vec<_> = revisions
        .iter()
        .map(|r| (r.author_kind.as_str(), r.body_markdown.as_str()))
        .collect();
    assert_eq!(
        texts,
        [
            ("model", "Sale starts Monday."),
            ("model", "Sale starts **Tuesday**.")
        ]
    );
    let conn = rusqlite::Connection::open(dir.path().join(draftloop_core::DATABASE_FILE)).unwrap();
    let stored: Vec<(i64, String)> = conn
        .prepare("SELECT text_is_output, body_markdown FROM revisions ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        stored,
        [(1, String::new()), (0, "Sale starts **Tuesday**.".into())]
    );

    // Restoring the first brings its words back, as a person's revision, after the
    // person's own text is kept.
    let restored = ws.restore_revision(&doc, &revisions[0].id).unwrap();
    assert_eq!(restored.body_markdown, "Sale starts Monday.");
    let after: Vec<_> = ws
        .revisions(&doc)
        .unwrap()
        .into_iter()
        .map(|r| (r.author_kind, r.body_markdown))
        .collect();
    assert_eq!(
        after[2..],
        [
            ("human".into(), "Sale starts Wednesday.".into()),
            ("human".into(), "Sale starts Monday.".into())
        ]
    );
}

/// A document with one request's variants of a draft, the first in the editor.
fn variants(ws: &mut Workspace, project: &str, texts: &[&str]) -> (String, Vec<String>) {
    let doc = ws.create_document(project, "Launch").unwrap().id;
    let made = common::drafted(ws, &doc, None, texts);
    (doc, made.into_iter().map(|g| g.id).collect())
}

fn use_variant(ws: &mut Workspace, doc: &str, generation: &str, text: &str) {
    ws.apply_generation(doc, generation, &DocumentText::markdown(text))
        .unwrap();
}

/// Approves the draft in the editor; the decision's event id.
fn approve(ws: &mut Workspace, doc: &str) -> String {
    let said = Feedback::Decision {
        verdict: Verdict::Approve,
        reason: None,
    };
    ws.record_feedback(doc, None, &said).unwrap().id
}

fn prefer(ws: &mut Workspace, doc: &str, chosen: &str, rejected: &str, tie: bool) {
    let said = Feedback::Preference {
        chosen: chosen.into(),
        rejected: rejected.into(),
        tie,
        reason: None,
    };
    ws.record_feedback(doc, None, &said).unwrap();
}

#[test]
fn preferred_and_approved_variants_are_chosen_over_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let (mut ws, project) = common::spring(dir.path());
    // B is preferred while A is in the editor: the preference is B's.
    let (doc, v) = variants(&mut ws, &project, &["A1", "B1"]);
    prefer(&mut ws, &doc, &v[1], &v[0], false);
    // Of three, the second is used and approved: it is chosen over the other two.
    let (doc, v) = variants(&mut ws, &project, &["A2", "B2", "C2"]);
    use_variant(&mut ws, &doc, &v[1], "B2");
    let approval = approve(&mut ws, &doc);
    // A person changes their mind (A, then B), and then approves A: what they said
    // between the two stands, and only the latest of it.
    let (doc, v) = variants(&mut ws, &project, &["A3", "B3"]);
    prefer(&mut ws, &doc, &v[0], &v[1], false);
    prefer(&mut ws, &doc, &v[1], &v[0], false);
    approve(&mut ws, &doc);
    // A tie prefers neither, and an approval after it does not undo it.
    let (doc, v) = variants(&mut ws, &project, &["A4", "B4"]);
    prefer(&mut ws, &doc, &v[0], &v[1], true);
    approve(&mut ws, &doc);
    // Two variants with the same text teach nothing.
    let (doc, _) = variants(&mut ws, &project, &["Same", "Same"]);
    approve(&mut ws, &doc);

    let path = dir.path().join("dpo.jsonl");
    let summary = export(&ws, &ExportOptions::new(Format::Dpo), &path);
    let rows = jsonl(&path);
    let pairs: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["chosen"][0]["content"].as_str().unwrap(),
                r["rejected"][0]["content"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [("B1", "A1"), ("B2", "A2"), ("B2", "C2"), ("B3", "A3")],
        "{rows:#?}"
    );
    assert_eq!(summary.duplicates, 0);
    let approved = &rows[1]["metadata"]["feedback_ids"];
    assert!(approved.as_array().unwrap().contains(&json!(approval)));
}
