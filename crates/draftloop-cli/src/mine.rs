use std::io::BufRead;
use std::path::PathBuf;

use clap::Args;
use draftloop_core::mining::{aggregate, analyze_jsonl, analyze_pairs, Aggregator, MineOptions};
use draftloop_core::{Error, Result, Workspace};

use crate::output::{self, Format};

#[derive(Args)]
pub struct MineArgs {
    /// JSONL of {"draft", "final", "doc_type"?} lines.
    #[arg(long, required_unless_present = "project", conflicts_with = "project")]
    pairs: Option<PathBuf>,
    /// Mine this project's own edits instead.
    #[arg(long)]
    project: Option<String>,
    /// With --project: only this author's documents (a handle, as `people list` shows it).
    #[arg(long, requires = "project")]
    author: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Pairs a pattern must show in before it is suggested.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    min_support: u32,
}

/// Streams the file through the analysis, keeping only what each pair showed. Every
/// line is read before anything prints, so a malformed one stops the run with no output.
fn mine_file(path: &PathBuf, options: &MineOptions) -> Result<Aggregator> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", path.display())))?;
    let mut aggregator = Aggregator::default();
    let lines = std::io::BufReader::new(file)
        .lines()
        .enumerate()
        .map(|(i, line)| line.map(|l| (i + 1, l)).map_err(|e| (i + 1, e.to_string())))
        .filter(|line| !matches!(line, Ok((_, l)) if l.trim().is_empty()));
    // Lines are parsed on the analysis threads too, so no core waits on the reader.
    analyze_jsonl(lines, options.diff_deadline, |m| aggregator.add(&m))
        .map_err(|(n, e)| Error::InvalidInput(format!("line {n}: {e}")))?;
    Ok(aggregator)
}

pub fn run(ws: &Workspace, args: MineArgs) -> Result<()> {
    let options = MineOptions {
        min_support: args.min_support,
        ..MineOptions::default()
    };
    let report = match (&args.pairs, &args.project) {
        (Some(path), _) => mine_file(path, &options)?.finish(&options),
        (None, Some(name)) => {
            let pairs = ws.edit_pairs_by(&ws.project_named(name)?.id, args.author.as_deref())?;
            aggregate(&analyze_pairs(&pairs, options.diff_deadline), &options)
        }
        (None, None) => {
            return Err(Error::InvalidInput(
                "give --pairs FILE or --project P".into(),
            ))
        }
    };
    match args.format {
        Format::Json => output::json(&report)?,
        Format::Table => {
            println!(
                "{} pairs · mean edit distance {:.3} · mean length ratio {:.2}\n",
                report.pairs, report.mean_edit_distance, report.mean_length_ratio
            );
            let rows: Vec<Vec<String>> = report
                .suggestions
                .iter()
                .map(|s| {
                    vec![
                        format!("{:.0}%", s.impact * 100.0),
                        format!("{}/{}", s.support, report.pairs),
                        serde_json::to_value(s.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                            .unwrap_or_default(),
                        s.doc_type.clone().unwrap_or_else(|| "-".into()),
                        s.instruction.clone(),
                    ]
                })
                .collect();
            output::table(
                &["IMPACT", "SUPPORT", "KIND", "DOC TYPE", "INSTRUCTION"],
                &rows,
            )?;
        }
    }
    Ok(())
}
