//! The HTTP side: timeouts, retries, size cap, streaming and cancellation.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::sse::{truncate, SseDecoder};
use super::{
    anthropic, openai, Completion, CompletionRequest, Ending, Endpoint, LlmError, LlmErrorKind,
    ProviderKind, Token, Variant,
};

/// Receives streamed tokens; called from the request's task.
pub type TokenSink = Arc<dyn Fn(Token) + Send + Sync>;

/// Stops the variants of one completion, one at a time or all at once. Each variant
/// has a token of its own, a child of the whole request's: a request shared by all
/// variants stops once every variant is cancelled.
#[derive(Debug, Clone)]
pub struct Cancel {
    all: CancellationToken,
    variants: Arc<[CancellationToken]>,
}

impl Cancel {
    /// For a completion of `n` variants.
    pub fn new(n: usize) -> Self {
        Self::of(CancellationToken::new(), n)
    }

    fn of(all: CancellationToken, n: usize) -> Self {
        let variants = (0..n.max(1)).map(|_| all.child_token()).collect();
        Cancel { all, variants }
    }

    /// Stops variant `variant` (0-based); an unknown variant is ignored.
    pub fn variant(&self, variant: usize) {
        if let Some(t) = self.variants.get(variant) {
            t.cancel();
        }
        if self.variants.iter().all(CancellationToken::is_cancelled) {
            self.all.cancel();
        }
    }

    pub fn all(&self) {
        self.all.cancel();
    }

    fn variant_token(&self, variant: usize) -> CancellationToken {
        self.variants
            .get(variant)
            .cloned()
            .unwrap_or_else(|| self.all.clone())
    }
}

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Requests in all, the first included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Limits {
    pub connect: Duration,
    pub first_byte: Duration,
    pub idle: Duration,
    pub max_response_bytes: usize,
    pub retry: RetryPolicy,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connect: Duration::from_secs(10),
            first_byte: Duration::from_secs(60),
            idle: Duration::from_secs(30),
            max_response_bytes: 8 * 1024 * 1024,
            retry: RetryPolicy::default(),
        }
    }
}

/// Inputs per embeddings request: well under every server's limit (OpenAI's is 2,048).
const EMBEDDING_BATCH: usize = 128;

/// The longest `Retry-After` honoured; a longer one is reported as rate limiting.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct LlmClient {
    /// Made at the first request: setting up TLS reads the system's certificates, tens
    /// of milliseconds that a command or a window that never calls a model should not
    /// wait for.
    http: Arc<OnceLock<reqwest::Client>>,
    limits: Limits,
}

/// What a dialect knows: how to ask and how to read the answer.
pub(super) struct StreamState {
    pub variants: Vec<Variant>,
    pub prompt_tokens: Option<u32>,
    pub done: bool,
}

impl LlmClient {
    pub fn new(limits: Limits) -> Self {
        LlmClient {
            http: Arc::default(),
            limits,
        }
    }

    /// The HTTP client, set up at the first call.
    fn http(&self) -> Result<&reqwest::Client, LlmError> {
        if let Some(http) = self.http.get() {
            return Ok(http);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(self.limits.connect)
            .user_agent(concat!("Draftloop/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                LlmError::new(
                    LlmErrorKind::Provider,
                    format!("could not set up HTTP: {e}"),
                )
            })?;
        // Two first calls at once may both build one; either serves.
        Ok(self.http.get_or_init(|| http))
    }

    /// Runs one completion with `request.n` variants, streaming tokens to `sink`;
    /// `cancel` stops all of them.
    pub async fn complete(
        &self,
        endpoint: &Endpoint,
        request: &CompletionRequest,
        cancel: &CancellationToken,
        sink: TokenSink,
    ) -> Result<Completion, LlmError> {
        let cancel = Cancel::of(cancel.clone(), request.n.clamp(1, 4).into());
        self.complete_variants(endpoint, request, &cancel, sink)
            .await
    }

