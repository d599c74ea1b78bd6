//! The review gate from the command line: batches, the queue, decisions, the audit log.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use draftloop_core::feedback::Verdict;
use draftloop_core::review::batch::{BatchRequest, MAX_CONCURRENCY};
use draftloop_core::review::publish::PublishFormat;
use draftloop_core::review::{DocumentTextInput, QueueFilter, ReviewDecision, ReviewKind, Route};
use draftloop_core::{Core, DocumentStatus, Error, Result};
use serde::Serialize;

use crate::generate::runtime;
use crate::output::{self, Format};
use crate::prompts::project_of;

#[derive(Args)]
pub struct BatchArgs {
    #[arg(long)]
    project: String,
    #[arg(long)]
    provider: String,
    /// One row per document: a column per template variable, and `title` (else the
    /// first column names it).
    #[arg(long)]
    csv: PathBuf,
    /// Rows drafted at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The counts `batch --format json` prints, exactly these keys.
#[derive(Serialize)]
struct BatchCounts {
    rows: u32,
    generated: u32,
    skipped: u32,
    auto_approved: u32,
    queued: u32,
    failed: u32,
}

pub fn batch(core: &Core, args: BatchArgs) -> Result<()> {
    if !(1..=MAX_CONCURRENCY).contains(&args.concurrency) {
        return Err(Error::InvalidInput(format!(
            "--concurrency goes from 1 to {MAX_CONCURRENCY}"
        )));
    }
    let project = core.read(|ws| project_of(ws, &args.project))?;
    let rows = core.batch_rows(&project.id, &args.csv)?;
    let request = BatchRequest {
        project_id: project.id,
        provider: args.provider,
        rows,
        concurrency: args.concurrency,
    };
    let tell = std::io::stderr().is_terminal();
    let summary = runtime()?.block_on(core.batch(
        &format!("batch-{}", std::process::id()),
        request,
        move |p| {
            if tell {
                eprint!("\r{} of {} rows", p.done, p.total);
            }
        },
    ))?;
    if tell {
        eprintln!();
    }
    match args.format {
        Format::Json => output::json(&BatchCounts {
            rows: summary.rows,
            generated: summary.generated,
            skipped: summary.skipped,
            auto_approved: summary.auto_approved,
            queued: summary.queued,
            failed: summary.failed,
        })?,
        Format::Table => {
            println!(
                "{} rows: {} drafted ({} approved by the gate, {} waiting for review), {} skipped (drafted before), {} failed",
                summary.rows,
                summary.generated,
                summary.auto_approved,
                summary.queued,
                summary.skipped,
                summary.failed
            );
            for f in &summary.failures {
                println!("  row {} (\"{}\"): {}", f.row, f.title, f.message);
            }
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum QueueCommand {
    /// What waits for a reviewer: lowest confidence and oldest first.
    List {
        #[arg(long)]
        project: Option<String>,
        #[arg(long, value_parser = clap::value_parser!(u8).range(1..=2))]
        tier: Option<u8>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

/// One queue item as `queue list --format json` prints it.
#[derive(Serialize)]
struct Listed {
    document_id: String,
    title: String,
    confidence: Option<f64>,
    reasons: Vec<String>,
    tier: u8,
    due_at: Option<String>,
    kind: ReviewKind,
    /// Reviews asked for and given (several for a draft drawn for blind reviews).
    reviews_wanted: u8,
    reviews_in: u8,
    reviewed_by_me: bool,
}

pub fn queue(core: &Core, cmd: QueueCommand) -> Result<()> {
    let QueueCommand::List {
        project,
        tier,
        format,
    } = cmd;
    let project_id = match project {
        Some(p) => Some(core.read(|ws| project_of(ws, &p))?.id),
        None => None,
    };
    let items = core.review_queue(&QueueFilter {
        project_id,
        tier,
        ..QueueFilter::default()
    })?;
    match format {
        Format::Json => output::json(
            &items
                .into_iter()
                .map(|i| Listed {
                    document_id: i.document_id,
                    title: i.title,
                    confidence: i.confidence,
                    reasons: i.reasons,
                    tier: i.tier,
                    due_at: i.due_at,
                    kind: i.kind,
                    reviews_wanted: i.reviews_wanted,
                    reviews_in: i.reviews_in,
                    reviewed_by_me: i.reviewed_by_me,
                })
                .collect::<Vec<_>>(),
        )?,
        Format::Table => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|i| {
                    vec![
                        i.confidence.map_or("–".into(), |c| format!("{c:.2}")),
                        i.kind.as_str().into(),
                        i.tier.to_string(),
                        format!(
                            "{}{}{}",
                            i.title,
                            if i.overdue { " (overdue)" } else { "" },
                            match (i.reviews_wanted, i.reviewed_by_me) {
                                (1, _) => String::new(),
                                (n, true) => format!(" ({}/{n} reviews, yours in)", i.reviews_in),
                                (n, false) => format!(" ({}/{n} reviews)", i.reviews_in),
                            }
                        ),
                        i.reasons.join("; "),
                        i.document_id.clone(),
                    ]
                })
                .collect();
            output::table(
                &["CONFIDENCE", "KIND", "TIER", "TITLE", "WHY", "DOCUMENT"],
                &rows,
            )?;
        }
    }
    Ok(())
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReviewVerdict {
    Approve,
    Reject,
    Escalate,
}

#[derive(Args)]
pub struct ReviewArgs {
    document_id: String,
    #[arg(value_enum)]
    verdict: ReviewVerdict,
    /// Why it is rejected (required to reject), or the note for the senior reviewer
    /// (required to escalate).
    #[arg(long)]
    reason: Option<String>,
    /// The text as the reviewer leaves it (Markdown), put in before the decision.
    #[arg(long, value_name = "FINAL.md")]
    text_file: Option<PathBuf>,
}

pub fn review(core: &Core, args: ReviewArgs) -> Result<()> {
    let final_text = match &args.text_file {
        Some(path) => Some(DocumentTextInput {
            body_json: String::new(),
            body_markdown: std::fs::read_to_string(path)
                .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", path.display())))?,
        }),
        None => None,
    };
    let verdict = match args.verdict {
        ReviewVerdict::Approve => Verdict::Approve,
        ReviewVerdict::Reject => Verdict::Reject,
        ReviewVerdict::Escalate => Verdict::Escalate,
    };
    let reviewed = runtime()?.block_on(core.review(ReviewDecision {
        document_id: args.document_id,
        verdict,
        reason: args.reason,
        final_text,
    }))?;
    let title = &reviewed.document.title;
    // A review of a draft that asks for several decides it only once all are in.
    if verdict != Verdict::Escalate
        && reviewed.fallback.is_none()
        && reviewed.document.status == DocumentStatus::InReview
    {
        let waiting = core
            .review_queue(&QueueFilter::default())?
            .into_iter()
            .find(|i| i.document_id == reviewed.document.id && i.reviews_wanted > 1);
        if let Some(i) = waiting {
            if i.tier == 2 {
                println!(
                    "gave your review of \"{title}\"; {}: it goes to a senior reviewer",
                    i.note.as_deref().unwrap_or("the reviewers disagreed")
                );
            } else {
                println!(
                    "gave your review of \"{title}\"; {} of {} reviews are in",
                    i.reviews_in, i.reviews_wanted
                );
            }
            return Ok(());
        }
    }
    match verdict {
        Verdict::Approve => println!("approved \"{title}\""),
        Verdict::Escalate => println!("escalated \"{title}\" to a senior reviewer"),
        _ => {
            println!("rejected \"{title}\"");
            if let Some(f) = &reviewed.fallback {
                match &f.route {
                    Route::AutoApproved { .. } => {
                        println!("the fallback's draft was approved by the gate")
                    }
                    Route::Queued { reasons } => println!(
                        "the fallback's draft waits for review: {}",
                        reasons.join("; ")
                    ),
                }
            }
            if let Some(e) = &reviewed.fallback_error {
                println!("{e}");
            }
        }
    }
    Ok(())
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PublishAs {
    Markdown,
    Csv,
}

#[derive(Args)]
pub struct PublishArgs {
    #[arg(long)]
    project: String,
    /// One Markdown file a document, or one CSV (title, text).
    #[arg(long, value_enum)]
    format: PublishAs,
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

/// Writes the project's approved copy and marks it published.
pub fn publish(core: &Core, args: PublishArgs) -> Result<()> {
    let format = match args.format {
        PublishAs::Markdown => PublishFormat::Markdown,
        PublishAs::Csv => PublishFormat::Csv,
    };
    let summary = core.with(|ws| {
        let project = project_of(ws, &args.project)?;
        ws.publish(&project.id, format, &args.out)
    })?;
    println!(
        "published {} approved documents into {} ({} files)",
        summary.documents,
        args.out.display(),
        summary.files.len()
    );
    Ok(())
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check every device's chain; names the first bad entry.
    Verify,
    /// Write every entry as one JSON line.
    Export {
        #[arg(long, value_name = "FILE.jsonl")]
        out: PathBuf,
    },
}

pub fn audit(core: &Core, cmd: AuditCommand) -> Result<()> {
    match cmd {
        AuditCommand::Verify => {
            let (entries, broken) =
                core.read(|ws| Ok((ws.audit_log()?.len(), ws.verify_audit_log()?)))?;
            if let Some(b) = broken {
                return Err(Error::Internal(format!(
                    "the audit log does not verify: {b}"
                )));
            }
            println!("the audit log verifies: {entries} entries");
        }
        AuditCommand::Export { out } => {
            let entries = core.read(|ws| ws.export_audit_log(&out))?;
            println!("exported {entries} audit entries to {}", out.display());
        }
    }
    Ok(())
}
