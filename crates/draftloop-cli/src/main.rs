//! `draftloop`: the core, headless, for pipelines and tests.
//!
//! Success exits 0. A bad input prints one line on stderr, exits non-zero and changes
//! nothing (every write in the core is one transaction).

mod dataset;
mod documents;
mod generate;
mod metrics;
mod mine;
mod output;
mod people;
mod projects;
mod prompts;
mod providers;
mod review;
mod routing;

use std::path::PathBuf;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use std::sync::Arc;

use draftloop_core::host::TerminalHost;
use draftloop_core::{data_dir, Actor, Core, Error, ErrorKind};

#[derive(Parser)]
#[command(
    name = "draftloop",
    version,
    about = "Co-draft with an LLM and keep a human in the loop"
)]
struct Cli {
    /// Workspace folder (holds draftloop.db). Default: $DRAFTLOOP_DATA_DIR, else the OS app-data dir.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Add, list, rename or remove projects.
    #[command(subcommand)]
    Projects(projects::ProjectsCommand),
    /// Add, list or show documents.
    #[command(subcommand)]
    Documents(documents::DocumentsCommand),
    /// Add, list, test or remove LLM providers (keys go to the OS keychain).
    #[command(subcommand)]
    Providers(providers::ProvidersCommand),
    /// Generate with a provider, streaming to stdout, and record the generation.
    Generate(generate::GenerateArgs),
    /// Mine draft→final edits into prompt-refinement suggestions.
    Mine(mine::MineArgs),
    /// Import history (prompts, drafts, finals, feedback) from JSONL.
    Import(dataset::ImportArgs),
    /// Export feedback as a dataset: sft, openai-sft, dpo, openai-dpo, kto, ratings, csv, parquet.
    Export(dataset::ExportArgs),
    /// Save or list a project's prompt versions.
    #[command(subcommand)]
    Prompts(prompts::PromptsCommand),
    /// Set or show a project's routing policy (the review gate).
    #[command(subcommand)]
    Routing(routing::RoutingCommand),
    /// Draft a CSV of briefs, one document per row, each scored and routed.
    Batch(review::BatchArgs),
    /// List what waits for a reviewer.
    #[command(subcommand)]
    Queue(review::QueueCommand),
    /// Approve, reject or escalate a document waiting for review.
    Review(review::ReviewArgs),
    /// Write a project's approved copy (Markdown files or a CSV) and mark it published.
    Publish(review::PublishArgs),
    /// List people or give one a role.
    #[command(subcommand)]
    People(people::PeopleCommand),
    /// Verify or export the hash-chained audit log.
    #[command(subcommand)]
    Audit(review::AuditCommand),
    /// Is the loop working: drafts, decisions, intervention and approval rates, review
    /// time, edit distance by prompt version, routing quality and agreement.
    Metrics(metrics::MetricsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let dir = data_dir::resolve(cli.data_dir);
    let result = Core::open(&dir, Actor::local_user(), Arc::new(TerminalHost)).and_then(|core| {
        match cli.command {
            Command::Projects(cmd) => core.with(|ws| projects::run(ws, cmd)),
            Command::Documents(cmd) => core.with(|ws| documents::run(ws, cmd)),
            Command::Providers(cmd) => providers::run(&core, cmd),
            Command::Generate(args) => generate::run(&core, args),
            Command::Mine(args) => core.with(|ws| mine::run(ws, args)),
            Command::Import(args) => dataset::import(&core, args),
            Command::Export(args) => dataset::export(&core, args),
            Command::Prompts(cmd) => core.with(|ws| prompts::run(ws, cmd)),
            Command::Routing(cmd) => core.with(|ws| routing::run(ws, cmd)),
            Command::Batch(args) => review::batch(&core, args),
            Command::Queue(cmd) => review::queue(&core, cmd),
            Command::Review(args) => review::review(&core, args),
            Command::Audit(cmd) => review::audit(&core, cmd),
            Command::People(cmd) => core.with(|ws| people::run(ws, cmd)),
            Command::Publish(args) => review::publish(&core, args),
            Command::Metrics(args) => metrics::run(&core, args),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            exit_code(&e)
        }
    }
}

/// 2 for input the user can fix, 1 for everything else.
fn exit_code(e: &Error) -> ExitCode {
    match e.kind() {
        ErrorKind::InvalidInput | ErrorKind::NotFound | ErrorKind::Conflict => ExitCode::from(2),
        _ => ExitCode::FAILURE,
    }
}