    /// Runs one completion with `request.n` variants, each of which `cancel` can stop
    /// on its own. This is the one place that decides how variants are asked for: the
    /// Messages API has no `n`, so Anthropic gets one request per variant, side by
    /// side; OpenAI-kind endpoints get one request with `n` choices, stopped once no
    /// variant is wanted.
    pub async fn complete_variants(
        &self,
        endpoint: &Endpoint,
        request: &CompletionRequest,
        cancel: &Cancel,
        sink: TokenSink,
    ) -> Result<Completion, LlmError> {
        let n = request.n.clamp(1, 4);
        if endpoint.kind != ProviderKind::Anthropic || n == 1 {
            return self.one(endpoint, request, n, 0, &cancel.all, sink).await;
        }
        let mut tasks = Vec::new();
        for variant in 0..n as usize {
            let (client, endpoint, request, cancel, sink) = (
                self.clone(),
                endpoint.clone(),
                request.clone(),
                cancel.variant_token(variant),
                sink.clone(),
            );
            tasks.push(tokio::spawn(async move {
                client
                    .one(&endpoint, &request, 1, variant as u32, &cancel, sink)
                    .await
            }));
        }
        let mut merged: Option<Completion> = None;
        for task in tasks {
            let part = task.await.map_err(|e| {
                LlmError::new(LlmErrorKind::Provider, format!("a variant failed: {e}"))
            })??;
            merged = Some(match merged {
                None => part,
                Some(mut all) => {
                    all.variants.extend(part.variants);
                    all.attempts += part.attempts;
                    all.latency_ms = all.latency_ms.max(part.latency_ms);
                    all.first_token_ms = match (all.first_token_ms, part.first_token_ms) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    if all.ending == Ending::Complete {
                        all.ending = part.ending;
                    }
                    all
                }
            });
        }
        merged.ok_or_else(|| LlmError::malformed("no variants were requested"))
    }

    /// Tests a provider the way a person would: one tiny completion with `model`, no
    /// retries, so a bad key, an unknown model or a rate limit shows at once.
    pub async fn check(&self, endpoint: &Endpoint, model: &str) -> Result<Completion, LlmError> {
        let probe = LlmClient {
            http: self.http.clone(),
            limits: Limits {
                retry: RetryPolicy {
                    max_attempts: 1,
                    ..self.limits.retry.clone()
                },
                ..self.limits.clone()
            },
        };
        let mut request = CompletionRequest::new(
            model,
            vec![super::ChatMessage::new(super::Role::User, "Say OK.")],
        );
        request.max_tokens = 1;
        request.stream = false;
        probe
            .one(
                endpoint,
                &request,
                1,
                0,
                &CancellationToken::new(),
                Arc::new(|_| {}),
            )
            .await
    }

    /// One vector per input, in order, from an OpenAI-style `/embeddings` endpoint
    /// (OpenAI, Ollama, vLLM and others serve one), asked in batches.
    pub async fn embed(
        &self,
        endpoint: &Endpoint,
        model: &str,
        inputs: &[String],
    ) -> Result<Vec<Vec<f32>>, LlmError> {
        if endpoint.kind == ProviderKind::Anthropic {
            return Err(LlmError::new(
                LlmErrorKind::InvalidInput,
                "Anthropic's API has no embeddings endpoint: pick an OpenAI-compatible provider for embeddings",
            ));
        }
        let url = format!("{}/embeddings", openai_base(endpoint));
        let cancel = CancellationToken::new();
        let mut out = Vec::with_capacity(inputs.len());
        for batch in inputs.chunks(EMBEDDING_BATCH) {
            let body = serde_json::json!({"model": model, "input": batch});
            let (response, _) = self.send(endpoint, &url, &body, model, &cancel).await?;
            let bytes = self.read_body(response, &cancel).await?.unwrap_or_default();
            let json: Value = serde_json::from_slice(&bytes).map_err(|e| {
                LlmError::malformed(format!("the embeddings answer is not valid JSON: {e}"))
            })?;
            out.extend(openai::read_embeddings(&json, batch.len())?);
        }
        Ok(out)
    }

