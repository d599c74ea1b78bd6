//! The dataset card: what the files hold, where they came from, and what was masked.

use std::fmt::Write;

use super::{ExportOptions, ExportSummary, Filters, Format};

fn describe(format: Format) -> &'static str {
    match format {
        Format::Sft => "TRL conversational SFT: `messages` (system, user, assistant), the assistant turn being the text people kept or approved.",
        Format::OpenaiSft => "OpenAI chat fine-tuning: `messages` with system, user and assistant turns.",
        Format::Dpo => "TRL conversational preference with an explicit prompt: `prompt`, `chosen`, `rejected`. Chosen is what people kept (or the variant they preferred, or approved over the other variants of its request); rejected is the model's draft (or the other variant).",
        Format::OpenaiDpo => "OpenAI preference fine-tuning: `input.messages`, `preferred_output`, `non_preferred_output`.",
        Format::Kto => "TRL conversational unpaired preference: `prompt`, `completion`, `label` (approved or thumbs up: true; rejected or thumbs down: false).",
        Format::Ratings => "One row per generation: prompt, output, what people kept, thumb, decision, reviewer, tags and each rubric dimension's latest rating.",
        Format::Csv | Format::Parquet => "A flat table, one row per generation: the ratings columns, tags joined with \"; \", one integer column per rubric dimension.",
    }
}

fn filters_text(f: &Filters) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &f.project {
        parts.push(format!("project {p}"));
    }
    if let Some(s) = &f.since {
        parts.push(format!("since {s}"));
    }
    if let Some(u) = &f.until {
        parts.push(format!("until {u}"));
    }
    if let Some(s) = &f.status {
        parts.push(format!("status {s}"));
    }
    for m in &f.min_ratings {
        parts.push(format!("{} ≥ {}", m.dimension, m.value));
    }
    for t in &f.tags {
        parts.push(format!("tag {t}"));
    }
    if let Some(v) = &f.prompt_version {
        parts.push(format!("prompt version {v}"));
    }
    if let Some(r) = &f.reviewer {
        parts.push(format!("reviewer {r}"));
    }
    if parts.is_empty() {
        "none (everything)".into()
    } else {
        parts.join(", ")
    }
}

pub fn render(opts: &ExportOptions, filters: &Filters, s: &ExportSummary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Draftloop feedback dataset: {}\n",
        opts.format.name()
    );
    let _ = writeln!(out, "{}\n", describe(opts.format));
    let _ = writeln!(out, "- Exported: {}", crate::ids::now());
    let _ = writeln!(out, "- Filters: {}", filters_text(filters));
    let _ = writeln!(out, "- Generations read: {}", s.generations);
    match opts.split {
        Some(r) => {
            let _ = writeln!(
                out,
                "- Rows: {} train, {} eval (about {:.0}% of the documents in eval, chosen by a hash of their id, at least one a side; a document is never on both sides and keeps its side in later exports)",
                s.train_rows,
                s.eval_rows,
                r * 100.0
            );
        }
        None => {
            let _ = writeln!(out, "- Rows: {}", s.train_rows);
        }
    }
    let _ = writeln!(
        out,
        "- Identical rows written once: {} duplicates left out",
        s.duplicates
    );
    if matches!(opts.format, Format::Dpo | Format::OpenaiDpo) {
        let _ = writeln!(
            out,
            "- An edit counts as a preference above a normalized word edit distance of {}",
            opts.min_edit_distance
        );
    }
    if opts.redact {
        let m = &s.masked;
        let _ = writeln!(
            out,
            "- Redacted: {} emails, {} phone numbers, {} card numbers, {} IBANs, {} secrets (shown as [EMAIL], [PHONE], [CARD], [IBAN], [SECRET])",
            m.emails, m.phones, m.cards, m.ibans, m.secrets
        );
    } else {
        let _ = writeln!(out, "- Not redacted");
    }
    let _ = writeln!(
        out,
        "\nEvery JSONL row carries `metadata` with `generation_id`, `document_id`, `feedback_ids` and `prompt_version_id`, linking it to the Draftloop workspace it came from; trainers ignore the extra key."
    );
    out
}
