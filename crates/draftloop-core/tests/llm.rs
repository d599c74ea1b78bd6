//! The LLM clients against a real HTTP server on loopback that speaks both APIs.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use draftloop_core::llm::{
    ChatMessage, CompletionRequest, Ending, Endpoint, Limits, LlmClient, LlmError, LlmErrorKind,
    ProviderKind, RetryPolicy, Role, Token, TokenSink,
};
use draftloop_core::Secret;
use llm_test_server::{reply_text, Fault, TestLlmServer, TOO_LONG_MARKER, UNKNOWN_MODEL};
use serde_json::json;
use tokio_util::sync::CancellationToken;

fn limits() -> Limits {
    Limits {
        // Fast backoff, so only an honoured Retry-After makes a test wait.
        retry: RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
        ..Limits::default()
    }
}

fn client() -> LlmClient {
    LlmClient::new(limits())
}

fn endpoint(server: &TestLlmServer, kind: ProviderKind) -> Endpoint {
    Endpoint {
        kind,
        base_url: match kind {
            ProviderKind::Anthropic => server.anthropic_base(),
            _ => server.openai_base(),
        },
        api_key: Some(Secret::new("sk-test-key")),
    }
}

fn request(prompt: &str, n: u8, stream: bool) -> CompletionRequest {
    CompletionRequest {
        n,
        stream,
        ..CompletionRequest::new(
            "test-model",
            vec![
                ChatMessage::new(Role::System, "You write launch emails."),
                ChatMessage::new(Role::User, prompt),
            ],
        )
    }
}

/// Collects streamed tokens per variant.
fn collector() -> (TokenSink, Arc<Mutex<Vec<Token>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink_seen = seen.clone();
    (
        Arc::new(move |t: Token| sink_seen.lock().unwrap().push(t)),
        seen,
    )
}

fn streamed_text(tokens: &[Token], variant: u32) -> String {
    tokens
        .iter()
        .filter(|t| t.variant == variant)
        .map(|t| t.text.as_str())
        .collect()
}

/// A completion that must fail; its error.
async fn fails(
    client: &LlmClient,
    ep: &Endpoint,
    req: &CompletionRequest,
    sink: TokenSink,
) -> LlmError {
    client
        .complete(ep, req, &CancellationToken::new(), sink)
        .await
        .unwrap_err()
}

/// A loopback port nobody listens on: a privileged port (a freed ephemeral one could be
/// handed to a test server starting alongside).
fn closed_port() -> u16 {
    1
}

const PROMPT: &str = "Announce the spring planner launch to our newsletter readers";

#[tokio::test]
async fn openai_stream_assembles_n_variants_with_logprobs_and_usage() {
    let server = TestLlmServer::start().unwrap();
    let (sink, seen) = collector();
    let mut req = request(PROMPT, 2, true);
    req.logprobs = true;
    let out = client()
        .complete(
            &endpoint(&server, ProviderKind::Openai),
            &req,
            &CancellationToken::new(),
            sink,
        )
        .await
        .unwrap();
    assert_eq!(out.ending, Ending::Complete);
    assert_eq!(out.variants.len(), 2);
    for (i, v) in out.variants.iter().enumerate() {
        assert_eq!(v.text, reply_text(i, PROMPT));
        assert_eq!(streamed_text(&seen.lock().unwrap(), i as u32), v.text);
        assert!(!v.incomplete);
        assert_eq!(v.finish_reason.as_deref(), Some("stop"));
        let (mean, min) = v.logprob_summary().expect("logprobs");
        assert!(mean < 0.0 && min <= mean, "mean {mean}, min {min}");
        assert!((min - -0.30).abs() < 1e-9, "min {min}");
    }
    assert_eq!(
        out.prompt_tokens,
        Some(PROMPT.split_whitespace().count() as u32)
    );
    assert!(out.first_token_ms.is_some());

    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.header("authorization"), Some("Bearer sk-test-key"));
    assert_eq!(sent.body["n"], 2);
    assert_eq!(sent.body["stream"], true);
    assert_eq!(sent.body["logprobs"], true);
    assert_eq!(
        sent.body["messages"],
        json!([{"role": "system", "content": "You write launch emails."}, {"role": "user", "content": PROMPT}])
    );
}