    async fn one(
        &self,
        endpoint: &Endpoint,
        request: &CompletionRequest,
        n: u8,
        first_variant: u32,
        cancel: &CancellationToken,
        sink: TokenSink,
    ) -> Result<Completion, LlmError> {
        let started = Instant::now();
        let (url, body) = match endpoint.kind {
            ProviderKind::Anthropic => (
                format!("{}/v1/messages", endpoint.base_url.trim_end_matches('/')),
                anthropic::body(request),
            ),
            _ => (
                format!("{}/chat/completions", openai_base(endpoint)),
                openai::body(request, n),
            ),
        };
        let mut state = StreamState {
            variants: vec![Variant::default(); n as usize],
            prompt_tokens: None,
            done: false,
        };
        let (response, attempts) = match self
            .send(endpoint, &url, &body, &request.model, cancel)
            .await
        {
            Err(e) if e.kind == LlmErrorKind::Cancelled => return Ok(cancelled(state, 1, started)),
            other => other?,
        };
        let mut first_token_ms = None;
        let streaming = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/event-stream"));
        let ending = if streaming {
            let emit = |variant: usize, text: &str| {
                if first_token_ms.is_none() {
                    first_token_ms = Some(started.elapsed().as_millis() as u64);
                }
                sink(Token {
                    variant: first_variant + variant as u32,
                    text: text.to_owned(),
                });
            };
            self.read_stream(endpoint.kind, response, &mut state, cancel, emit)
                .await?
        } else {
            let bytes = self.read_body(response, cancel).await?;
            let Some(bytes) = bytes else {
                return Ok(cancelled(state, attempts, started));
            };
            let json: Value = serde_json::from_slice(&bytes).map_err(|e| {
                LlmError::malformed(format!("the provider's answer is not valid JSON: {e}"))
            })?;
            match endpoint.kind {
                ProviderKind::Anthropic => anthropic::read_plain(&json, &mut state)?,
                _ => openai::read_plain(&json, &mut state)?,
            }
            // Asked to stream, answered whole (some proxies ignore `stream`): the person
            // still sees the text, each variant as one token.
            if request.stream {
                first_token_ms = Some(started.elapsed().as_millis() as u64);
                for (i, v) in state.variants.iter().enumerate() {
                    if !v.text.is_empty() {
                        sink(Token {
                            variant: first_variant + i as u32,
                            text: v.text.clone(),
                        });
                    }
                }
            }
            Ending::Complete
        };
        if ending != Ending::Complete {
            for v in &mut state.variants {
                v.incomplete = true;
            }
        }
        Ok(Completion {
            variants: state.variants,
            prompt_tokens: state.prompt_tokens,
            ending,
            latency_ms: started.elapsed().as_millis() as u64,
            first_token_ms,
            attempts,
        })
    }

