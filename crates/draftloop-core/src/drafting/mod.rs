//! Drafting: a brief becomes variants from a model, notes become a revision to accept
//! or reject, and a generation goes into the document without losing what a person
//! typed. The use cases here are the only generate and revise flows: the desktop app
//! and the CLI call them.

pub mod generation;
mod grouped;
pub(crate) use grouped::GroupCommit;
pub mod prompt;
pub mod revision;

use std::collections::BTreeMap;

use crate::document::{Document, DocumentText};
use crate::error::{Error, Result};
use crate::host::stamp;
use crate::llm::{Cancel, Completion, CompletionRequest, LlmError, LlmErrorKind};
// What a front end needs of the model's side to ask and to show the answer.
pub use crate::llm::{ChatMessage, Ending, ProviderKind, Role, Token, TokenSink};
use crate::provider::{Provider, ProviderCheck};
use crate::services::Core;
use generation::{GenerateRequest, Generation, GenerationContext, ReviseRequest};
use prompt::revision_messages;

/// What the model is asked to write from.
#[derive(Debug, Clone, PartialEq)]
pub enum Brief {
    /// A document's brief, through its project's latest prompt version; the variants
    /// are the document's.
    Document(String),
    /// A project's latest prompt version filled with these values; the variants belong
    /// to no document.
    Project {
        name: String,
        values: BTreeMap<String, String>,
    },
    /// Messages as they are, with no prompt version.
    Messages(Vec<ChatMessage>),
}

/// A request for variants.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftRequest {
    /// Chosen by the front end, so it can cancel variants while they stream.
    pub request_id: String,
    pub brief: Brief,
    pub provider: String,
    /// The provider's default model when `None` or blank.
    pub model: Option<String>,
    /// 1–4.
    pub n: u8,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    pub stream: bool,
    /// Put the first variant in the document and route it through the review gate, in
    /// the transaction that records it (batches and fallbacks).
    pub route: Option<RouteDraft>,
}

/// How a drafted variant goes to the review gate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RouteDraft {
    /// The rejected generation this draft replaces.
    pub fallback_of: Option<String>,
    /// Told once the model has answered, before the draft is written.
    pub answered: Option<Answered>,
}

/// Says once whether the model's answer came back whole, before the draft is written:
/// a batch worker sends its next request while this draft's commit waits its turn, so
/// the network and the disk work at the same time.
#[derive(Clone)]
pub struct Answered(std::sync::Arc<std::sync::Mutex<Option<tokio::sync::oneshot::Sender<bool>>>>);

impl Answered {
    /// The signal, and where it is heard (closed unheard when the draft never reached
    /// the model, as for a row drafted before).
    pub fn new() -> (Self, tokio::sync::oneshot::Receiver<bool>) {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        (
            Answered(std::sync::Arc::new(std::sync::Mutex::new(Some(sender)))),
            receiver,
        )
    }

    fn tell(&self, whole: bool) {
        let sender = self.0.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(sender) = sender {
            let _ = sender.send(whole);
        }
    }
}

impl PartialEq for Answered {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for Answered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Answered")
    }
}

impl From<GenerateRequest> for DraftRequest {
    fn from(r: GenerateRequest) -> Self {
        DraftRequest {
            request_id: r.request_id,
            brief: Brief::Document(r.document_id),
            provider: r.provider,
            model: r.model,
            n: r.n,
            temperature: r.temperature,
            max_tokens: None,
            stream: true,
            route: None,
        }
    }
}

/// Recorded variants and how the answer ended (an answer cut off or cancelled keeps
/// what arrived, marked incomplete).
#[derive(Debug, Clone, PartialEq)]
pub struct Drafted {
    pub generations: Vec<Generation>,
    pub ending: Ending,
    pub latency_ms: u64,
    /// Where the review gate sent the draft, when it was asked to route it.
    pub routed: Option<crate::review::Route>,
}

