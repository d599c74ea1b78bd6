use std::io::BufRead;
use std::path::PathBuf;

use clap::Args;
use draftloop_core::mining::{mine, MineOptions, Pair};
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
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Pairs a pattern must show in before it is suggested.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    min_support: u32,
}

/// Reads every line first, so a malformed one stops the run before anything is printed.
fn read_pairs(path: &PathBuf) -> Result<Vec<Pair>> {
    let file = std::fs::File::open(path)
        .map_err(|e| Error::InvalidInput(format!("cannot read {}: {e}", path.display())))?;
    let mut pairs = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::InvalidInput(format!("line {}: {e}", i + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        let pair: Pair = serde_json::from_str(&line).map_err(|e| {
            Error::InvalidInput(format!(
                "line {}: not a {{\"draft\", \"final\"}} object: {e}",
                i + 1
            ))
        })?;
        pairs.push(pair);
    }
    Ok(pairs)
}

pub fn run(ws: &Workspace, args: MineArgs) -> Result<()> {
    let pairs = match (&args.pairs, &args.project) {
        (Some(path), _) => read_pairs(path)?,
        (None, Some(name)) => ws.edit_pairs(&ws.project_named(name)?.id)?,
        (None, None) => {
            return Err(Error::InvalidInput(
                "give --pairs FILE or --project P".into(),
            ))
        }
    };
    let options = MineOptions {
        min_support: args.min_support,
        ..MineOptions::default()
    };
    let report = mine(&pairs, &options);
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
            );
        }
    }
    Ok(())
}
