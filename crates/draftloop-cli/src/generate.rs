use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use clap::Args;
use draftloop_core::generation::GenerationContext;
use draftloop_core::keychain::OsKeychain;
use draftloop_core::llm::{
    ChatMessage, CompletionRequest, Ending, Limits, LlmClient, LlmError, LlmErrorKind, Role, Token,
};
use draftloop_core::{Error, Result, Workspace};
use tokio_util::sync::CancellationToken;

#[derive(Args)]
pub struct GenerateArgs {
    #[arg(long)]
    provider: String,
    /// Defaults to the provider's model.
    #[arg(long)]
    model: Option<String>,
    #[arg(long)]
    system: Option<String>,
    /// The user message. Without it, --project's latest prompt version is used.
    #[arg(long, required_unless_present = "project")]
    prompt: Option<String>,
    /// Use this project's latest prompt version, filled with --var values.
    #[arg(long, conflicts_with_all = ["prompt", "system"])]
    project: Option<String>,
    /// A prompt variable, as name=value; repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Variants to generate, 1–4.
    #[arg(short = 'n', default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=4))]
    n: u8,
    #[arg(long)]
    temperature: Option<f32>,
    #[arg(long, default_value_t = 1024)]
    max_tokens: u32,
    /// Ask for the whole answer at once instead of streaming it.
    #[arg(long)]
    no_stream: bool,
}

fn parse_var(s: &str) -> std::result::Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("expected NAME=VALUE, got {s:?}"))
}

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

pub fn run(ws: &mut Workspace, args: GenerateArgs) -> Result<()> {
    let provider = ws.provider_named(&args.provider)?;
    let endpoint = ws.endpoint(&provider, &OsKeychain)?;
    let (messages, prompt_version_id) = match (&args.project, &args.prompt) {
        (Some(name), _) => {
            let project = ws.project_named(name)?;
            let version = ws.latest_prompt(&project.id)?.ok_or_else(|| {
                Error::InvalidInput(format!("project \"{}\" has no prompt yet", project.name))
            })?;
            let values: BTreeMap<String, String> = args.vars.into_iter().collect();
            (version.messages(&values)?, Some(version.id))
        }
        (None, Some(prompt)) => {
            let mut messages = Vec::new();
            if let Some(system) = args.system.filter(|s| !s.trim().is_empty()) {
                messages.push(ChatMessage::new(Role::System, system));
            }
            messages.push(ChatMessage::new(Role::User, prompt.clone()));
            (messages, None)
        }
        (None, None) => return Err(Error::InvalidInput("give --prompt or --project".into())),
    };
    let request = CompletionRequest {
        n: args.n,
        temperature: args.temperature,
        max_tokens: args.max_tokens,
        stream: !args.no_stream,
        ..CompletionRequest::new(
            args.model.unwrap_or(provider.default_model.clone()),
            messages,
        )
    };
    let n = args.n;
    let labelled = n > 1;
    if labelled && request.stream {
        println!("=== variant 1 ===");
    }
    // Variant 1 streams live; the others are printed, labelled, once complete.
    let sink = Arc::new(move |t: Token| {
        if t.variant == 0 {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(t.text.as_bytes());
            let _ = out.flush();
        }
    });
    let client = LlmClient::new(Limits::default())?;
    let cancel = CancellationToken::new();
    let outcome = runtime()?.block_on(client.complete(&endpoint, &request, &cancel, sink));
    let recorded = ws.record_generation(
        &GenerationContext {
            document_id: None,
            provider: &provider.name,
            prompt_version_id: prompt_version_id.as_deref(),
            request: &request,
        },
        &outcome,
    )?;
    let completion = outcome?;
    for (i, v) in completion.variants.iter().enumerate() {
        if i == 0 && request.stream {
            println!();
            continue;
        }
        if labelled {
            if i > 0 {
                println!();
            }
            println!("=== variant {} ===", i + 1);
        }
        println!("{}", v.text);
    }
    let group = recorded
        .first()
        .map(|g| g.group_id.as_str())
        .unwrap_or_default();
    match completion.ending {
        Ending::Complete => {
            eprintln!(
                "recorded generation group {group}: {n} variant(s), {} ms",
                completion.latency_ms
            );
            Ok(())
        }
        Ending::Cut(reason) => Err(Error::Llm(LlmError {
            kind: LlmErrorKind::Provider,
            message: format!(
                "the answer is incomplete ({reason}); the partial text was recorded in group {group}"
            ),
        })),
        Ending::Cancelled => Err(Error::Llm(LlmError {
            kind: LlmErrorKind::Cancelled,
            message: "cancelled".into(),
        })),
    }
}
