use std::io::Write;
use std::sync::Arc;

use clap::Args;
use draftloop_core::drafting::{Brief, ChatMessage, DraftRequest, Role, Token};
use draftloop_core::{Core, Error, Result};

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

pub fn run(core: &Core, args: GenerateArgs) -> Result<()> {
    let brief = match (args.project, args.prompt) {
        (Some(name), _) => Brief::Project {
            name,
            values: args.vars.into_iter().collect(),
        },
        (None, Some(prompt)) => {
            let mut messages = Vec::new();
            if let Some(system) = args.system.filter(|s| !s.trim().is_empty()) {
                messages.push(ChatMessage::new(Role::System, system));
            }
            messages.push(ChatMessage::new(Role::User, prompt));
            Brief::Messages(messages)
        }
        (None, None) => return Err(Error::InvalidInput("give --prompt or --project".into())),
    };
    let request = DraftRequest {
        request_id: "cli".into(),
        brief,
        provider: args.provider,
        model: args.model,
        n: args.n,
        temperature: args.temperature,
        max_tokens: Some(args.max_tokens),
        stream: !args.no_stream,
        route: None,
    };
    let (n, streamed) = (args.n, request.stream);
    let labelled = n > 1;
    if labelled && streamed {
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
    let drafted = runtime()?.block_on(core.generate(request, sink))?;
    for (i, g) in drafted.generations.iter().enumerate() {
        if i == 0 && streamed {
            println!();
            continue;
        }
        if labelled {
            if i > 0 {
                println!();
            }
            println!("=== variant {} ===", i + 1);
        }
        println!("{}", g.output);
    }
    drafted.whole()?;
    let group = drafted
        .generations
        .first()
        .map(|g| g.group_id.as_str())
        .unwrap_or_default();
    eprintln!(
        "recorded generation group {group}: {n} variant(s), {} ms",
        drafted.latency_ms
    );
    Ok(())
}
