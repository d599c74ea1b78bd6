//! The review gate's command-line contract: prompts, routing, batch, queue, review and
//! audit, run as a pipeline would run them, against a real test LLM server.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use llm_test_server::{TestLlmServer, LOGPROB_MARKER};
use rusqlite::Connection;
use serde_json::Value;

fn draftloop(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_draftloop"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DRAFTLOOP_DATA_DIR")
        .output()
        .expect("run draftloop")
}

/// As another person at the machine (the OS user names the profile).
fn draftloop_as(dir: &Path, user: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_draftloop"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DRAFTLOOP_DATA_DIR")
        .env("USER", user)
        .output()
        .expect("run draftloop")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = draftloop(dir, args);
    assert!(
        out.status.success(),
        "draftloop {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(dir: &Path, args: &[&str]) -> Value {
    serde_json::from_str(&ok(dir, args)).unwrap()
}

/// Exit 2, one line on stderr, and that line.
fn refused(dir: &Path, args: &[&str]) -> String {
    let out = draftloop(dir, args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "draftloop {args:?}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    stderr
}

/// A workspace with project "Spring" (prompt "Write about {{topic}}."), a provider
/// "local" on `server`, and a CSV of `rows` briefs, every third one making the model
/// unsure.
fn setup(dir: &Path, server: &TestLlmServer, rows: usize) -> std::path::PathBuf {
    ok(
        dir,
        &["projects", "add", "Spring", "--content-type", "email"],
    );
    ok(
        dir,
        &[
            "prompts",
            "set",
            "--project",
            "Spring",
            "--system",
            "You write emails.",
            "--template",
            "Write about {{topic}}.",
        ],
    );
    ok(
        dir,
        &[
            "providers",
            "add",
            "local",
            "--kind",
            "openai-compatible",
            "--base-url",
            &server.openai_base(),
            "--model",
            "test-model",
        ],
    );
    let mut csv = String::from("title,topic\n");
    for i in 0..rows {
        let p: f64 = if i % 3 == 0 { 0.6 } else { 0.99 };
        csv.push_str(&format!(
            "Email {i},\"{LOGPROB_MARKER}{}]] product {i}\"\n",
            p.ln()
        ));
    }
    let path = dir.join("briefs.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

fn csv_reader(path: &Path) -> csv::Reader<std::fs::File> {
    csv::Reader::from_path(path).unwrap()
}

fn db(dir: &Path) -> Connection {
    Connection::open(dir.join("draftloop.db")).unwrap()
}

#[test]
fn prompts_and_routing_are_versioned_and_bad_input_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let server = TestLlmServer::start().unwrap();
    setup(d, &server, 1);
    ok(
        d,
        &[
            "prompts",
            "set",
            "--project",
            "Spring",
            "--template",
            "Write a short note on {{topic}}.",
        ],
    );
    let versions = json(
        d,
        &["prompts", "list", "--project", "Spring", "--format", "json"],
    );
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(
        versions[0]["user_template"],
        "Write a short note on {{topic}}."
    );
    assert!(refused(
        d,
        &["prompts", "set", "--project", "Nope", "--template", "x"]
    )
    .contains("Nope"));

    let shown = json(
        d,
        &["routing", "show", "--project", "Spring", "--format", "json"],
    );
    assert_eq!(shown["threshold"], 0.85);
    assert_eq!(shown["auto_approve"], true);
    assert_eq!(shown["audit_sample_rate"], 0.05);
    ok(
        d,
        &[
            "routing",
            "set",
            "--project",
            "Spring",
            "--threshold",
            "0.9",
            "--auto-approve",
            "off",
            "--audit-rate",
            "0.1",
            "--banned",
            "risk-free",
            "--banned",
            "guarantee",
            "--required",
            "Acme",
            "--min-words",
            "5",
            "--max-words",
            "120",
            "--fallback",
            "standard:We will write soon.",
            "--reviews",
            "3",
            "--review-share",
            "0.25",
        ],
    );
    let shown = json(
        d,
        &["routing", "show", "--project", "Spring", "--format", "json"],
    );
    assert_eq!(shown["threshold"], 0.9);
    assert_eq!(shown["auto_approve"], false);
    assert_eq!(
        shown["checks"]["banned"],
        serde_json::json!(["risk-free", "guarantee"])
    );
    assert_eq!(shown["checks"]["required"], serde_json::json!(["Acme"]));
    assert_eq!(shown["checks"]["min_words"], 5);
    assert_eq!(
        shown["multi_review"],
        serde_json::json!({"reviewers": 3, "share": 0.25})
    );
    assert_eq!(
        shown["fallback"],
        serde_json::json!({"kind": "standard", "text": "We will write soon."})
    );
    // Bad input: exit 2, one line, the policy as it was.
    assert!(refused(
        d,
        &[
            "routing",
            "set",
            "--project",
            "Spring",
            "--threshold",
            "1.5"
        ]
    )
    .contains("threshold"));
    assert!(refused(
        d,
        &[
            "routing",
            "set",
            "--project",
            "Spring",
            "--fallback",
            "louder"
        ]
    )
    .contains("fallback"));
    assert!(refused(
        d,
        &[
            "routing",
            "set",
            "--project",
            "Spring",
            "--fallback",
            "provider:ghost"
        ]
    )
    .contains("ghost"));
    assert!(refused(
        d,
        &[
            "routing",
            "set",
            "--project",
            "Spring",
            "--min-words",
            "500"
        ]
    )
    .contains("fewest words"));
    for (reviews, says) in [("7", "2 to 5 reviewers"), ("two", "--reviews")] {
        assert!(refused(
            d,
            &[
                "routing",
                "set",
                "--project",
                "Spring",
                "--reviews",
                reviews
            ]
        )
        .contains(says));
    }
    assert_eq!(
        json(
            d,
            &["routing", "show", "--project", "Spring", "--format", "json"]
        ),
        shown
    );
    let versions: i64 = db(d)
        .query_row("SELECT count(*) FROM routing_versions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(versions, 1);
}

#[test]
fn a_batch_routes_its_rows_and_the_queue_and_review_decide_them() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let server = TestLlmServer::start().unwrap();
    let csv = setup(d, &server, 20);
    ok(
        d,
        &[
            "routing",
            "set",
            "--project",
            "Spring",
            "--audit-rate",
            "0",
            "--fallback",
            "lower-temperature",
        ],
    );
    // A CSV without the template's variable: exit 2, nothing made.
    let bad = d.join("bad.csv");
    std::fs::write(&bad, "title,product\nA,Boots\n").unwrap();
    assert!(refused(
        d,
        &[
            "batch",
            "--project",
            "Spring",
            "--provider",
            "local",
            "--csv",
            bad.to_str().unwrap()
        ]
    )
    .contains("{{topic}}"));
    assert!(refused(
        d,
        &[
            "batch",
            "--project",
            "Spring",
            "--provider",
            "ghost",
            "--csv",
            csv.to_str().unwrap()
        ]
    )
    .contains("ghost"));
    assert_eq!(
        json(d, &["documents", "list", "--format", "json"]),
        serde_json::json!([])
    );
    assert_eq!(server.completions(), 0);

    let counts = json(
        d,
        &[
            "batch",
            "--project",
            "Spring",
            "--provider",
            "local",
            "--csv",
            csv.to_str().unwrap(),
            "--concurrency",
            "4",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        counts,
        serde_json::json!({"rows": 20, "generated": 20, "skipped": 0, "auto_approved": 13, "queued": 7, "failed": 0})
    );
    let docs = json(d, &["documents", "list", "--format", "json"]);
    let statuses: Vec<&str> = docs
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "approved").count(), 13);
    assert_eq!(statuses.iter().filter(|s| **s == "in_review").count(), 7);

    let queue = json(
        d,
        &["queue", "list", "--project", "Spring", "--format", "json"],
    );
    let items = queue.as_array().unwrap();
    assert_eq!(items.len(), 7);
    let mut keys: Vec<&str> = items[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "confidence",
            "document_id",
            "due_at",
            "kind",
            "reasons",
            "reviewed_by_me",
            "reviews_in",
            "reviews_wanted",
            "tier",
            "title"
        ]
    );
    assert_eq!(items[0]["kind"], "review");
    assert_eq!(items[0]["tier"], 1);
    assert!(items[0]["reasons"][0]
        .as_str()
        .unwrap()
        .contains("below the threshold"));
    assert!((items[0]["confidence"].as_f64().unwrap() - 0.6).abs() < 0.01);

    let id = |i: usize| items[i]["document_id"].as_str().unwrap().to_owned();
    // Approve with the reviewer's text.
    let final_md = d.join("final.md");
    std::fs::write(&final_md, "Spring is here: product 0, fresh and ready.").unwrap();
    ok(
        d,
        &[
            "review",
            &id(0),
            "approve",
            "--text-file",
            final_md.to_str().unwrap(),
        ],
    );
    let shown = json(d, &["documents", "show", &id(0), "--format", "json"]);
    assert_eq!(shown["status"], "approved");
    assert_eq!(
        shown["body_markdown"],
        "Spring is here: product 0, fresh and ready."
    );
    // Reject: a reason is required; the fallback runs at a lower temperature.
    assert!(refused(d, &["review", &id(1), "reject"]).contains("why"));
    let before = server.completions();
    let said = ok(d, &["review", &id(1), "reject", "--reason", "off-brand"]);
    assert!(
        said.contains("rejected") && said.contains("fallback"),
        "{said}"
    );
    assert_eq!(server.completions(), before + 1);
    assert_eq!(server.requests().last().unwrap().body["temperature"], 0.5);
    // Escalate: a note is required; the item moves to tier 2.
    assert!(refused(d, &["review", &id(2), "escalate"]).contains("note"));
    ok(
        d,
        &[
            "review",
            &id(2),
            "escalate",
            "--reason",
            "Pricing claim needs legal",
        ],
    );
    let senior = json(d, &["queue", "list", "--tier", "2", "--format", "json"]);
    assert_eq!(senior.as_array().unwrap().len(), 1);
    assert_eq!(senior[0]["document_id"], id(2));
    // Only a senior reviewer (or an admin) decides it now.
    assert!(draftloop_as(d, "bob", &["people", "list"]).status.success());
    assert!(draftloop_as(d, "sam", &["people", "list"]).status.success());
    ok(d, &["people", "set-role", "local:bob", "reviewer"]);
    ok(d, &["people", "set-role", "local:sam", "senior-reviewer"]);
    let out = draftloop_as(d, "bob", &["review", &id(2), "approve"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("senior reviewer"));
    let out = draftloop_as(d, "bob", &["people", "set-role", "local:bob", "admin"]);
    assert_eq!(out.status.code(), Some(2), "only an admin gives roles");
    let out = draftloop_as(d, "sam", &["review", &id(2), "approve"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        json(d, &["documents", "show", &id(2), "--format", "json"])["status"],
        "approved"
    );
    assert!(refused(d, &["review", "no-such-document", "approve"]).contains("not found"));

    // Publish: the approved copy only, as one CSV; those documents are now published.
    let docs = json(d, &["documents", "list", "--format", "json"]);
    let approved = docs
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["status"] == "approved")
        .count();
    let out_dir = d.join("pub");
    let said = ok(
        d,
        &[
            "publish",
            "--project",
            "Spring",
            "--format",
            "csv",
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert!(
        said.contains(&format!("published {approved} approved documents")),
        "{said}"
    );
    let mut published = csv_reader(&out_dir.join("spring.csv"));
    assert_eq!(published.headers().unwrap(), vec!["title", "text"]);
    assert_eq!(published.records().count(), approved);
    let docs = json(d, &["documents", "list", "--format", "json"]);
    assert_eq!(
        docs.as_array()
            .unwrap()
            .iter()
            .filter(|x| x["status"] == "published")
            .count(),
        approved
    );
    assert!(refused(
        d,
        &[
            "publish",
            "--project",
            "Spring",
            "--format",
            "markdown",
            "--out",
            out_dir.to_str().unwrap()
        ]
    )
    .contains("approved"));

    // Pre-inference approval: with the policy on, a batch waits for a reviewer.
    ok(
        d,
        &[
            "routing",
            "set",
            "--project",
            "Spring",
            "--approve-prompts",
            "on",
        ],
    );
    assert!(refused(
        d,
        &[
            "batch",
            "--project",
            "Spring",
            "--provider",
            "local",
            "--csv",
            csv.to_str().unwrap()
        ]
    )
    .contains("approval"));
    ok(d, &["prompts", "approve", "--project", "Spring"]);
    let counts = json(
        d,
        &[
            "batch",
            "--project",
            "Spring",
            "--provider",
            "local",
            "--csv",
            csv.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(counts["skipped"], 20);

    // The audit log verifies and exports whole.
    let said = ok(d, &["audit", "verify"]);
    let entries: i64 = db(d)
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert!(said.contains(&format!("{entries} entries")), "{said}");
    let out = d.join("out/audit.jsonl");
    ok(d, &["audit", "export", "--out", out.to_str().unwrap()]);
    let lines: Vec<Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len() as i64, entries);
    assert!(lines.iter().any(|l| l["action"] == "document.routed"));
}

#[test]
fn a_tampered_audit_entry_is_detected_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["projects", "add", "Spring", "--content-type", "email"]);
    ok(d, &["projects", "add", "Summer", "--content-type", "email"]);
    let id: String = {
        let conn = db(d);
        let id: String = conn
            .query_row("SELECT id FROM audit_log ORDER BY seq LIMIT 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        conn.execute_batch(&format!(
            "DROP TRIGGER audit_log_no_update;
             UPDATE audit_log SET detail = '{{\"name\":\"Autumn\"}}' WHERE id = '{id}';"
        ))
        .unwrap();
        id
    };
    let out = draftloop(d, &["audit", "verify"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(&id), "{stderr}");
}

#[test]
fn a_killed_batch_resumes_and_generates_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let server = TestLlmServer::start().unwrap();
    let csv = setup(d, &server, 30);
    server.set_latency(Duration::from_millis(60));
    let mut child = Command::new(env!("CARGO_BIN_EXE_draftloop"))
        .arg("--data-dir")
        .arg(d)
        .args([
            "batch",
            "--project",
            "Spring",
            "--provider",
            "local",
            "--csv",
            csv.to_str().unwrap(),
            "--concurrency",
            "2",
        ])
        .env_remove("DRAFTLOOP_DATA_DIR")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once it is well under way: six drafts written (a draft is written after
    // its answer, while the worker asks for its next row, so the server's count runs
    // ahead of what is written).
    let written = || -> i64 {
        Connection::open(d.join("draftloop.db"))
            .and_then(|c| {
                c.query_row(
                    "SELECT count(*) FROM generations WHERE error IS NULL",
                    [],
                    |r| r.get(0),
                )
            })
            .unwrap_or(0)
    };
    while written() < 6 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the batch ended before it was killed"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let asked_before = server.completions();
    let drafted_before: i64 = db(d)
        .query_row(
            "SELECT count(*) FROM generations WHERE error IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!((6..30).contains(&drafted_before), "{drafted_before}");
    // Requests the kill cut off left no draft: those rows are asked again, no others.
    let lost = asked_before as i64 - drafted_before;
    server.set_latency(Duration::ZERO);
    let counts = json(
        d,
        &[
            "batch",
            "--project",
            "Spring",
            "--provider",
            "local",
            "--csv",
            csv.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(counts["skipped"].as_i64().unwrap(), drafted_before);
    assert_eq!(counts["generated"].as_i64().unwrap(), 30 - drafted_before);
    assert_eq!(server.completions() as i64, 30 + lost);
    let per_document: Vec<i64> = {
        let conn = db(d);
        let mut stmt = conn
            .prepare("SELECT count(g.id) FROM documents d LEFT JOIN generations g ON g.document_id = d.id AND g.error IS NULL GROUP BY d.id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    assert_eq!(per_document, vec![1; 30]);
}

#[test]
fn metrics_print_the_contracts_keys_and_refuse_bad_input() {
    let server = TestLlmServer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let csv = setup(d, &server, 6);
    ok(
        d,
        &["routing", "set", "--project", "Spring", "--audit-rate", "0"],
    );
    ok(
        d,
        &[
            "batch",
            "--project",
            "Spring",
            "--provider",
            "local",
            "--csv",
            csv.to_str().unwrap(),
        ],
    );
    // Rows 0 and 3 are unsure: one approved as it was, one rejected.
    let queued = json(d, &["queue", "list", "--format", "json"]);
    let ids: Vec<&str> = queued
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["document_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    ok(d, &["review", ids[0], "approve"]);
    ok(d, &["review", ids[1], "reject", "--reason", "tone"]);

    let m = json(d, &["metrics", "--project", "Spring", "--format", "json"]);
    let keys: Vec<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
    for key in [
        "drafts",
        "reviewed",
        "auto_approved",
        "approved",
        "rejected",
        "escalated",
        "intervention_rate",
        "approval_rate",
        "review_time_ms",
        "edit_distance_by_prompt_version",
        "routing",
        "agreement",
    ] {
        assert!(keys.contains(&key), "{key} missing from {keys:?}");
    }
    assert_eq!(
        (
            m["drafts"].as_u64(),
            m["reviewed"].as_u64(),
            m["auto_approved"].as_u64()
        ),
        (Some(6), Some(2), Some(4))
    );
    assert_eq!(
        (
            m["approved"].as_u64(),
            m["rejected"].as_u64(),
            m["escalated"].as_u64()
        ),
        (Some(5), Some(1), Some(0))
    );
    assert_eq!(m["intervention_rate"].as_f64(), Some(1.0 / 6.0));
    assert_eq!(m["approval_rate"].as_f64(), Some(5.0 / 6.0));
    for key in ["median", "p90"] {
        assert!(
            m["review_time_ms"].get(key).is_some(),
            "review_time_ms.{key}"
        );
    }
    let routing = &m["routing"];
    assert_eq!(
        (routing["routed"].as_u64(), routing["over_routed"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(routing["precision"].as_f64(), Some(0.5));
    for key in ["audited", "missed", "over_routed", "precision", "recall"] {
        assert!(routing.get(key).is_some(), "routing.{key}");
    }
    assert!(m["agreement"].get("items").is_some() && m["agreement"].get("alpha").is_some());
    let v = &m["edit_distance_by_prompt_version"][0];
    assert_eq!(
        (v["drafts"].as_u64(), v["mean"].as_f64()),
        (Some(6), Some(0.0))
    );
    assert!(v["prompt_version"].is_string());

    let table = ok(d, &["metrics"]);
    assert!(
        table.contains("intervention rate") && table.contains("16.7%"),
        "{table}"
    );
    assert!(refused(d, &["metrics", "--project", "Ghost"]).contains("Ghost"));
    assert!(refused(d, &["metrics", "--since", "last week"]).contains("--since"));
    assert!(refused(
        d,
        &["metrics", "--since", "2026-02-01", "--until", "2026-01-01"]
    )
    .contains("before"));
    let empty = json(d, &["metrics", "--until", "2020-01-01", "--format", "json"]);
    assert_eq!(
        (empty["drafts"].as_u64(), empty["approval_rate"].is_null()),
        (Some(0), true)
    );
}
