//! `import` and `export`: history in from JSONL, feedback datasets out.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use draftloop_core::export::{ExportOptions, ExportProgress, Filters, Format, MinRating};
use draftloop_core::{Core, Error, Result};

use crate::generate::runtime;

#[derive(Args)]
pub struct ImportArgs {
    /// JSONL, one record per line: {"project", "prompt", "draft", "final"?, "thumb"?, …}.
    file: PathBuf,
}

#[derive(Args)]
pub struct ExportArgs {
    /// sft, openai-sft, dpo, openai-dpo, kto, ratings, csv or parquet. Repeatable (or
    /// comma-separated): several formats are written in one pass.
    #[arg(long, required = true, value_delimiter = ',')]
    format: Vec<String>,
    /// A file; with --split, a folder that receives train.<ext> and eval.<ext>. With
    /// several formats, a folder that receives <format>.<ext> (or <format>/ with --split).
    #[arg(long)]
    out: PathBuf,
    #[arg(long)]
    project: Option<String>,
    /// Generations made on or after this date (YYYY-MM-DD or RFC 3339).
    #[arg(long)]
    since: Option<String>,
    /// Generations made before this date.
    #[arg(long)]
    until: Option<String>,
    /// Document status: draft, in_review, approved, rejected, published.
    #[arg(long)]
    status: Option<String>,
    /// DIM=N: the latest rating of DIM is at least N. Repeatable.
    #[arg(long = "min-rating", value_name = "DIM=N")]
    min_ratings: Vec<String>,
    /// Only generations with this tag. Repeatable.
    #[arg(long = "tag")]
    tags: Vec<String>,
    #[arg(long)]
    prompt_version: Option<String>,
    /// Only generations whose latest decision is by this reviewer.
    #[arg(long)]
    reviewer: Option<String>,
    /// Share of the documents for the eval split, e.g. 0.1: by a hash of each document's
    /// id, so a document keeps its side in later exports (at least one document a side).
    #[arg(long, value_name = "R")]
    split: Option<f64>,
    /// Mask emails, phone numbers, card and IBAN numbers and secrets.
    #[arg(long)]
    redact: bool,
    /// Write a dataset card.
    #[arg(long)]
    card: bool,
    /// DPO: an edit counts as a preference above this normalized edit distance.
    #[arg(long, default_value_t = 0.05)]
    min_edit_distance: f64,
}

pub fn import(core: &Core, args: ImportArgs) -> Result<()> {
    let summary = runtime()?.block_on(core.import("cli-import", args.file, |_| {}))?;
    println!(
        "imported {} of {} records ({} already imported), {} feedback events{}",
        summary.imported,
        summary.records,
        summary.already_imported,
        summary.feedback_events,
        if summary.projects_created.is_empty() {
            String::new()
        } else {
            format!("; new projects: {}", summary.projects_created.join(", "))
        }
    );
    Ok(())
}

fn min_rating(spec: &str) -> Result<MinRating> {
    let (dimension, value) = spec
        .split_once('=')
        .ok_or_else(|| Error::InvalidInput(format!("--min-rating takes DIM=N, not \"{spec}\"")))?;
    let value = value.trim().parse().map_err(|_| {
        Error::InvalidInput(format!("--min-rating {spec}: N must be a whole number"))
    })?;
    Ok(MinRating {
        dimension: dimension.trim().to_owned(),
        value,
    })
}

/// Where each format goes: `out` itself for one format, `out/<format>.<ext>` (or
/// `out/<format>/` with a split) for several.
fn outputs(formats: &[Format], out: &Path, split: bool) -> Result<Vec<(Format, PathBuf)>> {
    if let [format] = formats {
        return Ok(vec![(*format, out.to_owned())]);
    }
    if out.exists() && !out.is_dir() {
        return Err(Error::InvalidInput(format!(
            "{} is a file: with several formats, --out names a folder",
            out.display()
        )));
    }
    std::fs::create_dir_all(out)?;
    Ok(formats
        .iter()
        .map(|f| {
            let name = if split {
                f.name().to_owned()
            } else {
                format!("{}.{}", f.name(), f.extension())
            };
            (*f, out.join(name))
        })
        .collect())
}

pub fn export(core: &Core, args: ExportArgs) -> Result<()> {
    let formats = args
        .format
        .iter()
        .map(|f| Format::parse(f))
        .collect::<Result<Vec<_>>>()?;
    let outs = outputs(&formats, &args.out, args.split.is_some())?;
    let opts = ExportOptions {
        format: formats[0],
        filters: Filters {
            project: args.project,
            since: args.since,
            until: args.until,
            status: args.status,
            min_ratings: args
                .min_ratings
                .iter()
                .map(|s| min_rating(s))
                .collect::<Result<_>>()?,
            tags: args.tags,
            prompt_version: args.prompt_version,
            reviewer: args.reviewer,
        },
        split: args.split,
        redact: args.redact,
        card: args.card,
        min_edit_distance: args.min_edit_distance,
    };
    // Progress on a terminal only: pipelines and logs get the summary line alone.
    let live = std::io::stderr().is_terminal();
    let progress = move |p: ExportProgress| {
        if live {
            let _ = write!(
                std::io::stderr(),
                "\rexporting: {} of {} generations",
                p.done,
                p.total
            );
        }
    };
    let split = opts.split.is_some();
    let summaries = runtime()?.block_on(core.export("cli-export", opts, outs, progress))?;
    if live {
        let _ = writeln!(std::io::stderr());
    }
    for summary in summaries {
        println!(
            "wrote {} rows{} from {} generations ({} duplicates left out) to {}",
            summary.train_rows + summary.eval_rows,
            if split {
                format!(
                    " ({} train, {} eval)",
                    summary.train_rows, summary.eval_rows
                )
            } else {
                String::new()
            },
            summary.generations,
            summary.duplicates,
            summary.files.join(", ")
        );
    }
    Ok(())
}
