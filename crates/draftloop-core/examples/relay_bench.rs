//! Benchmark: time to first token and relay throughput of the core's streaming client
//! against a bare reqwest client reading the same stream from the same local server,
//! in the same run. `cargo run --release -p draftloop-core --example relay_bench`

#![allow(clippy::unwrap_used)] // a benchmark that cannot run should stop loudly

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use draftloop_core::llm::{
    ChatMessage, CompletionRequest, Endpoint, Limits, LlmClient, ProviderKind, Role, Token,
};
use llm_test_server::{Fault, TestLlmServer};
use tokio_util::sync::CancellationToken;

const SHORT: usize = 50;
const LONG: usize = 200_000;
const TTFT_RUNS: usize = 40;
const THROUGHPUT_RUNS: usize = 5;

struct Run {
    first_token: Duration,
    total: Duration,
    tokens: usize,
}

fn request() -> CompletionRequest {
    CompletionRequest::new(
        "test-model",
        vec![ChatMessage::new(Role::User, "benchmark")],
    )
}

/// A bare client: POST, then split the body on event boundaries and count content events.
async fn bare(http: &reqwest::Client, base: &str) -> Run {
    let started = Instant::now();
    let body = serde_json::json!({"model": "test-model", "messages": [{"role": "user", "content": "benchmark"}], "stream": true});
    let mut response = http
        .post(format!("{base}/chat/completions"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let mut buf: Vec<u8> = Vec::new();
    let (mut first_token, mut tokens) = (None, 0);
    while let Some(chunk) = response.chunk().await.unwrap() {
        buf.extend_from_slice(&chunk);
        let mut start = 0;
        while let Some(i) = buf[start..].windows(2).position(|w| w == b"\n\n") {
            let event = &buf[start..start + i];
            if event.windows(9).any(|w| w == b"\"content\"") {
                tokens += 1;
                first_token.get_or_insert_with(|| started.elapsed());
            }
            start += i + 2;
        }
        buf.drain(..start);
    }
    Run {
        first_token: first_token.unwrap(),
        total: started.elapsed(),
        tokens,
    }
}

async fn core(client: &LlmClient, endpoint: &Endpoint) -> Run {
    let started = Instant::now();
    let first = Arc::new(Mutex::new(None));
    let count = Arc::new(AtomicUsize::new(0));
    let (f, c) = (first.clone(), count.clone());
    let sink = Arc::new(move |_t: Token| {
        c.fetch_add(1, Ordering::Relaxed);
        f.lock().unwrap().get_or_insert_with(|| started.elapsed());
    });
    client
        .complete(endpoint, &request(), &CancellationToken::new(), sink)
        .await
        .unwrap();
    let first_token = first.lock().unwrap().unwrap();
    Run {
        first_token,
        total: started.elapsed(),
        tokens: count.load(Ordering::Relaxed),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    let server = TestLlmServer::start().unwrap();
    let endpoint = Endpoint {
        kind: ProviderKind::Openai,
        base_url: server.openai_base(),
        api_key: None,
    };
    let client = LlmClient::new(Limits {
        max_response_bytes: 1 << 30,
        ..Limits::default()
    });
    let http = reqwest::Client::new();
    let base = server.openai_base();

    // Interleave the two clients so drift in the machine's load hits both alike.
    let (mut ttft_bare, mut ttft_core) = (Vec::new(), Vec::new());
    for _ in 0..TTFT_RUNS {
        server.push_fault(Fault::Long { tokens: SHORT });
        ttft_bare.push(bare(&http, &base).await.first_token.as_secs_f64() * 1e3);
        server.push_fault(Fault::Long { tokens: SHORT });
        ttft_core.push(core(&client, &endpoint).await.first_token.as_secs_f64() * 1e3);
    }
    let (mut tps_bare, mut tps_core) = (Vec::new(), Vec::new());
    for _ in 0..THROUGHPUT_RUNS {
        server.push_fault(Fault::Long { tokens: LONG });
        let b = bare(&http, &base).await;
        assert_eq!(b.tokens, LONG);
        tps_bare.push(b.tokens as f64 / b.total.as_secs_f64());
        server.push_fault(Fault::Long { tokens: LONG });
        let c = core(&client, &endpoint).await;
        assert_eq!(c.tokens, LONG);
        tps_core.push(c.tokens as f64 / c.total.as_secs_f64());
    }
    let (tb, tc) = (median(ttft_bare), median(ttft_core));
    let (pb, pc) = (median(tps_bare), median(tps_core));
    println!("time to first token (median of {TTFT_RUNS}): bare reqwest {tb:.3} ms, core {tc:.3} ms, overhead {:.3} ms", tc - tb);
    println!("relay throughput (median of {THROUGHPUT_RUNS} x {LONG} tokens): bare reqwest {pb:.0} tokens/s, core {pc:.0} tokens/s, core/bare {:.2}", pc / pb);
}