impl Drafted {
    /// `Ok` when the answer arrived whole; else what happened to it, in words.
    pub fn whole(&self) -> Result<()> {
        let group = self
            .generations
            .first()
            .map(|g| g.group_id.as_str())
            .unwrap_or_default();
        match &self.ending {
            Ending::Complete => Ok(()),
            Ending::Cut(reason) => Err(Error::Llm(LlmError {
                kind: LlmErrorKind::Provider,
                message: format!(
                    "the answer is incomplete ({reason}); the partial text was recorded in group {group}"
                ),
            })),
            Ending::Cancelled => Err(Error::Cancelled(format!(
                "cancelled; what had arrived was recorded in group {group}"
            ))),
        }
    }
}

/// Runs `f`, which blocks on the workspace (its lock, a commit's fsync), telling a
/// multi-threaded runtime first so the requests of other drafts go on meanwhile on
/// another thread; on a single-threaded one it simply runs.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// Messages `brief` asks with, the prompt version they came from, and the document.
struct Asked {
    messages: Vec<ChatMessage>,
    prompt_version_id: Option<String>,
    document_id: Option<String>,
}

impl Core {
    fn asked(&self, brief: &Brief) -> Result<Asked> {
        self.read(|ws| match brief {
            Brief::Document(id) => {
                let document = ws.document(id)?;
                let version = ws.latest_prompt(&document.project_id)?.ok_or_else(|| {
                    Error::invalid(
                        "write the project's prompt first (Prompt, in the document header)",
                    )
                })?;
                let author = ws.document_author(&document.id)?;
                Ok(Asked {
                    messages: version.messages_for(&document.values(), author.as_deref())?,
                    prompt_version_id: Some(version.id),
                    document_id: Some(document.id),
                })
            }
            Brief::Project { name, values } => {
                let project = ws.project_named(name)?;
                let version = ws.latest_prompt(&project.id)?.ok_or_else(|| {
                    Error::invalid(format!("project \"{}\" has no prompt yet", project.name))
                })?;
                Ok(Asked {
                    messages: version.messages(values)?,
                    prompt_version_id: Some(version.id),
                    document_id: None,
                })
            }
            Brief::Messages(messages) => {
                if !messages.iter().any(|m| m.role == Role::User) {
                    return Err(Error::invalid("give the model something to answer"));
                }
                Ok(Asked {
                    messages: messages.clone(),
                    prompt_version_id: None,
                    document_id: None,
                })
            }
        })
    }

    /// Sends `request` with `provider`'s key, streaming to `sink`, with each variant
    /// cancellable under `request_id` while it runs; records the outcome, failed or
    /// not, before a failure is returned.
    async fn complete_and_record(
        &self,
        request_id: &str,
        provider: &Provider,
        asked: &Asked,
        request: CompletionRequest,
        sink: TokenSink,
        route: Option<&RouteDraft>,
    ) -> Result<(
        Vec<Generation>,
        std::result::Result<Completion, LlmError>,
        Option<crate::review::Route>,
    )> {
        let endpoint = self.read(|ws| ws.endpoint(provider, self.host().keychain()))?;
        let cancel = Cancel::new(request.n.into());
        {
            let mut running = self.drafting();
            if running.contains_key(request_id) {
                return Err(Error::Conflict(format!(
                    "request {request_id} is already running"
                )));
            }
            running.insert(request_id.to_owned(), cancel.clone());
        }
        let outcome = self
            .llm()
            .complete_variants(&endpoint, &request, &cancel, sink)
            .await;
        self.drafting().remove(request_id);
        let now = self.host().now();
        let at = stamp(now);
        let (recorded, routed) = match route {
            // The gate's drafts are written in groups: one commit for several.
            Some(route) => {
                let judge = self.judge_draft(asked, &outcome).await;
                if let Some(answered) = &route.answered {
                    answered.tell(matches!(&outcome, Ok(c) if c.ending == Ending::Complete));
                }
                let judge = judge?;
                let job = grouped::RecordJob {
                    document_id: asked.document_id.clone(),
                    provider: provider.name.clone(),
                    prompt_version_id: asked.prompt_version_id.clone(),
                    request: request.clone(),
                    outcome: outcome.clone(),
                    at,
                    now,
                    route: Some(route.clone()),
                    judge,
                };
                self.record_grouped(job).await?
            }
            None => {
                let ctx = GenerationContext {
                    document_id: asked.document_id.as_deref(),
                    provider: &provider.name,
                    prompt_version_id: asked.prompt_version_id.as_deref(),
                    request: &request,
                };
                let recorded =
                    blocking(|| self.with(|ws| ws.record_generation_at(&ctx, &outcome, at)))?;
                (recorded, None)
            }
        };
        Ok((recorded, outcome, routed))
    }

