//! Prints the miner's analysis of every pair of a JSONL file (`{"draft", "final"}` per
//! line), one JSON line each, so another implementation of the same algorithm can be
//! held to it (`benches/mining/run.py` checks the Python baseline against this).
//! No deadline: a diff always runs to its exact answer, as the baseline's does.
//! `cargo run --release -p draftloop-core --example mining_analyses -- PAIRS.jsonl`

#![allow(clippy::unwrap_used)] // a benchmark tool that cannot run should stop loudly

use std::io::{BufRead, BufWriter, Write};
use std::time::{Duration, Instant};

use draftloop_core::mining::{analyze, Pair};
use serde_json::json;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: mining_analyses PAIRS.jsonl");
    let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
    let mut out = BufWriter::new(std::io::stdout().lock());
    // Far enough away never to be reached.
    let never = Instant::now() + Duration::from_secs(365 * 24 * 3600);
    for line in file.lines() {
        let line = line.unwrap();
        if line.trim().is_empty() {
            continue;
        }
        let pair: Pair = serde_json::from_str(&line).unwrap();
        let a = analyze(&pair.draft, &pair.final_text, never);
        let found: Vec<_> = a
            .found
            .iter()
            .map(|f| {
                json!({
                    "kind": f.kind,
                    "key": f.key,
                    "details": f.details,
                    "weight": f.weight,
                    "before": f.example.before,
                    "after": f.example.after,
                    "whole_sentence": f.whole_sentence,
                })
            })
            .collect();
        let sentences: Vec<_> = a
            .sentences
            .iter()
            .map(|s| json!({"added": s.added, "text": s.text}))
            .collect();
        let record = json!({
            "edits": a.edits,
            "draft_words": a.draft_words,
            "final_words": a.final_words,
            "found": found,
            "sentences": sentences,
        });
        writeln!(out, "{record}").unwrap();
    }
}
