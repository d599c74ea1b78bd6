//! Benchmark: recording feedback through the core against a bare rusqlite insert loop,
//! both durable (WAL, `synchronous = FULL`), in the same run and on the same disk.
//!
//! - one event per call, each committed before the next (what the app does when a
//!   person clicks): core `record_feedback` vs a bare autocommit `INSERT`;
//!   the bare loop writes to a workspace made the same way, so the table, indexes and
//!   foreign keys are the same and the ratio is what the core adds;
//! - batches of 1,000 in one transaction (what an import does): core
//!   `record_feedback_batch` vs a bare loop of `INSERT`s per transaction.
//!
//! `cargo run --release -p draftloop-core --example feedback_bench [EVENTS]`

#![allow(clippy::unwrap_used)] // a benchmark that cannot run should stop loudly

use std::time::{Duration, Instant};

use draftloop_core::document::DocumentText;
use draftloop_core::feedback::{Feedback, FeedbackInput};
use draftloop_core::generation::GenerationContext;
use draftloop_core::llm::{ChatMessage, Completion, CompletionRequest, Role};
use draftloop_core::{Actor, NewProject, Workspace};
use rusqlite::{params, Connection};

const DOCUMENTS: usize = 20;
const BATCH: usize = 1_000;

fn feedback(i: usize) -> Feedback {
    match i % 4 {
        0 => Feedback::Rating {
            dimension: ["accuracy", "clarity", "tone", "concision"][i % 4].into(),
            value: (i % 5) as i32 + 1,
        },
        1 => Feedback::Thumb {
            up: i.is_multiple_of(3),
            reason: None,
            text: None,
        },
        2 => Feedback::Tag {
            tag: "tone".into(),
            span: None,
            removed: i.is_multiple_of(2),
        },
        _ => Feedback::Comment {
            text: format!("Comment number {i} on this draft."),
            span: None,
        },
    }
}

/// A workspace with documents that each hold a model draft.
fn workspace(dir: &std::path::Path) -> (Workspace, Vec<String>) {
    let mut ws = Workspace::open(dir, Actor::new("bench:user")).unwrap();
    let project = ws
        .create_project(&NewProject {
            name: "Bench".into(),
            content_type: "email".into(),
        })
        .unwrap();
    let mut docs = Vec::new();
    for d in 0..DOCUMENTS {
        let doc = ws
            .create_document(&project.id, &format!("Doc {d}"))
            .unwrap();
        let request = CompletionRequest::new("m", vec![ChatMessage::new(Role::User, "write")]);
        let text = "Our spring sale starts Monday. Everything is twenty percent off.";
        let completion = Completion::whole([text]);
        let ctx = GenerationContext {
            document_id: Some(&doc.id),
            provider: "p",
            prompt_version_id: None,
            request: &request,
        };
        let g = ws
            .record_generation(&ctx, &Ok(completion))
            .unwrap()
            .remove(0);
        let body = DocumentText::markdown(text);
        ws.apply_generation(&doc.id, &g.id, &body).unwrap();
        docs.push(doc.id);
    }
    (ws, docs)
}

/// A raw connection to a workspace made the same way: the same table, indexes and
/// foreign keys, the same pragmas; no checks, no context, no revision lookup.
fn bare(dir: &std::path::Path) -> (Connection, Vec<(String, String, String)>) {
    let (ws, docs) = workspace(dir);
    let path = ws.path().to_owned();
    drop(ws);
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
    )
    .unwrap();
    let targets = docs
        .iter()
        .map(|d| {
            conn.query_row(
                "SELECT document_id, generation_id, id FROM revisions WHERE document_id = ?1",
                [d],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
        })
        .collect();
    (conn, targets)
}

fn bare_insert(
    conn: &Connection,
    i: usize,
    (doc, generation, revision): &(String, String, String),
) {
    let f = feedback(i);
    conn.prepare_cached(
        "INSERT INTO feedback_events (id, document_id, generation_id, revision_id, actor, kind, payload, created_at)
         VALUES (?1, ?2, ?3, ?4, 'bench:user', ?5, ?6, ?7)",
    )
    .unwrap()
    .execute(params![
        uuid::Uuid::now_v7().to_string(),
        doc,
        generation,
        revision,
        f.kind(),
        serde_json::to_string(&f).unwrap(),
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    ])
    .unwrap();
}

fn rate(n: usize, t: Duration) -> String {
    format!(
        "{:>9.0} events/s ({:.2} s)",
        n as f64 / t.as_secs_f64(),
        t.as_secs_f64()
    )
}

fn main() {
    let events: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().unwrap())
        .unwrap_or(100_000);
    let single = events;

    println!("one event per call, each durable ({single} events):");
    let (core_dir, bare_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut ws, docs) = workspace(core_dir.path());
    let (conn, targets) = bare(bare_dir.path());
    let start = Instant::now();
    for i in 0..single {
        bare_insert(&conn, i, &targets[i % DOCUMENTS]);
    }
    let bare_single = start.elapsed();
    let start = Instant::now();
    for i in 0..single {
        ws.record_feedback(&docs[i % DOCUMENTS], None, &feedback(i))
            .unwrap();
    }
    let core_single = start.elapsed();
    println!("  bare rusqlite  {}", rate(single, bare_single));
    println!("  core           {}", rate(single, core_single));
    println!(
        "  core / bare time: {:.2}",
        core_single.as_secs_f64() / bare_single.as_secs_f64()
    );

    println!("batches of {BATCH}, each one durable transaction ({events} events):");
    let (core_dir, bare_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut ws, docs) = workspace(core_dir.path());
    let (mut conn, targets) = bare(bare_dir.path());
    let start = Instant::now();
    for chunk in (0..events).collect::<Vec<_>>().chunks(BATCH) {
        let tx = conn.transaction().unwrap();
        for &i in chunk {
            bare_insert(&tx, i, &targets[i % DOCUMENTS]);
        }
        tx.commit().unwrap();
    }
    let bare_batch = start.elapsed();
    let start = Instant::now();
    for chunk in (0..events).collect::<Vec<_>>().chunks(BATCH) {
        let items: Vec<FeedbackInput> = chunk
            .iter()
            .map(|&i| FeedbackInput {
                document_id: docs[i % DOCUMENTS].clone(),
                generation_id: None,
                feedback: feedback(i),
            })
            .collect();
        ws.record_feedback_batch(&items).unwrap();
    }
    let core_batch = start.elapsed();
    let stored: i64 = ws
        .feedback_events(&docs[0])
        .map(|e| e.len() as i64)
        .unwrap();
    assert_eq!(stored as usize, events / DOCUMENTS);
    println!("  bare rusqlite  {}", rate(events, bare_batch));
    println!("  core           {}", rate(events, core_batch));
    println!(
        "  core / bare time: {:.2}",
        core_batch.as_secs_f64() / bare_batch.as_secs_f64()
    );
}
