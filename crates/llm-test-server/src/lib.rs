//! A real HTTP server on 127.0.0.1 that speaks enough of the OpenAI chat-completions
//! API (plain and SSE, `n`, `logprobs`) and the Anthropic Messages API (plain and
//! streamed events) for Draftloop's tests, logs what it received, and misbehaves on
//! request: status codes with `Retry-After`, a slow first byte, a stream cut mid-token,
//! malformed SSE, invalid UTF-8, a huge body.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use serde_json::{json, Value};

/// A model name the server answers 404 for.
pub const UNKNOWN_MODEL: &str = "no-such-model";
/// A prompt containing this gets a 400 "context length exceeded".
pub const TOO_LONG_MARKER: &str = "[[too long]]";
/// `[[logprob -0.3]]` in a prompt: every token of the answer gets that logprob (the
/// marker is left out of the answer).
pub const LOGPROB_MARKER: &str = "[[logprob ";
/// A model that answers 400 to a request asking for logprobs, as some servers do.
pub const NO_LOGPROBS_MODEL: &str = "no-logprobs-model";

/// How a review judge's request ends its instructions; such a request gets a rating:
/// the N of a `[[judge N]]` in its prompt (the draft it rates may carry one), else 4.
pub const JUDGE_ASKS: &str = "Answer with the number only.";
pub const JUDGE_MARKER: &str = "[[judge ";

/// How a request to phrase a rule from people's edits ends its instructions; such a
/// request gets a rule naming its first example: `Write a sentence like "…"`.
pub const PHRASE_ASKS: &str = "Answer with the rule only.";

fn system_text(body: &Value) -> Option<String> {
    body["system"].as_str().map(str::to_owned).or_else(|| {
        body["messages"]
            .as_array()?
            .iter()
            .find(|m| m["role"] == "system")
            .and_then(|m| m["content"].as_str().map(str::to_owned))
    })
}

/// The rule a phrasing request gets: its first quoted example, as a sentence to write.
fn phrased(body: &Value, prompt: &str) -> Option<String> {
    if !system_text(body)?.contains(PHRASE_ASKS) {
        return None;
    }
    let first = prompt.split('"').nth(1).unwrap_or("this");
    Some(format!("Write a sentence like \"{first}\""))
}

/// Words the test server's embeddings read as one meaning, so a test can tell grouping
/// by meaning from grouping by shared words: "Reply by Friday." and "The deadline is
/// noon on the 3rd." share no word but both name a time.
pub const CONCEPTS: &[&[&str]] = &[
    &[
        "deadline",
        "due",
        "friday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "noon",
        "tomorrow",
        "eod",
        "until",
        "midnight",
    ],
    &[
        "price", "cost", "costs", "fee", "pricing", "discount", "usd", "eur", "cheaper",
    ],
    &["said", "says", "told", "customer", "quote", "according"],
];
const EMBEDDING_DIMENSIONS: usize = 64;

/// A deterministic sentence embedding: a strong dimension per concept its words name,
/// and its other words hashed into the rest.
pub fn embedding(text: &str) -> Vec<f32> {
    let mut v = vec![0.0f32; EMBEDDING_DIMENSIONS];
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
    {
        match CONCEPTS.iter().position(|c| c.contains(&word.as_str())) {
            Some(k) => v[k] += 4.0,
            None => {
                let h = word.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
                });
                let rest = (EMBEDDING_DIMENSIONS - CONCEPTS.len()) as u64;
                v[CONCEPTS.len() + (h % rest) as usize] += 1.0;
            }
        }
    }
    v
}

fn embeddings_body(body: &Value) -> Value {
    let inputs: Vec<String> = match &body["input"] {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().unwrap_or_default().to_owned())
            .collect(),
        _ => Vec::new(),
    };
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, t)| json!({"object": "embedding", "index": i, "embedding": embedding(t)}))
        .collect();
    json!({"object": "list", "data": data, "model": body["model"], "usage": {"prompt_tokens": 0, "total_tokens": 0}})
}

fn judged(body: &Value, prompt: &str) -> Option<String> {
    let system = system_text(body)?;
    if !system.contains(JUDGE_ASKS) {
        return None;
    }
    let rating = prompt
        .find(JUDGE_MARKER)
        .and_then(|i| prompt[i + JUDGE_MARKER.len()..].chars().next())
        .filter(char::is_ascii_digit)
        .unwrap_or('4');
    Some(rating.to_string())
}

