//! `draftloop mine` on JSONL pairs: the JSON contract and clear errors.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

use std::io::Write;
use std::process::Command;

fn mine(args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_draftloop"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("mine")
        .args(args)
        .output()
        .unwrap()
}

fn jsonl(lines: &[String]) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    for l in lines {
        writeln!(f, "{l}").unwrap();
    }
    f
}

fn pairs() -> Vec<String> {
    (0..5)
        .map(|i| {
            let draft = format!("We utilize planner number {i} every day. It ships on Monday!");
            let final_text = draft.replace("utilize", "use");
            serde_json::json!({"draft": draft, "final": final_text, "doc_type": "email"})
                .to_string()
        })
        .chain(std::iter::once(
            serde_json::json!({"draft": "Unchanged text.", "final": "Unchanged text."}).to_string(),
        ))
        .collect()
}

#[test]
fn prints_the_report_as_json() {
    let file = jsonl(&pairs());
    let out = mine(&["--pairs", file.path().to_str().unwrap(), "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["pairs"], 6);
    assert!(report["mean_edit_distance"].as_f64().unwrap() > 0.0);
    assert!((report["mean_length_ratio"].as_f64().unwrap() - 1.0).abs() < 1e-9);
    let s = &report["suggestions"][0];
    assert_eq!(report["suggestions"].as_array().unwrap().len(), 1);
    assert_eq!(s["kind"], "replace_term");
    assert_eq!(s["instruction"], "Replace 'utilize' with 'use'.");
    assert_eq!(s["support"], 5);
    assert_eq!(s["doc_type"], "email");
    assert!(s["impact"].as_f64().unwrap() > 0.99);
    assert_eq!(
        s["details"],
        serde_json::json!({"from": "utilize", "to": "use"})
    );
    assert!(s["examples"][0]["before"]
        .as_str()
        .unwrap()
        .contains("utilize"));
    assert!(s["examples"][0]["after"].as_str().unwrap().contains("use"));
}

#[test]
fn prints_a_table_for_people() {
    let file = jsonl(&pairs());
    let out = mine(&[
        "--pairs",
        file.path().to_str().unwrap(),
        "--format",
        "table",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("6 pairs · mean edit distance"), "{text}");
    assert!(
        text.contains("5/6")
            && text.contains("replace_term")
            && text.contains("Replace 'utilize' with 'use'."),
        "{text}"
    );
}

#[test]
fn a_malformed_line_is_named_and_nothing_is_printed() {
    let mut lines = pairs();
    lines.insert(3, r#"{"draft": "no final here"}"#.into());
    let file = jsonl(&lines);
    let out = mine(&["--pairs", file.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: line 4: "), "{err}");
    assert_eq!(err.lines().count(), 1);
}

/// `--project P --author A`: one author's documents alone (an imported record's author
/// is its reviewer, who kept the text); an author with none there is refused.
#[test]
fn mines_one_authors_documents() {
    let dir = tempfile::tempdir().unwrap();
    let history = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/interop/history.jsonl"
    );
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_draftloop"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["import", history]).status.success());
    let pairs = |author: Option<&str>| {
        let mut args = vec!["mine", "--project", "Spring launch", "--format", "json"];
        args.extend(author.map(|a| ["--author", a]).into_iter().flatten());
        let out = run(&args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["pairs"]
            .as_u64()
            .unwrap()
    };
    // history.jsonl: dana kept 7 drafts' texts, lee 6, in Spring launch.
    assert_eq!(pairs(Some("dana")), 7);
    assert_eq!(pairs(Some("lee")), 6);
    assert_eq!(pairs(None), 13);

    let out = run(&["mine", "--project", "Spring launch", "--author", "nobody"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("no document in this project is by \"nobody\"; its authors: dana, lee"),
        "{err}"
    );
    let out = run(&["mine", "--pairs", history, "--author", "dana"]);
    assert_eq!(out.status.code(), Some(2), "--author needs --project");
}