#[tokio::test]
async fn openai_plain_answer_assembles_variants() {
    let server = TestLlmServer::start().unwrap();
    let (sink, seen) = collector();
    let out = client()
        .complete(
            &endpoint(&server, ProviderKind::OpenaiCompatible),
            &request(PROMPT, 3, false),
            &CancellationToken::new(),
            sink,
        )
        .await
        .unwrap();
    let texts: Vec<String> = out.variants.iter().map(|v| v.text.clone()).collect();
    assert_eq!(
        texts,
        (0..3).map(|i| reply_text(i, PROMPT)).collect::<Vec<_>>()
    );
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing streams from a plain answer"
    );
    assert!(
        out.variants[0].logprobs.is_empty(),
        "no logprobs unless asked"
    );
}

#[tokio::test]
async fn anthropic_stream_and_plain_put_the_system_prompt_where_the_api_wants_it() {
    let server = TestLlmServer::start().unwrap();
    let ep = endpoint(&server, ProviderKind::Anthropic);
    for stream in [true, false] {
        let (sink, seen) = collector();
        let out = client()
            .complete(
                &ep,
                &request(PROMPT, 1, stream),
                &CancellationToken::new(),
                sink,
            )
            .await
            .unwrap();
        assert_eq!(out.ending, Ending::Complete);
        assert_eq!(out.variants[0].text, reply_text(0, PROMPT));
        assert_eq!(out.variants[0].finish_reason.as_deref(), Some("end_turn"));
        assert_eq!(
            out.variants[0].completion_tokens,
            Some(reply_text(0, PROMPT).split(' ').count() as u32)
        );
        if stream {
            assert_eq!(
                streamed_text(&seen.lock().unwrap(), 0),
                out.variants[0].text
            );
        }
    }
    for sent in server.requests() {
        assert_eq!(sent.path, "/v1/messages");
        assert_eq!(sent.header("x-api-key"), Some("sk-test-key"));
        assert_eq!(sent.header("anthropic-version"), Some("2023-06-01"));
        assert_eq!(sent.body["system"], "You write launch emails.");
        assert_eq!(
            sent.body["messages"],
            json!([{"role": "user", "content": PROMPT}])
        );
    }
}

/// Some proxies answer a streamed request with one complete body: the text still
/// reaches the person, every variant of both APIs, as one token each.
#[tokio::test]
async fn a_stream_answered_as_one_body_still_reaches_the_token_sink() {
    for kind in [ProviderKind::OpenaiCompatible, ProviderKind::Anthropic] {
        let server = TestLlmServer::start().unwrap();
        // Anthropic asks once per variant.
        for _ in 0..2 {
            server.push_fault(Fault::IgnoreStream);
        }
        let (sink, seen) = collector();
        let out = client()
            .complete(
                &endpoint(&server, kind),
                &request(PROMPT, 2, true),
                &CancellationToken::new(),
                sink,
            )
            .await
            .unwrap();
        assert_eq!(out.ending, Ending::Complete, "{kind:?}");
        assert_eq!(out.variants.len(), 2, "{kind:?}");
        let seen = seen.lock().unwrap();
        for v in 0..2u32 {
            let text = &out.variants[v as usize].text;
            assert!(!text.is_empty(), "{kind:?}");
            assert_eq!(&streamed_text(&seen, v), text, "{kind:?} variant {v}");
            assert_eq!(
                seen.iter().filter(|t| t.variant == v).count(),
                1,
                "{kind:?}: a whole body arrives as one token"
            );
        }
        assert!(out.first_token_ms.is_some(), "{kind:?}");
    }
}