/// The prompt without a logprob marker, and the logprob it asks for.
fn logprob_marker(prompt: &str) -> (String, Option<f64>) {
    let Some(start) = prompt.find(LOGPROB_MARKER) else {
        return (prompt.to_owned(), None);
    };
    let rest = &prompt[start + LOGPROB_MARKER.len()..];
    let Some(end) = rest.find("]]") else {
        return (prompt.to_owned(), None);
    };
    let value = rest[..end].trim().parse().ok();
    let cleaned = format!("{}{}", &prompt[..start], &rest[end + 2..]);
    (
        cleaned.split_whitespace().collect::<Vec<_>>().join(" "),
        value,
    )
}

/// What the next request gets instead of a normal answer.
#[derive(Debug, Clone)]
pub enum Fault {
    Status {
        code: u16,
        retry_after_secs: Option<u64>,
    },
    SlowFirstByte(Duration),
    /// Streams this many events, then closes the connection halfway through a token.
    CutStream {
        after_events: usize,
    },
    MalformedSse,
    InvalidUtf8,
    Huge {
        bytes: usize,
    },
    /// Sends events slowly, one per interval, so a client can cancel midway.
    Slow {
        per_event: Duration,
    },
    /// Streams an answer of this many tokens, written in large batches, for benchmarks.
    Long {
        tokens: usize,
    },
    /// Answers a streamed request with one complete JSON body, as some proxies do.
    IgnoreStream,
}

#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Shared {
    faults: VecDeque<Fault>,
    log: Vec<RecordedRequest>,
    api_key: Option<String>,
    /// Added before every completion's answer, as a real model's time to answer.
    latency: Duration,
    /// Also append each request as a JSON line here, for tests in another process.
    log_file: Option<std::path::PathBuf>,
}

pub struct TestLlmServer {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

impl TestLlmServer {
    /// Starts on a free loopback port, accepting any (or no) key.
    pub fn start() -> std::io::Result<Self> {
        Self::start_on(0, None)
    }

    /// Starts on `port` (0 for any); with `api_key`, other keys get 401.
    pub fn start_on(port: u16, api_key: Option<String>) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Mutex::new(Shared {
            api_key,
            ..Shared::default()
        }));
        let accept_shared = shared.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = accept_shared.clone();
                thread::spawn(move || {
                    // A client that hangs up early is part of the tests, not an error.
                    let _ = serve(stream, &shared);
                });
            }
        });
        Ok(TestLlmServer { addr, shared })
    }

    /// Appends every request from now on to `path` as one JSON line.
    pub fn log_to(&self, path: std::path::PathBuf) {
        lock(&self.shared).log_file = Some(path);
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL as the OpenAI SDK takes it (ends in `/v1`).
    pub fn openai_base(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The base URL as the Anthropic SDK takes it (the host).
    pub fn anthropic_base(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The next request (of any kind) gets `fault`; faults queue in order.
    pub fn push_fault(&self, fault: Fault) {
        lock(&self.shared).faults.push_back(fault);
    }

    /// Every completion from now on waits this long before answering.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.shared).latency = latency;
    }

    /// Completions asked for so far (requests to the chat or messages endpoints).
    pub fn completions(&self) -> usize {
        lock(&self.shared)
            .log
            .iter()
            .filter(|r| r.method == "POST")
            .count()
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared).log.clone()
    }
}

fn serve(stream: TcpStream, shared: &Mutex<Shared>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let request = RecordedRequest {
        method,
        path,
        headers,
        body,
    };
    let (fault, api_key, latency) = {
        let mut s = lock(shared);
        s.log.push(request.clone());
        if let Some(path) = &s.log_file {
            let line =
                json!({"method": request.method, "path": request.path, "body": request.body});
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
            {
                let _ = writeln!(f, "{line}");
            }
        }
        (s.faults.pop_front(), s.api_key.clone(), s.latency)
    };
    if request.method == "POST" && !latency.is_zero() {
        thread::sleep(latency);
    }
    let mut out = stream;
    respond(&mut out, &request, fault, api_key.as_deref())
}