    /// Sends with retries: 429 and 503 wait for `Retry-After` when given, other 5xx and
    /// network failures back off exponentially with jitter; other 4xx fail at once.
    async fn send(
        &self,
        endpoint: &Endpoint,
        url: &str,
        body: &Value,
        model: &str,
        cancel: &CancellationToken,
    ) -> Result<(reqwest::Response, u32), LlmError> {
        let policy = &self.limits.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let send = self
                .http()?
                .post(url)
                .headers(headers(endpoint)?)
                .json(body)
                .send();
            // Biased: a cancel wins over anything ready at the same moment.
            let outcome = tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(LlmError::new(LlmErrorKind::Cancelled, "cancelled")),
                r = tokio::time::timeout(self.limits.first_byte, send) => r,
            };
            let (error, wait) = match outcome {
                Err(_) => (
                    LlmError::new(
                        LlmErrorKind::Timeout,
                        format!(
                            "the provider did not answer within {} s",
                            self.limits.first_byte.as_secs()
                        ),
                    ),
                    None,
                ),
                Ok(Err(e)) => (network_error(e), None),
                Ok(Ok(response)) if response.status().is_success() => {
                    return Ok((response, attempt))
                }
                Ok(Ok(response)) => {
                    let status = response.status();
                    let retry_after = retry_after(response.headers());
                    let text = response.text().await.unwrap_or_default();
                    let error = status_error(status, &text, model, attempt);
                    let retryable =
                        status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
                    if !retryable {
                        return Err(error);
                    }
                    let honoured = match (status, retry_after) {
                        (
                            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE,
                            Some(d),
                        ) => {
                            if d > MAX_RETRY_AFTER {
                                return Err(error);
                            }
                            Some(d)
                        }
                        _ => None,
                    };
                    (error, honoured)
                }
            };
            if attempt >= policy.max_attempts {
                return Err(error);
            }
            let delay = wait.unwrap_or_else(|| backoff(policy, attempt));
            tokio::select! {
                biased;
                _ = cancel.cancelled() => return Err(LlmError::new(LlmErrorKind::Cancelled, "cancelled")),
                _ = tokio::time::sleep(delay) => {}
            }
        }
    }

    /// Reads a whole body within the size cap; `None` when cancelled.
    async fn read_body(
        &self,
        mut response: reqwest::Response,
        cancel: &CancellationToken,
    ) -> Result<Option<Vec<u8>>, LlmError> {
        let mut out = Vec::new();
        loop {
            match self.next_chunk(&mut response, cancel).await? {
                Chunk::Cancelled => return Ok(None),
                Chunk::End => return Ok(Some(out)),
                Chunk::Broken(reason) => {
                    return Err(LlmError::malformed(format!(
                        "the answer broke off: {reason}"
                    )))
                }
                Chunk::Bytes(b) => {
                    out.extend_from_slice(&b);
                    self.check_size(out.len())?;
                }
            }
        }
    }

    async fn read_stream(
        &self,
        kind: ProviderKind,
        mut response: reqwest::Response,
        state: &mut StreamState,
        cancel: &CancellationToken,
        mut emit: impl FnMut(usize, &str),
    ) -> Result<Ending, LlmError> {
        let mut decoder = SseDecoder::default();
        let mut total = 0;
        loop {
            let bytes = match self.next_chunk(&mut response, cancel).await? {
                Chunk::Cancelled => return Ok(Ending::Cancelled),
                Chunk::Broken(reason) => return Ok(Ending::Cut(reason)),
                Chunk::End => {
                    return Ok(if state.done {
                        Ending::Complete
                    } else if decoder.has_partial() {
                        Ending::Cut("the stream broke off in the middle of an event".into())
                    } else {
                        Ending::Cut("the stream ended before the model finished".into())
                    })
                }
                Chunk::Bytes(b) => b,
            };
            total += bytes.len();
            self.check_size(total)?;
            let events = decoder.feed(&bytes).map_err(|e| LlmError::malformed(e.0))?;
            for event in events {
                match kind {
                    ProviderKind::Anthropic => anthropic::read_event(&event, state, &mut emit)?,
                    _ => openai::read_event(&event, state, &mut emit)?,
                }
            }
            if state.done {
                return Ok(Ending::Complete);
            }
        }
    }

    async fn next_chunk(
        &self,
        response: &mut reqwest::Response,
        cancel: &CancellationToken,
    ) -> Result<Chunk, LlmError> {
        tokio::select! {
            // Biased: once cancelled, no more text is taken, even if some is waiting.
            biased;
            // Returning drops the response, which closes the connection.
            _ = cancel.cancelled() => Ok(Chunk::Cancelled),
            r = tokio::time::timeout(self.limits.idle, response.chunk()) => Ok(match r {
                Err(_) => Chunk::Broken(format!("nothing arrived for {} s", self.limits.idle.as_secs())),
                Ok(Err(e)) => Chunk::Broken(format!("the connection failed: {e}")),
                Ok(Ok(None)) => Chunk::End,
                Ok(Ok(Some(b))) => Chunk::Bytes(b.to_vec()),
            }),
        }
    }

    fn check_size(&self, total: usize) -> Result<(), LlmError> {
        if total > self.limits.max_response_bytes {
            return Err(LlmError::new(
                LlmErrorKind::ResponseTooLarge,
                format!(
                    "the answer passed {} MiB, so Draftloop stopped reading it",
                    self.limits.max_response_bytes / (1024 * 1024)
                ),
            ));
        }
        Ok(())
    }
}