#[tokio::test]
async fn anthropic_variants_are_parallel_requests() {
    let server = TestLlmServer::start().unwrap();
    let (sink, seen) = collector();
    let out = client()
        .complete(
            &endpoint(&server, ProviderKind::Anthropic),
            &request(PROMPT, 2, true),
            &CancellationToken::new(),
            sink,
        )
        .await
        .unwrap();
    assert_eq!(out.variants.len(), 2);
    assert_eq!(server.requests().len(), 2);
    let seen = seen.lock().unwrap();
    assert_eq!(streamed_text(&seen, 0), out.variants[0].text);
    assert_eq!(streamed_text(&seen, 1), out.variants[1].text);
}

#[tokio::test]
async fn a_429_waits_as_long_as_retry_after_says() {
    let server = TestLlmServer::start().unwrap();
    server.push_fault(Fault::Status {
        code: 429,
        retry_after_secs: Some(1),
    });
    let (sink, _) = collector();
    let started = Instant::now();
    let out = client()
        .complete(
            &endpoint(&server, ProviderKind::Openai),
            &request(PROMPT, 1, true),
            &CancellationToken::new(),
            sink,
        )
        .await
        .unwrap();
    // With 1–5 ms backoff, only an honoured Retry-After takes a whole second.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(out.attempts, 2);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(out.variants[0].text, reply_text(0, PROMPT));
}