fn respond(
    out: &mut TcpStream,
    req: &RecordedRequest,
    fault: Option<Fault>,
    api_key: Option<&str>,
) -> std::io::Result<()> {
    let anthropic = req.path.starts_with("/v1/messages");
    if let Some(key) = api_key {
        let given = if anthropic {
            req.header("x-api-key").map(str::to_owned)
        } else {
            req.header("authorization")
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::to_owned)
        };
        if given.as_deref() != Some(key) {
            return json_response(
                out,
                401,
                &error_body(anthropic, "authentication_error", "invalid x-api-key"),
                None,
            );
        }
    }
    let mut per_event = Duration::ZERO;
    let mut cut_after = None;
    let mut ignore_stream = false;
    match fault {
        Some(Fault::Status {
            code,
            retry_after_secs,
        }) => {
            return json_response(
                out,
                code,
                &error_body(
                    anthropic,
                    "server_error",
                    "the test server was told to fail",
                ),
                retry_after_secs,
            );
        }
        Some(Fault::SlowFirstByte(d)) => thread::sleep(d),
        Some(Fault::MalformedSse) => {
            return stream_head(out).and_then(|_| {
                out.write_all(
                    b"data: {\"choices\": [{\"delta\": \n\nevent: ???\ndata: not json at all\n\n",
                )
            });
        }
        Some(Fault::InvalidUtf8) => {
            return stream_head(out).and_then(|_| {
                out.write_all(
                    b"data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\xff\xfe\"}}]}\n\n",
                )
            });
        }
        Some(Fault::Huge { bytes }) => {
            stream_head(out)?;
            let event = if anthropic {
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}}\n\n"
            } else {
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}}]}\n\n"
            };
            let mut sent = 0;
            while sent < bytes {
                out.write_all(event.as_bytes())?;
                sent += event.len();
            }
            return Ok(());
        }
        Some(Fault::CutStream { after_events }) => cut_after = Some(after_events),
        Some(Fault::Long { tokens }) => return send_long(out, anthropic, tokens),
        Some(Fault::Slow { per_event: d }) => per_event = d,
        Some(Fault::IgnoreStream) => ignore_stream = true,
        None => {}
    }
    if req.method == "GET" && req.path.starts_with("/v1/models") {
        return json_response(
            out,
            200,
            &json!({"object": "list", "data": [{"id": "test-model", "object": "model"}]}),
            None,
        );
    }
    let model = req.body["model"].as_str().unwrap_or_default();
    if req.path.ends_with("/embeddings") && model != UNKNOWN_MODEL {
        return json_response(out, 200, &embeddings_body(&req.body), None);
    }
    if model == UNKNOWN_MODEL {
        return json_response(
            out,
            404,
            &error_body(
                anthropic,
                "not_found_error",
                &format!("model: {model} does not exist"),
            ),
            None,
        );
    }
    let (prompt, fixed_logprob) = logprob_marker(&last_user_text(&req.body));
    let logprobs = req.body["logprobs"].as_bool().unwrap_or(false);
    if model == NO_LOGPROBS_MODEL && logprobs {
        return json_response(
            out,
            400,
            &error_body(
                anthropic,
                "invalid_request_error",
                "logprobs are not supported with this model",
            ),
            None,
        );
    }
    if prompt.contains(TOO_LONG_MARKER) {
        let message = "This model's maximum context length is 8192 tokens; your messages resulted in 9000 tokens";
        let mut body = error_body(anthropic, "invalid_request_error", message);
        if !anthropic {
            body["error"]["code"] = json!("context_length_exceeded");
        }
        return json_response(out, 400, &body, None);
    }
    let n = if anthropic {
        1
    } else {
        req.body["n"].as_u64().unwrap_or(1).max(1) as usize
    };
    let replies: Vec<Vec<String>> = match judged(&req.body, &prompt) {
        Some(rating) => vec![vec![rating]; n],
        None if phrased(&req.body, &prompt).is_some() => {
            vec![tokens(&phrased(&req.body, &prompt).unwrap_or_default()); n]
        }
        None => (0..n).map(|i| tokens(&reply_text(i, &prompt))).collect(),
    };
    let input_tokens = prompt.split_whitespace().count();
    let streaming = req.body["stream"].as_bool().unwrap_or(false) && !ignore_stream;
    let logprobs = logprobs.then_some(fixed_logprob);
    match (anthropic, streaming) {
        (false, false) => json_response(
            out,
            200,
            &openai_plain(model, &replies, input_tokens, logprobs),
            None,
        ),
        (true, false) => json_response(
            out,
            200,
            &anthropic_plain(model, &replies[0], input_tokens),
            None,
        ),
        (false, true) => {
            let include_usage = req.body["stream_options"]["include_usage"]
                .as_bool()
                .unwrap_or(false);
            let events = openai_events(model, &replies, input_tokens, logprobs, include_usage);
            send_events(out, &events, per_event, cut_after)
        }
        (true, true) => send_events(
            out,
            &anthropic_events(model, &replies[0], input_tokens),
            per_event,
            cut_after,
        ),
    }
}

