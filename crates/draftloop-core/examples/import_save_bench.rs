//! Benchmark: how long a save of a document takes while a large import runs, against
//! the same saves with nothing else running, in the same run on the same workspace.
//!
//! The import runs as the app runs it (`Core::import`: a connection of its own,
//! 1,000 records per transaction, on a blocking thread); the saves go through
//! `Core::with` on the shared workspace, one every 20 ms, each durable (WAL,
//! `synchronous = FULL`) before the next, as the editor's autosave does. One thread
//! imports, one saves.
//!
//! `cargo run --release -p draftloop-core --example import_save_bench [RECORDS]`

#![allow(clippy::unwrap_used)] // a benchmark that cannot run should stop loudly

use std::sync::Arc;
use std::time::{Duration, Instant};

use draftloop_core::document::DocumentText;
use draftloop_core::host::TerminalHost;
use draftloop_core::{Actor, Core, NewProject};

fn history(n: usize) -> String {
    (0..n)
        .map(|i| {
            serde_json::json!({
                "project": "History",
                "prompt": format!("Write the launch email number {i} for the spring sale."),
                "draft": format!("Dear customer, our spring sale number {i} starts Monday. Buy now and save."),
                "final": format!("Hi there, sale {i} starts Monday. Shop today."),
                "thumb": if i % 2 == 0 { "up" } else { "down" },
                "ratings": {"clarity": 1 + i % 5},
                "tags": if i % 4 == 0 { vec!["too-long"] } else { vec![] },
                "decision": if i % 3 == 0 { "approved" } else { "rejected" },
            })
            .to_string()
                + "\n"
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn summary(label: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{label:<28} {:>5} saves   p50 {:>7.2} ms   p95 {:>7.2} ms   max {:>7.2} ms",
        times.len(),
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        percentile(&times, 0.95).as_secs_f64() * 1e3,
        times.last().unwrap().as_secs_f64() * 1e3,
    );
}

fn save(core: &Core, document: &str, i: usize) -> Duration {
    let text = DocumentText::markdown(format!("Draft being typed, keystroke {i}."));
    let started = Instant::now();
    if let Err(e) = core.with(|ws| ws.save_document_text(document, &text)) {
        panic!("save {i} failed after {:?}: {e}", started.elapsed());
    }
    started.elapsed()
}

fn main() {
    let records: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse().unwrap())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open(dir.path(), Actor::new("bench:user"), Arc::new(TerminalHost)).unwrap();
    let document = core
        .with(|ws| {
            let p = ws.create_project(&NewProject {
                name: "Typing".into(),
                content_type: "email".into(),
            })?;
            Ok(ws.create_document(&p.id, "Being typed")?.id)
        })
        .unwrap();
    let file = dir.path().join("history.jsonl");
    std::fs::write(&file, history(records)).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    let mut alone = Vec::new();
    for i in 0..200 {
        alone.push(save(&core, &document, i));
        std::thread::sleep(Duration::from_millis(20));
    }

    let started = Instant::now();
    let importing = runtime.spawn({
        let core = core.clone();
        async move { core.import("bench", file, |_| {}).await }
    });
    let mut during = Vec::new();
    let mut i = 1_000;
    while !importing.is_finished() {
        during.push(save(&core, &document, i));
        i += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    let summary_of_import = runtime.block_on(importing).unwrap().unwrap();
    let took = started.elapsed();

    println!(
        "import: {} records in {:.1} s (1 thread); saves on 1 thread, one every 20 ms",
        summary_of_import.imported,
        took.as_secs_f64()
    );
    summary("saves, nothing else running", alone.clone());
    summary("saves during the import", during.clone());
    let p95 = |mut t: Vec<Duration>| {
        t.sort();
        percentile(&t, 0.95)
    };
    println!(
        "p95 during / alone: {:.1}x",
        p95(during).as_secs_f64() / p95(alone).as_secs_f64()
    );
}
