use clap::{Subcommand, ValueEnum};
use draftloop_core::review::{Adaptive, Fallback, Judge, MultiReview, RoutingPolicy};
use draftloop_core::{Error, Result, Workspace};

use crate::output::{self, Format};
use crate::prompts::project_of;

#[derive(Clone, Copy, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

#[derive(Subcommand)]
// Parsed once per run: the size of the larger variant costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum RoutingCommand {
    /// Change a project's routing policy: a new, audited version. Options not given
    /// keep their current values; --banned and --required replace their lists.
    Set {
        #[arg(long)]
        project: String,
        /// Drafts scoring below this confidence (0–1) wait for a reviewer.
        #[arg(long)]
        threshold: Option<f64>,
        #[arg(long, value_enum)]
        auto_approve: Option<Switch>,
        /// Share (0–1) of auto-approved drafts drawn for audit.
        #[arg(long)]
        audit_rate: Option<f64>,
        /// A phrase no draft may use; repeatable.
        #[arg(long = "banned", value_name = "PHRASE")]
        banned: Vec<String>,
        /// A term every draft must use; repeatable.
        #[arg(long = "required", value_name = "TERM")]
        required: Vec<String>,
        #[arg(long)]
        min_words: Option<u32>,
        #[arg(long)]
        max_words: Option<u32>,
        /// What a rejection runs: lower-temperature, provider:NAME or standard:TEXT.
        #[arg(long)]
        fallback: Option<String>,
        /// Whether a new prompt version needs a reviewer's approval before batches.
        #[arg(long, value_enum)]
        approve_prompts: Option<Switch>,
        /// Move the threshold by itself to keep the share of let-through drafts that
        /// needed a person under this (0–1); `off` stops it.
        #[arg(long, value_name = "X|off")]
        adaptive_target: Option<String>,
        /// A second provider that rates each routed draft against the rubric; `off`
        /// stops it.
        #[arg(long, value_name = "PROVIDER|off")]
        judge: Option<String>,
        /// Hours a queued draft may wait before it is overdue; `off`, never.
        #[arg(long, value_name = "HOURS|off")]
        deadline_hours: Option<String>,
        /// Reviewers (2–5) who each review, blind, the queued drafts drawn for several
        /// reviews; `off` stops it.
        #[arg(long, value_name = "N|off")]
        reviews: Option<String>,
        /// Share (0–1) of queued drafts drawn for several reviews (10% unless given).
        #[arg(long, value_name = "X")]
        review_share: Option<f64>,
    },
    /// Show a project's routing policy.
    Show {
        #[arg(long)]
        project: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

pub fn run(ws: &mut Workspace, cmd: RoutingCommand) -> Result<()> {
    match cmd {
        RoutingCommand::Set {
            project,
            threshold,
            auto_approve,
            audit_rate,
            banned,
            required,
            min_words,
            max_words,
            fallback,
            approve_prompts,
            adaptive_target,
            judge,
            deadline_hours,
            reviews,
            review_share,
        } => {
            let project = project_of(ws, &project)?;
            let mut policy = ws.routing_policy(&project.id)?;
            let before = policy.clone();
            if let Some(t) = threshold {
                policy.threshold = t;
            }
            if let Some(s) = auto_approve {
                policy.auto_approve = matches!(s, Switch::On);
            }
            if let Some(r) = audit_rate {
                policy.audit_sample_rate = r;
            }
            if !banned.is_empty() {
                policy.checks.banned = banned;
            }
            if !required.is_empty() {
                policy.checks.required = required;
            }
            if min_words.is_some() {
                policy.checks.min_words = min_words;
            }
            if max_words.is_some() {
                policy.checks.max_words = max_words;
            }
            if let Some(f) = fallback {
                policy.fallback = Some(Fallback::parse(&f)?);
            }
            if let Some(s) = approve_prompts {
                policy.approve_prompts = matches!(s, Switch::On);
            }
            match judge.as_deref().map(str::trim) {
                None => {}
                Some("off") => policy.judge = None,
                Some(name) => {
                    policy.judge = Some(Judge {
                        provider: name.to_owned(),
                    })
                }
            }
            match adaptive_target.as_deref().map(str::trim) {
                None => {}
                Some("off") => policy.adaptive = None,
                Some(x) => {
                    let target = x.parse().map_err(|_| {
                        Error::InvalidInput(format!(
                            "--adaptive-target takes a share from 0 to 1 or off, not \"{x}\""
                        ))
                    })?;
                    policy.adaptive = Some(Adaptive {
                        target_miss_rate: target,
                    });
                }
            }
            match deadline_hours.as_deref().map(str::trim) {
                None => {}
                Some("off") => policy.review_deadline_hours = None,
                Some(x) => {
                    policy.review_deadline_hours = Some(x.parse().map_err(|_| {
                        Error::InvalidInput(format!(
                            "--deadline-hours takes a number of hours or off, not \"{x}\""
                        ))
                    })?);
                }
            }
            match reviews.as_deref().map(str::trim) {
                None => {}
                Some("off") => policy.multi_review = None,
                Some(n) => {
                    let reviewers = n.parse().map_err(|_| {
                        Error::InvalidInput(format!(
                            "--reviews takes a number of reviewers (2 to 5) or off, not \"{n}\""
                        ))
                    })?;
                    policy.multi_review = Some(MultiReview {
                        reviewers,
                        share: policy.multi_review.map_or(0.1, |m| m.share),
                    });
                }
            }
            if let Some(share) = review_share {
                let Some(m) = &mut policy.multi_review else {
                    return Err(Error::InvalidInput(
                        "--review-share needs several reviews: give --reviews N too".into(),
                    ));
                };
                m.share = share;
            }
            let saved = ws.set_routing_policy(&project.id, &policy)?;
            if saved == before && ws.routing_versions(&project.id)?.len() > 1 {
                println!("the routing of \"{}\" is unchanged", project.name);
            } else {
                println!("saved a routing policy version of \"{}\"", project.name);
            }
        }
        RoutingCommand::Show { project, format } => {
            let project = project_of(ws, &project)?;
            let policy = ws.routing_policy(&project.id)?;
            match format {
                Format::Json => output::json(&policy)?,
                Format::Table => print_policy(&policy)?,
            }
        }
    }
    Ok(())
}

fn print_policy(p: &RoutingPolicy) -> Result<()> {
    let on = |b: bool| if b { "on" } else { "off" };
    let list = |l: &[String]| {
        if l.is_empty() {
            "none".to_owned()
        } else {
            l.join("; ")
        }
    };
    let opt = |n: Option<u32>| n.map_or("none".to_owned(), |n| n.to_string());
    let rows = vec![
        vec!["threshold".into(), format!("{:.2}", p.threshold)],
        vec!["auto-approve".into(), on(p.auto_approve).into()],
        vec![
            "audit rate".into(),
            format!("{:.0}%", p.audit_sample_rate * 100.0),
        ],
        vec![
            "review deadline".into(),
            p.review_deadline_hours
                .map_or("none".to_owned(), |h| format!("{h} hours")),
        ],
        vec![
            "fallback".into(),
            match &p.fallback {
                None => "none".into(),
                Some(Fallback::LowerTemperature) => "lower-temperature".into(),
                Some(Fallback::Provider { name }) => format!("provider:{name}"),
                Some(Fallback::Standard { text }) => format!("standard:{text}"),
            },
        ],
        vec!["approve prompts".into(), on(p.approve_prompts).into()],
        vec![
            "several reviews".into(),
            p.multi_review.map_or("off".to_owned(), |m| {
                format!(
                    "{} reviewers for {:.0}% of queued drafts",
                    m.reviewers,
                    m.share * 100.0
                )
            }),
        ],
        vec![
            "adaptive".into(),
            p.adaptive.map_or("off".to_owned(), |a| {
                format!("keep misses under {:.1}%", a.target_miss_rate * 100.0)
            }),
        ],
        vec![
            "judge".into(),
            p.judge
                .as_ref()
                .map_or("none".to_owned(), |j| j.provider.clone()),
        ],
        vec!["banned".into(), list(&p.checks.banned)],
        vec!["required".into(), list(&p.checks.required)],
        vec!["min words".into(), opt(p.checks.min_words)],
        vec!["max words".into(), opt(p.checks.max_words)],
        vec![
            "max reading grade".into(),
            p.checks
                .max_reading_grade
                .map_or("none".to_owned(), |g| format!("{g}")),
        ],
    ];
    output::table(&["SETTING", "VALUE"], &rows)
}
