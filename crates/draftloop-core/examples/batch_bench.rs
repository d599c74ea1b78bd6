//! Benchmark: a batch of 500 briefs against the test server answering each call after
//! 20 ms, 8 at a time, against the ideal (calls × latency / concurrency) and against a
//! bare reqwest loop making the same 500 calls 8 at a time, in the same run.
//! `cargo run --release -p draftloop-core --example batch_bench [ROWS] [LATENCY_MS] [CONCURRENCY]`
//!
//! Both sides run on one tokio runtime of 2 worker threads (the batch also records,
//! scores and routes each draft in the workspace on them); the server answers on a
//! thread per connection.

#![allow(clippy::unwrap_used)] // a benchmark that cannot run should stop loudly

use std::sync::Arc;
use std::time::{Duration, Instant};

use draftloop_core::host::TerminalHost;
use draftloop_core::provider::NewProvider;
use draftloop_core::review::batch::{parse_csv, BatchRequest};
use draftloop_core::{drafting::ProviderKind, Actor, Core, NewProject};
use llm_test_server::TestLlmServer;

fn arg(i: usize, default: u64) -> u64 {
    std::env::args()
        .nth(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or(default)
}

async fn bare(base: &str, calls: usize, concurrency: usize) -> Duration {
    let http = reqwest::Client::new();
    let gate = Arc::new(tokio::sync::Semaphore::new(concurrency));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..calls {
        let (http, gate, url) = (
            http.clone(),
            gate.clone(),
            format!("{base}/chat/completions"),
        );
        tasks.spawn(async move {
            let _turn = gate.acquire_owned().await.unwrap();
            let body = serde_json::json!({"model": "test-model", "max_tokens": 1024, "stream": false, "logprobs": true, "top_logprobs": 0,
                "messages": [{"role": "system", "content": "You write emails."}, {"role": "user", "content": format!("Write about product {i}.")}]});
            let answer: serde_json::Value = http.post(url).json(&body).send().await.unwrap().json().await.unwrap();
            assert!(answer["choices"][0]["message"]["content"].is_string());
        });
    }
    while let Some(t) = tasks.join_next().await {
        t.unwrap();
    }
    started.elapsed()
}

fn main() {
    let rows = arg(1, 500) as usize;
    let latency = Duration::from_millis(arg(2, 20));
    let concurrency = arg(3, 8) as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = TestLlmServer::start().unwrap();
    server.set_latency(latency);
    let ideal = latency * rows as u32 / concurrency as u32;

    let dir = tempfile::tempdir().unwrap();
    let core = Core::open(
        dir.path(),
        Actor::new("bench:alice"),
        Arc::new(TerminalHost),
    )
    .unwrap();
    core.add_provider(
        &NewProvider {
            name: "local".into(),
            kind: ProviderKind::OpenaiCompatible,
            base_url: server.openai_base(),
            default_model: "test-model".into(),
        },
        None,
    )
    .unwrap();
    let project = core
        .with(|ws| {
            let p = ws.create_project(&NewProject {
                name: "Bench".into(),
                content_type: "email".into(),
            })?;
            ws.save_prompt(&p.id, "You write emails.", "Write about {{topic}}.")?;
            Ok(p.id)
        })
        .unwrap();
    let mut csv = String::from("title,topic\n");
    for i in 0..rows {
        csv.push_str(&format!("Email {i},product {i}\n"));
    }
    let rows_parsed = parse_csv(csv.as_bytes(), &["topic".to_owned()]).unwrap();

    // Warm both paths up once (connections, the page cache).
    runtime.block_on(bare(&server.openai_base(), concurrency, concurrency));

    let bare_time = runtime.block_on(bare(&server.openai_base(), rows, concurrency));
    let started = Instant::now();
    let summary = runtime
        .block_on(core.batch(
            "bench",
            BatchRequest {
                project_id: project,
                provider: "local".into(),
                rows: rows_parsed,
                concurrency,
            },
            |_| {},
        ))
        .unwrap();
    let ours = started.elapsed();
    assert_eq!(summary.generated as usize, rows);
    assert_eq!(summary.failed, 0);
    println!(
        "{rows} calls, {} ms each, {concurrency} at once: ideal {:.2} s, bare reqwest {:.2} s ({:.2}× ideal), batch {:.2} s ({:.2}× ideal, {:.2}× bare); {} approved by the gate, {} queued",
        latency.as_millis(),
        ideal.as_secs_f64(),
        bare_time.as_secs_f64(),
        bare_time.as_secs_f64() / ideal.as_secs_f64(),
        ours.as_secs_f64(),
        ours.as_secs_f64() / ideal.as_secs_f64(),
        ours.as_secs_f64() / bare_time.as_secs_f64(),
        summary.auto_approved,
        summary.queued,
    );
}