    /// The project's judge's rating of a routed draft, when the policy names one: one
    /// short, unrecorded request to that provider. A judge that fails or answers
    /// something else gives no rating (the score says so), never a failed draft.
    async fn judge_draft(
        &self,
        asked: &Asked,
        outcome: &std::result::Result<Completion, LlmError>,
    ) -> Result<Option<crate::review::confidence::JudgeVerdict>> {
        let (Some(document_id), Ok(c)) = (asked.document_id.as_deref(), outcome) else {
            return Ok(None);
        };
        let Some(draft) = c
            .variants
            .first()
            .filter(|v| !v.incomplete && !v.text.trim().is_empty())
        else {
            return Ok(None);
        };
        let found = self.read(|ws| {
            let project = ws.project(&ws.document(document_id)?.project_id)?;
            let Some(judge) = project.routing.judge.clone() else {
                return Ok(None);
            };
            let provider = ws.provider_named(&judge.provider)?;
            let endpoint = ws.endpoint(&provider, self.host().keychain())?;
            Ok(Some((project, provider, endpoint)))
        })?;
        let Some((project, provider, endpoint)) = found else {
            return Ok(None);
        };
        let asked_for = asked
            .messages
            .iter()
            .rev()
            .find(|m| m.role == Role::User)
            .map(|m| m.content.as_str())
            .unwrap_or_default();
        let mut request = CompletionRequest::new(
            provider.default_model.clone(),
            prompt::judge_messages(&project.rubric, asked_for, &draft.text),
        );
        request.stream = false;
        request.temperature = Some(0.0);
        request.max_tokens = 8;
        let answer = self
            .llm()
            .complete_variants(
                &endpoint,
                &request,
                &Cancel::new(1),
                std::sync::Arc::new(|_| {}),
            )
            .await;
        let (score, note) = match answer {
            Ok(c) => {
                let text = c
                    .variants
                    .first()
                    .map(|v| v.text.trim().to_owned())
                    .unwrap_or_default();
                match text
                    .chars()
                    .next()
                    .and_then(|d| d.to_digit(10))
                    .filter(|d| (1..=5).contains(d))
                {
                    Some(d) => (Some(d as u8), None),
                    None => (
                        None,
                        Some(format!(
                            "it answered \"{}\"",
                            text.chars().take(40).collect::<String>()
                        )),
                    ),
                }
            }
            Err(e) => (None, Some(e.message)),
        };
        Ok(Some(crate::review::confidence::JudgeVerdict {
            provider: provider.name,
            score,
            note,
        }))
    }

