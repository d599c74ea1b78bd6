use clap::Args;
use draftloop_core::metrics::{Metrics, MetricsScope};
use draftloop_core::{Core, Result};

use crate::output::{self, Format};

#[derive(Args)]
pub struct MetricsArgs {
    /// One project's drafts; all projects' when left out.
    #[arg(long)]
    project: Option<String>,
    /// Drafts made on or after this day (YYYY-MM-DD, UTC) or time (RFC 3339).
    #[arg(long)]
    since: Option<String>,
    /// Drafts made before this day or time.
    #[arg(long)]
    until: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(core: &Core, args: MetricsArgs) -> Result<()> {
    let project_id = args
        .project
        .map(|name| core.read(|ws| ws.project_named(&name)).map(|p| p.id))
        .transpose()?;
    let m = core.metrics(&MetricsScope {
        project_id,
        since: args.since,
        until: args.until,
    })?;
    match args.format {
        Format::Json => output::json(&m)?,
        Format::Table => table(&m)?,
    }
    Ok(())
}

fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |x| format!("{:.1}%", x * 100.0))
}

fn seconds(ms: Option<u64>) -> String {
    ms.map_or_else(
        || "–".to_owned(),
        |ms| format!("{:.1} s", ms as f64 / 1000.0),
    )
}

fn table(m: &Metrics) -> Result<()> {
    let r = &m.routing;
    let a = &m.agreement;
    let mut rows: Vec<Vec<String>> = vec![
        vec!["drafts".into(), m.drafts.to_string()],
        vec!["reviewed by a person".into(), m.reviewed.to_string()],
        vec!["approved by the gate".into(), m.auto_approved.to_string()],
        vec!["approved".into(), m.approved.to_string()],
        vec!["rejected".into(), m.rejected.to_string()],
        vec!["escalated".into(), m.escalated.to_string()],
        vec!["intervention rate".into(), percent(m.intervention_rate)],
        vec!["approval rate".into(), percent(m.approval_rate)],
        vec![
            "review time (median / p90)".into(),
            format!(
                "{} / {} over {} items",
                seconds(m.review_time_ms.median),
                seconds(m.review_time_ms.p90),
                m.review_time_ms.items
            ),
        ],
        vec![
            "routing: audited / missed".into(),
            format!("{} / {}", r.audited, r.missed),
        ],
        vec![
            "routing: routed / over-routed".into(),
            format!("{} / {}", r.routed, r.over_routed),
        ],
        vec![
            "routing: precision / recall".into(),
            format!("{} / {}", percent(r.precision), percent(r.recall)),
        ],
        vec![
            "agreement".into(),
            match (a.kappa, a.alpha) {
                (Some(k), Some(al)) => format!("κ {k:.2}, α {al:.2} over {} drafts", a.items),
                (None, Some(al)) => format!("α {al:.2} over {} drafts", a.items),
                _ => format!("{} drafts decided by two people or more", a.items),
            },
        ],
        vec![
            "waiting now (overdue)".into(),
            format!("{} ({})", m.queue.open, m.queue.overdue),
        ],
    ];
    for d in &a.dimensions {
        rows.push(vec![
            format!("agreement on {}", d.dimension),
            match d.alpha {
                Some(al) => format!("α {al:.2} over {} drafts", d.items),
                None => format!("{} drafts rated by two people or more", d.items),
            },
        ]);
    }
    for v in &m.edit_distance_by_prompt_version {
        rows.push(vec![
            format!("words changed, {}", v.label),
            format!("{:.1}% over {} drafts", v.mean * 100.0, v.drafts),
        ]);
    }
    output::table(&["FIGURE", "VALUE"], &rows)
}