/// Prompts starting with this get the rest back verbatim, for tests that need the model
/// to say something exact (markup, say).
pub const REPEAT: &str = "Repeat exactly: ";

/// The deterministic answer: variant `i` of a short draft about the prompt.
pub fn reply_text(i: usize, prompt: &str) -> String {
    if let Some(exact) = prompt.strip_prefix(REPEAT) {
        return exact.to_owned();
    }
    let topic: Vec<&str> = prompt.split_whitespace().take(8).collect();
    format!(
        "Variant {}: Here is a draft about {}. It is short, clear and ready for your edits.",
        i + 1,
        topic.join(" ")
    )
}

/// Splits into word tokens with their leading space, as model tokens often are.
fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, word) in text.split(' ').enumerate() {
        out.push(if i == 0 {
            word.to_owned()
        } else {
            format!(" {word}")
        });
    }
    out
}

fn token_logprob(k: usize, fixed: Option<f64>) -> f64 {
    fixed.unwrap_or(-0.05 * (k % 7) as f64)
}

fn last_user_text(body: &Value) -> String {
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let Some(last) = messages.iter().rev().find(|m| m["role"] == "user") else {
        return String::new();
    };
    match &last["content"] {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p["text"].as_str())
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

fn error_body(anthropic: bool, kind: &str, message: &str) -> Value {
    if anthropic {
        json!({"type": "error", "error": {"type": kind, "message": message}})
    } else {
        json!({"error": {"message": message, "type": kind, "code": Value::Null}})
    }
}

fn logprob_content(tokens: &[String], fixed: Option<f64>) -> Value {
    Value::Array(
        tokens
            .iter()
            .enumerate()
            .map(|(k, t)| json!({"token": t, "logprob": token_logprob(k, fixed), "top_logprobs": []}))
            .collect(),
    )
}

fn openai_plain(
    model: &str,
    replies: &[Vec<String>],
    input_tokens: usize,
    logprobs: Option<Option<f64>>,
) -> Value {
    let choices: Vec<Value> = replies
        .iter()
        .enumerate()
        .map(|(i, toks)| {
            let mut choice = json!({
                "index": i,
                "message": {"role": "assistant", "content": toks.concat()},
                "finish_reason": "stop",
            });
            if let Some(fixed) = logprobs {
                choice["logprobs"] = json!({"content": logprob_content(toks, fixed)});
            }
            choice
        })
        .collect();
    let output: usize = replies.iter().map(Vec::len).sum();
    json!({
        "id": "chatcmpl-test", "object": "chat.completion", "model": model, "choices": choices,
        "usage": {"prompt_tokens": input_tokens, "completion_tokens": output, "total_tokens": input_tokens + output},
    })
}

fn anthropic_plain(model: &str, reply: &[String], input_tokens: usize) -> Value {
    json!({
        "id": "msg_test", "type": "message", "role": "assistant", "model": model,
        "content": [{"type": "text", "text": reply.concat()}],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": input_tokens, "output_tokens": reply.len()},
    })
}

fn openai_events(
    model: &str,
    replies: &[Vec<String>],
    input_tokens: usize,
    logprobs: Option<Option<f64>>,
    include_usage: bool,
) -> Vec<String> {
    let chunk = |choices: Value| json!({"id": "chatcmpl-test", "object": "chat.completion.chunk", "model": model, "choices": choices});
    let mut events = Vec::new();
    let longest = replies.iter().map(Vec::len).max().unwrap_or(0);
    for k in 0..longest {
        for (i, toks) in replies.iter().enumerate() {
            if let Some(t) = toks.get(k) {
                let mut choice =
                    json!({"index": i, "delta": {"content": t}, "finish_reason": Value::Null});
                if let Some(fixed) = logprobs {
                    choice["logprobs"] = json!({"content": [{"token": t, "logprob": token_logprob(k, fixed), "top_logprobs": []}]});
                }
                events.push(format!("data: {}\n\n", chunk(json!([choice]))));
            }
        }
    }
    for i in 0..replies.len() {
        events.push(format!(
            "data: {}\n\n",
            chunk(json!([{"index": i, "delta": {}, "finish_reason": "stop"}]))
        ));
    }
    if include_usage {
        let output: usize = replies.iter().map(Vec::len).sum();
        let mut usage = chunk(json!([]));
        usage["usage"] = json!({"prompt_tokens": input_tokens, "completion_tokens": output, "total_tokens": input_tokens + output});
        events.push(format!("data: {usage}\n\n"));
    }
    events.push("data: [DONE]\n\n".to_owned());
    events
}

fn anthropic_events(model: &str, reply: &[String], input_tokens: usize) -> Vec<String> {
    let event = |name: &str, data: Value| format!("event: {name}\ndata: {data}\n\n");
    let mut events = vec![
        event(
            "message_start",
            json!({"type": "message_start", "message": {"id": "msg_test", "type": "message", "role": "assistant", "model": model, "content": [], "usage": {"input_tokens": input_tokens, "output_tokens": 1}}}),
        ),
        event(
            "content_block_start",
            json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ),
        event("ping", json!({"type": "ping"})),
    ];
    for t in reply {
        events.push(event("content_block_delta", json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": t}})));
    }
    events.push(event(
        "content_block_stop",
        json!({"type": "content_block_stop", "index": 0}),
    ));
    events.push(event("message_delta", json!({"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": reply.len()}})));
    events.push(event("message_stop", json!({"type": "message_stop"})));
    events
}

fn status_text(code: u16) -> &'static str {
    match code {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn json_response(
    out: &mut TcpStream,
    code: u16,
    body: &Value,
    retry_after: Option<u64>,
) -> std::io::Result<()> {
    let body = body.to_string();
    let retry = retry_after
        .map(|s| format!("retry-after: {s}\r\n"))
        .unwrap_or_default();
    write!(
        out,
        "HTTP/1.1 {code} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{retry}connection: close\r\n\r\n{body}",
        status_text(code),
        body.len()
    )?;
    out.flush()
}

fn send_long(out: &mut TcpStream, anthropic: bool, tokens: usize) -> std::io::Result<()> {
    stream_head(out)?;
    let mut w = std::io::BufWriter::with_capacity(256 * 1024, out.try_clone()?);
    for k in 0..tokens {
        let t = format!(" w{}", k % 1000);
        if anthropic {
            let e = json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": t}});
            write!(w, "event: content_block_delta\ndata: {e}\n\n")?;
        } else {
            let e = json!({"choices": [{"index": 0, "delta": {"content": t}, "finish_reason": Value::Null}]});
            write!(w, "data: {e}\n\n")?;
        }
        // The first token goes out alone, so time-to-first-token is measurable.
        if k == 0 {
            w.flush()?;
        }
    }
    if anthropic {
        write!(
            w,
            "event: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n"
        )?;
    } else {
        write!(w, "data: [DONE]\n\n")?;
    }
    w.flush()
}

/// Streams end when the connection closes, as HTTP/1.1 allows without a length.
fn stream_head(out: &mut TcpStream) -> std::io::Result<()> {
    out.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n")?;
    out.flush()
}

fn send_events(
    out: &mut TcpStream,
    events: &[String],
    per_event: Duration,
    cut_after: Option<usize>,
) -> std::io::Result<()> {
    stream_head(out)?;
    for (k, e) in events.iter().enumerate() {
        if cut_after == Some(k) {
            // Half an event: the connection drops mid-token.
            out.write_all(&e.as_bytes()[..e.len() / 2])?;
            out.flush()?;
            return out.shutdown(std::net::Shutdown::Both);
        }
        if !per_event.is_zero() {
            thread::sleep(per_event);
        }
        out.write_all(e.as_bytes())?;
        out.flush()?;
    }
    Ok(())
}
