//! Talking to LLM endpoints: the OpenAI chat-completions API (OpenAI itself and every
//! OpenAI-compatible server) and the Anthropic Messages API, streamed or not.
//!
//! The client owns the network concerns: timeouts for connecting, the first byte and
//! idle gaps; retries with backoff that honour `Retry-After`; a cap on response size;
//! cancellation that drops the connection. The dialect modules only build requests and
//! read answers.

mod anthropic;
mod client;
#[doc(hidden)]
pub mod fuzzing;
pub mod local;
mod openai;
pub mod sse;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use client::{Cancel, Limits, LlmClient, RetryPolicy, TokenSink};

use crate::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

impl ChatMessage {
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        ChatMessage {
            role,
            content: content.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ProviderKind {
    Openai,
    Anthropic,
    OpenaiCompatible,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Openai => "openai",
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::OpenaiCompatible => "openai-compatible",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "openai" => Some(ProviderKind::Openai),
            "anthropic" => Some(ProviderKind::Anthropic),
            "openai-compatible" => Some(ProviderKind::OpenaiCompatible),
            _ => None,
        }
    }
}

/// Where to send a request and with which key.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub kind: ProviderKind,
    /// As the official SDKs take it: `…/v1` for OpenAI, the host for Anthropic.
    pub base_url: String,
    pub api_key: Option<Secret>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CompletionRequest {
    pub model: String,
    pub messages: Vec<ChatMessage>,
    /// Variants to generate, 1–4.
    pub n: u8,
    pub temperature: Option<f32>,
    pub max_tokens: u32,
    /// Ask for token logprobs where the API offers them (OpenAI).
    pub logprobs: bool,
    pub stream: bool,
}

impl CompletionRequest {
    pub fn new(model: impl Into<String>, messages: Vec<ChatMessage>) -> Self {
        CompletionRequest {
            model: model.into(),
            messages,
            n: 1,
            temperature: None,
            max_tokens: 1024,
            logprobs: false,
            stream: true,
        }
    }
}

/// One variant's text as it arrived.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Variant {
    pub text: String,
    /// True when the answer stopped before the model finished it.
    pub incomplete: bool,
    pub finish_reason: Option<String>,
    pub logprobs: Vec<f64>,
    pub completion_tokens: Option<u32>,
}

impl Variant {
    /// (mean, min) of the token logprobs, when the provider sent any.
    pub fn logprob_summary(&self) -> Option<(f64, f64)> {
        if self.logprobs.is_empty() {
            return None;
        }
        let sum: f64 = self.logprobs.iter().sum();
        let min = self.logprobs.iter().copied().fold(f64::INFINITY, f64::min);
        Some((sum / self.logprobs.len() as f64, min))
    }
}

/// How a completion ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    Complete,
    /// The stream broke off; what arrived is kept.
    Cut(String),
    Cancelled,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub variants: Vec<Variant>,
    pub prompt_tokens: Option<u32>,
    pub ending: Ending,
    pub latency_ms: u64,
    pub first_token_ms: Option<u64>,
    /// Requests made, including retries.
    pub attempts: u32,
}

impl Completion {
    /// A completion that ended whole with these variants' texts, as when a draft is
    /// recorded from elsewhere than a provider's stream.
    pub fn whole<S: Into<String>>(texts: impl IntoIterator<Item = S>) -> Completion {
        Completion {
            variants: texts
                .into_iter()
                .map(|t| Variant {
                    text: t.into(),
                    ..Variant::default()
                })
                .collect(),
            prompt_tokens: None,
            ending: Ending::Complete,
            latency_ms: 0,
            first_token_ms: None,
            attempts: 1,
        }
    }
}

/// A streamed piece of text for variant `variant` (0-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Token {
    pub variant: u32,
    pub text: String,
}

/// What went wrong talking to a provider, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct LlmError {
    pub kind: LlmErrorKind,
    pub message: String,
}

/// An LLM failure's kind is one of the core's error kinds, so it reaches the UI as is.
pub type LlmErrorKind = crate::error::ErrorKind;

impl LlmError {
    pub(crate) fn new(kind: LlmErrorKind, message: impl Into<String>) -> Self {
        LlmError {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Self::new(LlmErrorKind::MalformedResponse, message)
    }
}