enum Chunk {
    Bytes(Vec<u8>),
    End,
    Broken(String),
    Cancelled,
}

fn cancelled(state: StreamState, attempts: u32, started: Instant) -> Completion {
    Completion {
        variants: state.variants,
        prompt_tokens: None,
        ending: Ending::Cancelled,
        latency_ms: started.elapsed().as_millis() as u64,
        first_token_ms: None,
        attempts,
    }
}

fn openai_base(endpoint: &Endpoint) -> &str {
    endpoint.base_url.trim_end_matches('/')
}

fn headers(endpoint: &Endpoint) -> Result<HeaderMap, LlmError> {
    let mut h = HeaderMap::new();
    let bad_key = || {
        LlmError::new(
            LlmErrorKind::Auth,
            "the API key contains characters HTTP cannot carry",
        )
    };
    match (endpoint.kind, &endpoint.api_key) {
        (ProviderKind::Anthropic, key) => {
            h.insert("anthropic-version", HeaderValue::from_static("2023-06-01"));
            if let Some(key) = key {
                let mut v = HeaderValue::from_str(key.expose()).map_err(|_| bad_key())?;
                v.set_sensitive(true);
                h.insert("x-api-key", v);
            }
        }
        (_, Some(key)) => {
            let mut v = HeaderValue::from_str(&format!("Bearer {}", key.expose()))
                .map_err(|_| bad_key())?;
            v.set_sensitive(true);
            h.insert(reqwest::header::AUTHORIZATION, v);
        }
        (_, None) => {}
    }
    Ok(h)
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    v.parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

/// base · 2^(attempt−1), capped, times a jitter in [0.8, 1.2) so clients spread out.
fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = policy
        .base_delay
        .saturating_mul(1u32 << (attempt - 1).min(16))
        .min(policy.max_delay);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let jitter = 0.8 + 0.4 * f64::from(nanos % 1000) / 1000.0;
    exp.mul_f64(jitter)
}

fn network_error(e: reqwest::Error) -> LlmError {
    if e.is_timeout() {
        LlmError::new(LlmErrorKind::Timeout, "the provider did not answer in time")
    } else if e.is_connect() {
        LlmError::new(
            LlmErrorKind::Unreachable,
            "could not reach the provider: check the base URL and that the server is running",
        )
    } else {
        LlmError::new(
            LlmErrorKind::Unreachable,
            format!("the request failed: {e}"),
        )
    }
}

/// The provider's own error message, if its body has one.
fn provider_message(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["error"]["message"].as_str().map(str::to_owned))
        .unwrap_or_else(|| truncate(body.trim(), 200).to_owned())
}

fn status_error(status: StatusCode, body: &str, model: &str, attempts: u32) -> LlmError {
    let said = provider_message(body);
    let lower = said.to_lowercase();
    let code = status.as_u16();
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => LlmError::new(
            LlmErrorKind::Auth,
            format!("the provider rejected the API key (HTTP {code}): {said}"),
        ),
        StatusCode::NOT_FOUND => LlmError::new(
            LlmErrorKind::ModelNotFound,
            format!("the provider does not know model \"{model}\" (HTTP 404): {said}"),
        ),
        StatusCode::TOO_MANY_REQUESTS => LlmError::new(
            LlmErrorKind::RateLimited,
            format!(
                "the provider is rate limiting requests (HTTP 429, {attempts} attempts): {said}"
            ),
        ),
        _ if lower.contains("context")
            && (lower.contains("length")
                || lower.contains("too long")
                || lower.contains("maximum"))
            || body.contains("context_length_exceeded") =>
        {
            LlmError::new(
                LlmErrorKind::ContextTooLong,
                format!("the prompt is too long for this model: {said}"),
            )
        }
        _ if status.is_server_error() => LlmError::new(
            LlmErrorKind::Provider,
            format!("the provider failed (HTTP {code}) after {attempts} attempts: {said}"),
        ),
        _ => LlmError::new(
            LlmErrorKind::Provider,
            format!("the provider refused the request (HTTP {code}): {said}"),
        ),
    }
}