#[tokio::test]
async fn a_500_is_retried_then_surfaced() {
    let server = TestLlmServer::start().unwrap();
    for _ in 0..4 {
        server.push_fault(Fault::Status {
            code: 500,
            retry_after_secs: None,
        });
    }
    let (sink, _) = collector();
    let err = fails(
        &client(),
        &endpoint(&server, ProviderKind::Openai),
        &request(PROMPT, 1, true),
        sink,
    )
    .await;
    assert_eq!(err.kind, LlmErrorKind::Provider);
    assert!(
        err.message.contains("HTTP 500") && err.message.contains("after 4 attempts"),
        "{}",
        err.message
    );
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn client_errors_are_not_retried_and_say_what_is_wrong() {
    let server = TestLlmServer::start_on(0, Some("the-right-key".into())).unwrap();
    let (sink, _) = collector();
    let c = client();
    let ep = endpoint(&server, ProviderKind::Openai);
    let err = fails(&c, &ep, &request(PROMPT, 1, true), sink.clone()).await;
    assert_eq!(err.kind, LlmErrorKind::Auth);
    assert!(
        !err.message.contains("sk-test-key"),
        "the key never appears in errors"
    );
    assert_eq!(server.requests().len(), 1);

    let ep = Endpoint {
        api_key: Some(Secret::new("the-right-key")),
        ..ep
    };
    let mut req = request(PROMPT, 1, true);
    req.model = UNKNOWN_MODEL.into();
    let err = fails(&c, &ep, &req, sink.clone()).await;
    assert_eq!(err.kind, LlmErrorKind::ModelNotFound);
    assert!(err.message.contains(UNKNOWN_MODEL));

    let req = request(&format!("{PROMPT} {TOO_LONG_MARKER}"), 1, true);
    let err = fails(&c, &ep, &req, sink).await;
    assert_eq!(err.kind, LlmErrorKind::ContextTooLong);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_cut_stream_keeps_its_partial_text_marked_incomplete() {
    for kind in [ProviderKind::Openai, ProviderKind::Anthropic] {
        let server = TestLlmServer::start().unwrap();
        server.push_fault(Fault::CutStream { after_events: 6 });
        let (sink, _) = collector();
        let out = client()
            .complete(
                &endpoint(&server, kind),
                &request(PROMPT, 1, true),
                &CancellationToken::new(),
                sink,
            )
            .await
            .unwrap();
        assert!(
            matches!(out.ending, Ending::Cut(_)),
            "{kind:?}: {:?}",
            out.ending
        );
        let v = &out.variants[0];
        assert!(v.incomplete);
        assert!(!v.text.is_empty(), "{kind:?} kept nothing");
        assert!(
            reply_text(0, PROMPT).starts_with(&v.text),
            "{kind:?}: {:?}",
            v.text
        );
        assert_ne!(v.text, reply_text(0, PROMPT));
    }
}

#[tokio::test]
async fn malformed_sse_and_invalid_utf8_are_clear_errors() {
    let server = TestLlmServer::start().unwrap();
    server.push_fault(Fault::MalformedSse);
    server.push_fault(Fault::InvalidUtf8);
    let (sink, _) = collector();
    let ep = endpoint(&server, ProviderKind::Openai);
    let err = fails(&client(), &ep, &request(PROMPT, 1, true), sink.clone()).await;
    assert_eq!(err.kind, LlmErrorKind::MalformedResponse);
    assert!(
        err.message.contains("not JSON") || err.message.contains("malformed"),
        "{}",
        err.message
    );
    let err = fails(&client(), &ep, &request(PROMPT, 1, true), sink).await;
    assert_eq!(err.kind, LlmErrorKind::MalformedResponse);
    assert!(err.message.contains("UTF-8"), "{}", err.message);
}

#[tokio::test]
async fn an_oversized_answer_is_capped() {
    let server = TestLlmServer::start().unwrap();
    server.push_fault(Fault::Huge {
        bytes: 3 * 1024 * 1024,
    });
    let (sink, _) = collector();
    let c = LlmClient::new(Limits {
        max_response_bytes: 1024 * 1024,
        ..limits()
    });
    let err = fails(
        &c,
        &endpoint(&server, ProviderKind::Openai),
        &request(PROMPT, 1, true),
        sink,
    )
    .await;
    assert_eq!(err.kind, LlmErrorKind::ResponseTooLarge);
    assert!(err.message.contains("1 MiB"), "{}", err.message);
}

#[tokio::test]
async fn cancelling_stops_the_stream_and_keeps_what_arrived() {
    let server = TestLlmServer::start().unwrap();
    server.push_fault(Fault::Slow {
        per_event: Duration::from_millis(100),
    });
    let cancel = CancellationToken::new();
    let on_token = cancel.clone();
    let count = Arc::new(Mutex::new(0));
    let counter = count.clone();
    let sink: Arc<dyn Fn(Token) + Send + Sync> = Arc::new(move |_| {
        *counter.lock().unwrap() += 1;
        on_token.cancel();
    });
    let out = client()
        .complete(
            &endpoint(&server, ProviderKind::Openai),
            &request(PROMPT, 1, true),
            &cancel,
            sink,
        )
        .await
        .unwrap();
    assert_eq!(out.ending, Ending::Cancelled);
    assert_eq!(*count.lock().unwrap(), 1, "no token after the cancel");
    assert!(out.variants[0].incomplete);
    assert_eq!(out.variants[0].text, "Variant");
}

#[tokio::test]
async fn an_unreachable_server_says_so() {
    let port = closed_port();
    let ep = Endpoint {
        kind: ProviderKind::Openai,
        base_url: format!("http://127.0.0.1:{port}/v1"),
        api_key: None,
    };
    let (sink, _) = collector();
    let c = LlmClient::new(Limits {
        retry: RetryPolicy {
            max_attempts: 1,
            ..limits().retry
        },
        ..limits()
    });
    let err = fails(&c, &ep, &request(PROMPT, 1, true), sink).await;
    assert_eq!(err.kind, LlmErrorKind::Unreachable);
}

#[test]
fn a_secret_never_prints() {
    let s = Secret::new("sk-live-abcdef");
    assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
    let ep = Endpoint {
        kind: ProviderKind::Openai,
        base_url: "http://x/v1".into(),
        api_key: Some(s),
    };
    assert!(!format!("{ep:?}").contains("abcdef"));
}

#[tokio::test]
async fn local_servers_are_found_on_their_ports() {
    let server = TestLlmServer::start().unwrap();
    let closed = closed_port();
    // The app allows 800 ms; a loaded test machine gets more.
    let found = draftloop_core::llm::local::detect_within(
        &[("Nobody", closed), ("Test server", server.addr().port())],
        std::time::Duration::from_secs(20),
    )
    .await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, "Test server");
    assert_eq!(found[0].base_url, server.openai_base());
    assert_eq!(found[0].models, ["test-model"]);
}