    /// Generates 1–4 variants from `request`'s brief and records each as a generation
    /// of one group.
    pub async fn generate(&self, request: DraftRequest, sink: TokenSink) -> Result<Drafted> {
        let asked = self.asked(&request.brief)?;
        let provider = self.read(|ws| ws.provider_named(&request.provider))?;
        let model = request
            .model
            .clone()
            .filter(|m| !m.trim().is_empty())
            .unwrap_or_else(|| provider.default_model.clone());
        // Token probabilities are the review gate's first signal: asked of every
        // OpenAI-kind provider until one says it does not give them.
        let logprobs = provider.kind != ProviderKind::Anthropic
            && !self.read(|ws| ws.refuses_logprobs(&provider.id))?;
        let defaults = CompletionRequest::new(model, asked.messages.clone());
        let completion_request = CompletionRequest {
            n: request.n.clamp(1, 4),
            temperature: request.temperature,
            max_tokens: request.max_tokens.unwrap_or(defaults.max_tokens),
            stream: request.stream,
            logprobs,
            ..defaults
        };
        let (mut generations, mut outcome, mut routed) = self
            .complete_and_record(
                &request.request_id,
                &provider,
                &asked,
                completion_request.clone(),
                sink.clone(),
                request.route.as_ref(),
            )
            .await?;
        if logprobs && matches!(&outcome, Err(e) if crate::review::refused_logprobs(e)) {
            self.with(|ws| ws.remember_refuses_logprobs(&provider.id))?;
            (generations, outcome, routed) = self
                .complete_and_record(
                    &request.request_id,
                    &provider,
                    &asked,
                    CompletionRequest {
                        logprobs: false,
                        ..completion_request
                    },
                    sink,
                    request.route.as_ref(),
                )
                .await?;
        }
        let completion = outcome?;
        Ok(Drafted {
            generations,
            ending: completion.ending,
            latency_ms: completion.latency_ms,
            routed,
        })
    }

    /// Revises the document's current text with the person's notes. The revision comes
    /// back as a generation for the person to accept or reject; nothing is overwritten.
    pub async fn revise(&self, request: ReviseRequest, sink: TokenSink) -> Result<Generation> {
        let (asked, provider) = self.with(|ws| {
            let document = ws.document(&request.document_id)?;
            let version = ws.latest_prompt(&document.project_id)?;
            let author = ws.document_author(&document.id)?;
            let messages = revision_messages(
                version.as_ref(),
                &document.values(),
                &document.body_markdown,
                &request.notes,
                author.as_deref(),
            )?;
            let asked = Asked {
                messages,
                prompt_version_id: version.map(|v| v.id),
                document_id: Some(document.id),
            };
            Ok((asked, ws.provider_named(&request.provider)?))
        })?;
        let completion_request =
            CompletionRequest::new(provider.default_model.clone(), asked.messages.clone());
        let (mut generations, outcome, _) = self
            .complete_and_record(
                &request.request_id,
                &provider,
                &asked,
                completion_request,
                sink,
                None,
            )
            .await?;
        outcome?;
        generations
            .pop()
            .ok_or_else(|| Error::Internal("the revision was not recorded".into()))
    }

    /// Stops variant `variant` of a running request; a finished or unknown one is
    /// left alone (the person may press Stop just as it ends).
    pub fn cancel_variant(&self, request_id: &str, variant: usize) {
        if let Some(cancel) = self.drafting().get(request_id) {
            cancel.variant(variant);
        }
    }

    /// Puts a generation's text into the document, keeping the person's text as a
    /// revision first.
    pub fn apply(
        &self,
        document_id: &str,
        generation_id: &str,
        text: &DocumentText,
    ) -> Result<Document> {
        self.with(|ws| ws.apply_generation(document_id, generation_id, text))
    }

    /// Puts an earlier revision's text back, as a new revision.
    pub fn restore(&self, document_id: &str, revision_id: &str) -> Result<Document> {
        self.with(|ws| ws.restore_revision(document_id, revision_id))
    }

    /// "Test connection": one tiny completion with the provider's model, no retries.
    pub async fn test_provider(&self, name: &str) -> Result<ProviderCheck> {
        let (provider, endpoint) = self.with(|ws| {
            let provider = ws.provider_named(name)?;
            let endpoint = ws.endpoint(&provider, self.host().keychain())?;
            Ok((provider, endpoint))
        })?;
        let outcome = self.llm().check(&endpoint, &provider.default_model).await;
        Ok(ProviderCheck::from_outcome(
            &provider.default_model,
            &outcome,
        ))
    }
}
