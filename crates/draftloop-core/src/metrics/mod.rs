//! Is the loop working: what the review gate and people decided about the model's
//! drafts over a period, in figures a team lead reads (the CLI's `metrics`, later the
//! dashboard).
//!
//! Counted per model draft (a whole generation; a fallback's new draft is a draft of
//! its own), in the documents people can see:
//! - `auto_approved`: approved by the routing, and no person decided since;
//! - `approved`, `rejected`, `escalated`: by the latest decision the fold leaves
//!   standing, by a person or by the routing;
//! - `reviewed`: the latest decision is a person's;
//! - `intervention_rate`: the share of drafts a person changed (the text kept after
//!   the draft went into its document differs from it) or rejected;
//! - routing quality from the review queue: a routed draft approved unchanged was
//!   routed for nothing (`over_routed`), an audited one a reviewer changed or rejected
//!   was let through wrongly (`missed`); "needs a person" is the positive class.

pub mod agreement;
mod facts;

use std::collections::BTreeMap;

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::feedback::Verdict;
use crate::store::Workspace;

/// Which drafts count: of one project or all, made in `[since, until)`.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, TS)]
pub struct MetricsScope {
    pub project_id: Option<String>,
    /// A date (YYYY-MM-DD, the start of that day in UTC) or an RFC 3339 time.
    pub since: Option<String>,
    pub until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Metrics {
    pub drafts: u32,
    pub reviewed: u32,
    pub auto_approved: u32,
    pub approved: u32,
    pub rejected: u32,
    pub escalated: u32,
    /// Share of drafts a person changed or rejected; none without drafts.
    pub intervention_rate: Option<f64>,
    /// approved / (approved + rejected); none before any.
    pub approval_rate: Option<f64>,
    pub review_time_ms: ReviewTime,
    pub edit_distance_by_prompt_version: Vec<VersionDistance>,
    pub routing: RoutingQuality,
    pub agreement: Agreement,
    pub queue: QueueNow,
    /// How much of the work needed a person, week by week (weeks start on Monday, UTC).
    pub weekly: Vec<WeekFigures>,
    /// Tags in force on the drafts (whole draft or words), most used first.
    pub tags: Vec<TagCount>,
    /// Standing ratings, by dimension and value.
    pub ratings: Vec<RatingCounts>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct WeekFigures {
    /// The Monday the week starts on, YYYY-MM-DD.
    pub week: String,
    pub drafts: u32,
    /// Approved by the gate with no person since.
    pub auto_approved: u32,
    /// Decided by a person.
    pub reviewed: u32,
    /// Changed or rejected by a person.
    pub intervened: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TagCount {
    pub tag: String,
    pub drafts: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RatingCounts {
    pub dimension: String,
    /// (value, drafts), lowest value first.
    pub counts: Vec<(i32, u32)>,
    pub mean: f64,
}

/// Time reviewers spent on the items they decided (items decided without being opened
/// have no time and are left out).
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct ReviewTime {
    pub items: u32,
    #[ts(type = "number | null")]
    pub median: Option<u64>,
    #[ts(type = "number | null")]
    pub p90: Option<u64>,
    pub by_reviewer: Vec<ReviewerTime>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReviewerTime {
    pub reviewer: String,
    pub items: u32,
    #[ts(type = "number | null")]
    pub median: Option<u64>,
}

/// The learning curve: how much of a prompt version's drafts people changed.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct VersionDistance {
    pub prompt_version: String,
    /// As the app names it: "v2" (with the project when the scope has several).
    pub label: String,
    /// Its drafts that went into a document.
    pub drafts: u32,
    /// Mean normalized word edit distance between each draft and the text people kept
    /// (0 for a draft kept as it was).
    pub mean: f64,
    /// Of those drafts, the ones a person decided.
    pub reviewed: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct RoutingQuality {
    /// Auto-approved drafts a reviewer audited.
    pub audited: u32,
    /// Of those, the ones the reviewer changed or rejected.
    pub missed: u32,
    /// Routed drafts a reviewer decided, and of those the ones approved unchanged.
    pub routed: u32,
    pub over_routed: u32,
    /// Of routed drafts, the share that needed a person.
    pub precision: Option<f64>,
    /// Of the drafts known to need a person (routed or audited), the share routed.
    pub recall: Option<f64>,
}

/// Agreement between people who decided the same draft (approve or reject): Cohen's κ
/// when exactly two people did, Krippendorff's α (nominal) for any number; and per
/// rubric dimension between people who rated the same draft (α on the interval scale).
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct Agreement {
    /// Drafts decided by two people or more.
    pub items: u32,
    pub raters: u32,
    pub kappa: Option<f64>,
    pub alpha: Option<f64>,
    pub dimensions: Vec<DimensionAgreement>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DimensionAgreement {
    pub dimension: String,
    /// Drafts rated on it by two people or more.
    pub items: u32,
    pub alpha: Option<f64>,
}

/// What waits now, whatever the period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct QueueNow {
    pub open: u32,
    pub overdue: u32,
}

/// A figure whose drafts the dashboard lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    Drafts,
    AutoApproved,
    Reviewed,
    Approved,
    Rejected,
    Escalated,
    /// Changed or rejected by a person.
    Intervened,
    /// Audited drafts a reviewer changed or rejected.
    Missed,
    /// Routed drafts approved as they were.
    OverRouted,
}

/// A draft behind a figure, to open.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DraftRef {
    pub generation_id: String,
    pub document_id: String,
    pub title: String,
    pub project: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RoutingOutcome {
    Missed,
    OverRouted,
}

/// A draft as the tally counted it.
struct Seen<'a> {
    generation_id: &'a str,
    document_id: &'a str,
    verdict: Option<Verdict>,
    auto_approved: bool,
    by_person: bool,
    intervened: bool,
    routing: Option<RoutingOutcome>,
}

impl Seen<'_> {
    fn counts_in(&self, figure: Figure) -> bool {
        match figure {
            Figure::Drafts => true,
            Figure::AutoApproved => self.auto_approved,
            Figure::Reviewed => self.by_person,
            Figure::Approved => self.verdict == Some(Verdict::Approve),
            Figure::Rejected => self.verdict == Some(Verdict::Reject),
            Figure::Escalated => self.verdict == Some(Verdict::Escalate),
            Figure::Intervened => self.intervened,
            Figure::Missed => self.routing == Some(RoutingOutcome::Missed),
            Figure::OverRouted => self.routing == Some(RoutingOutcome::OverRouted),
        }
    }
}

/// A prompt version's placed drafts so far.
#[derive(Default)]
struct Distances {
    drafts: u32,
    sum: f64,
    reviewed: u32,
}

/// The Monday (UTC) of the week a time falls in.
fn week_of(at: &str) -> String {
    use chrono::Datelike;
    let day = chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&chrono::Utc).date_naive())
        .unwrap_or_default();
    let monday = day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()));
    monday.format("%Y-%m-%d").to_string()
}

fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// The value at quantile `q` by the nearest rank of sorted `values`.
fn nearest_rank(sorted: &[u64], q: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (q * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted.get(rank.min(sorted.len()) - 1).copied()
}

impl Workspace {
    /// The figures of `scope`, with the queue as of `now`.
    pub fn metrics(&mut self, scope: &MetricsScope, now: &str) -> Result<Metrics> {
        self.tally(scope, now, &mut |_| {})
    }

    /// The drafts behind one figure of `scope`, newest first, as the dashboard lists
    /// them: counted by the very pass that makes the figures.
    pub fn metrics_drafts(
        &mut self,
        scope: &MetricsScope,
        now: &str,
        figure: Figure,
    ) -> Result<Vec<DraftRef>> {
        let mut ids: Vec<(String, String)> = Vec::new();
        self.tally(scope, now, &mut |seen| {
            if seen.counts_in(figure) {
                ids.push((seen.generation_id.to_owned(), seen.document_id.to_owned()));
            }
        })?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT d.title, p.name, g.created_at FROM generations g
             JOIN documents d ON d.id = g.document_id JOIN projects p ON p.id = d.project_id
             WHERE g.id = ?1",
        )?;
        let mut out = Vec::with_capacity(ids.len());
        for (generation_id, document_id) in ids {
            let (title, project, created_at) =
                stmt.query_row([&generation_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            out.push(DraftRef {
                generation_id,
                document_id,
                title,
                project,
                created_at,
            });
        }
        out.sort_by(|a, b| b.created_at.cmp(&a.created_at));
        Ok(out)
    }

    /// One pass over the scope's drafts: the figures, and each draft as it was counted
    /// to `visit`.
    fn tally(
        &mut self,
        scope: &MetricsScope,
        now: &str,
        visit: &mut dyn FnMut(&Seen),
    ) -> Result<Metrics> {
        let since = crate::host::period_bound(&scope.since, "--since")?;
        let until = crate::host::period_bound(&scope.until, "--until")?;
        if let (Some(s), Some(u)) = (&since, &until) {
            if s >= u {
                return Err(Error::invalid("--since must come before --until"));
            }
        }
        if let Some(p) = &scope.project_id {
            self.project(p)?;
        }
        self.refresh_draft_facts()?;
        let (review_time, routing, routing_of) =
            self.review_figures(scope.project_id.as_deref(), &since, &until)?;
        let mut m = Metrics {
            drafts: 0,
            reviewed: 0,
            auto_approved: 0,
            approved: 0,
            rejected: 0,
            escalated: 0,
            intervention_rate: None,
            approval_rate: None,
            review_time_ms: ReviewTime::default(),
            edit_distance_by_prompt_version: Vec::new(),
            routing: RoutingQuality::default(),
            agreement: Agreement::default(),
            queue: QueueNow::default(),
            weekly: Vec::new(),
            tags: Vec::new(),
            ratings: Vec::new(),
        };
        let mut intervened = 0u32;
        let mut distances: BTreeMap<String, Distances> = BTreeMap::new();
        let mut weeks: BTreeMap<String, WeekFigures> = BTreeMap::new();
        let mut tags: BTreeMap<String, u32> = BTreeMap::new();
        let mut ratings: BTreeMap<String, BTreeMap<i32, u32>> = BTreeMap::new();
        // Per draft decided by two people or more: each person's latest approve/reject.
        let mut decided_by: Vec<BTreeMap<String, bool>> = Vec::new();
        // Per dimension, per draft rated by two people or more: their standing ratings.
        let mut rated_by: BTreeMap<String, Vec<Vec<f64>>> = BTreeMap::new();
        // Weeks are told by their day, and a day's drafts are many.
        let mut week_of_day: BTreeMap<String, String> = BTreeMap::new();
        // Streamed, never collected: 200,000 drafts held at once cost more than the rest
        // of the figures (memory to fault in and copy as the list grows).
        self.stored_facts(scope.project_id.as_deref(), &since, &until, |draft| {
            m.drafts += 1;
            match draft.verdict {
                Some(Verdict::Approve) => m.approved += 1,
                Some(Verdict::Reject) => m.rejected += 1,
                Some(Verdict::Escalate) => m.escalated += 1,
                Some(Verdict::Reopen) | None => {}
            }
            m.reviewed += u32::from(draft.by_person);
            m.auto_approved += u32::from(draft.auto_approved);
            intervened += u32::from(draft.intervened);
            let day = draft.created_at.get(..10).unwrap_or(&draft.created_at);
            let week = match week_of_day.get(day) {
                Some(w) => w,
                None => week_of_day
                    .entry(day.to_owned())
                    .or_insert_with(|| week_of(&draft.created_at)),
            };
            if !weeks.contains_key(week) {
                weeks.insert(
                    week.clone(),
                    WeekFigures {
                        week: week.clone(),
                        drafts: 0,
                        auto_approved: 0,
                        reviewed: 0,
                        intervened: 0,
                    },
                );
            }
            if let Some(week) = weeks.get_mut(week) {
                week.drafts += 1;
                week.auto_approved += u32::from(draft.auto_approved);
                week.reviewed += u32::from(draft.by_person);
                week.intervened += u32::from(draft.intervened);
            }
            for tag in draft.said.tags {
                *tags.entry(tag).or_default() += 1;
            }
            for (dimension, value) in draft.said.ratings {
                *ratings
                    .entry(dimension)
                    .or_default()
                    .entry(value)
                    .or_default() += 1;
            }
            if let (Some(version), Some(distance)) = (draft.prompt_version_id, draft.distance) {
                let entry = distances.entry(version).or_default();
                entry.drafts += 1;
                entry.sum += distance;
                entry.reviewed += u32::from(draft.by_person);
            }
            visit(&Seen {
                generation_id: &draft.generation_id,
                document_id: &draft.document_id,
                verdict: draft.verdict,
                auto_approved: draft.auto_approved,
                by_person: draft.by_person,
                intervened: draft.intervened,
                routing: routing_of.get(draft.generation_id.as_str()).copied(),
            });
            if !draft.said.decided_by.is_empty() {
                decided_by.push(draft.said.decided_by);
            }
            for (dimension, values) in draft.said.rated_by {
                rated_by.entry(dimension).or_default().push(values);
            }
        })?;
        m.intervention_rate = share(intervened, m.drafts);
        m.approval_rate = share(m.approved, m.approved + m.rejected);
        m.edit_distance_by_prompt_version = self.version_distances(distances, scope)?;
        m.agreement = agreement_of(&decided_by.iter().collect::<Vec<_>>());
        m.agreement.dimensions = rated_by
            .into_iter()
            .map(|(dimension, units)| DimensionAgreement {
                dimension,
                items: units.len() as u32,
                alpha: agreement::krippendorff_alpha(&units, agreement::Metric::Interval),
            })
            .collect();
        m.weekly = weeks.into_values().collect();
        m.tags = tags
            .into_iter()
            .map(|(tag, drafts)| TagCount { tag, drafts })
            .collect();
        m.tags
            .sort_by(|a, b| b.drafts.cmp(&a.drafts).then_with(|| a.tag.cmp(&b.tag)));
        m.ratings = ratings
            .into_iter()
            .map(|(dimension, counts)| {
                let n: u32 = counts.values().sum();
                let total: i64 = counts
                    .iter()
                    .map(|(v, c)| i64::from(*v) * i64::from(*c))
                    .sum();
                RatingCounts {
                    dimension,
                    mean: total as f64 / f64::from(n.max(1)),
                    counts: counts.into_iter().collect(),
                }
            })
            .collect();
        (m.review_time_ms, m.routing) = (review_time, routing);
        m.queue = self.queue_now(scope.project_id.as_deref(), now)?;
        Ok(m)
    }

    fn version_distances(
        &self,
        distances: BTreeMap<String, Distances>,
        scope: &MetricsScope,
    ) -> Result<Vec<VersionDistance>> {
        // Versions numbered per project as the app shows them, oldest first.
        let mut stmt = self.conn().prepare(
            "SELECT v.id, p.name,
                 (SELECT count(*) FROM prompt_versions w WHERE w.project_id = v.project_id
                   AND (w.created_at < v.created_at OR (w.created_at = v.created_at AND w.id <= v.id)))
             FROM prompt_versions v JOIN projects p ON p.id = v.project_id WHERE v.id = ?1",
        )?;
        let mut out = Vec::new();
        for (version, d) in distances {
            let (project, n): (String, u32) =
                stmt.query_row([&version], |r| Ok((r.get(1)?, r.get(2)?)))?;
            let label = if scope.project_id.is_some() {
                format!("v{n}")
            } else {
                format!("{project} · v{n}")
            };
            out.push(VersionDistance {
                prompt_version: version,
                label,
                drafts: d.drafts,
                mean: d.sum / f64::from(d.drafts),
                reviewed: d.reviewed,
            });
        }
        out.sort_by(|a, b| a.label.cmp(&b.label));
        Ok(out)
    }

    /// Review times and routing quality from the queue's resolved items of the drafts
    /// in scope, and what each routed or audited draft came to.
    fn review_figures(
        &self,
        project_id: Option<&str>,
        since: &Option<String>,
        until: &Option<String>,
    ) -> Result<(
        ReviewTime,
        RoutingQuality,
        std::collections::HashMap<String, RoutingOutcome>,
    )> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT r.generation_id, r.kind, r.outcome, r.time_spent_ms,
                    coalesce(p.display_name, r.resolved_by, '')
             FROM review_items r JOIN draft_facts f ON f.generation_id = r.generation_id
             LEFT JOIN profiles p ON p.id = r.resolved_by
             WHERE r.resolved_at IS NOT NULL AND {}",
            facts::IN_SCOPE
        ))?;
        let rows = stmt.query_map(rusqlite::params![project_id, since, until], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut times: Vec<u64> = Vec::new();
        let mut by_reviewer: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        let mut q = RoutingQuality::default();
        let mut needed = 0u32;
        let mut outcomes = std::collections::HashMap::new();
        for row in rows {
            let (generation, kind, outcome, spent, reviewer) = row?;
            if spent > 0 {
                times.push(spent as u64);
                by_reviewer.entry(reviewer).or_default().push(spent as u64);
            }
            let needs_person = matches!(outcome.as_deref(), Some("edited" | "rejected"));
            let over_routed = outcome.as_deref() == Some("approved");
            match kind.as_str() {
                "audit" => {
                    q.audited += 1;
                    q.missed += u32::from(needs_person);
                    if needs_person {
                        outcomes.insert(generation, RoutingOutcome::Missed);
                    }
                }
                _ => {
                    q.routed += 1;
                    needed += u32::from(needs_person);
                    q.over_routed += u32::from(over_routed);
                    if over_routed {
                        outcomes.insert(generation, RoutingOutcome::OverRouted);
                    }
                }
            }
        }
        q.precision = share(needed, needed + q.over_routed);
        q.recall = share(needed, needed + q.missed);
        times.sort_unstable();
        let time = ReviewTime {
            items: times.len() as u32,
            median: nearest_rank(&times, 0.5),
            p90: nearest_rank(&times, 0.9),
            by_reviewer: by_reviewer
                .into_iter()
                .map(|(reviewer, mut t)| {
                    t.sort_unstable();
                    ReviewerTime {
                        reviewer,
                        items: t.len() as u32,
                        median: nearest_rank(&t, 0.5),
                    }
                })
                .collect(),
        };
        Ok((time, q, outcomes))
    }

    fn queue_now(&self, project_id: Option<&str>, now: &str) -> Result<QueueNow> {
        let (open, overdue): (u32, u32) = self.conn().query_row(
            "SELECT count(*), coalesce(sum(r.due_at IS NOT NULL AND r.due_at < ?2), 0)
             FROM review_items r CROSS JOIN live_documents d ON d.id = r.document_id
             WHERE r.resolved_at IS NULL AND (?1 IS NULL OR d.project_id = ?1)",
            // (CROSS JOIN: the open items drive, not the documents; see review_queue.)
            rusqlite::params![project_id, now],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(QueueNow { open, overdue })
    }
}

impl crate::Core {
    /// The figures of `scope`, with the queue as of the host's clock, on a connection
    /// of its own (which first brings the stored facts of changed documents up to date).
    pub fn metrics(&self, scope: &MetricsScope) -> Result<Metrics> {
        let now = crate::host::stamp(self.host().now());
        self.spare(|ws| ws.metrics(scope, &now))
    }

    /// The drafts behind one figure of `scope`.
    pub fn metrics_drafts(&self, scope: &MetricsScope, figure: Figure) -> Result<Vec<DraftRef>> {
        let now = crate::host::stamp(self.host().now());
        self.spare(|ws| ws.metrics_drafts(scope, &now, figure))
    }

    /// The figures of `scope` as a CSV (figure, value) at `path`, whole or not at all.
    pub fn export_metrics_csv(&self, scope: &MetricsScope, path: &std::path::Path) -> Result<()> {
        let csv = self.metrics(scope)?.to_csv()?;
        crate::export::make_folder_for(path)?;
        crate::review::publish::write_whole(path, csv.as_bytes())
    }
}

/// A chart as the window drew it, saved at `path`: only a PNG image is written.
pub fn save_chart_png(path: &std::path::Path, png: &[u8]) -> Result<()> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if !png.starts_with(SIGNATURE) {
        return Err(Error::invalid(
            "a chart is saved as a PNG image, and this is not one",
        ));
    }
    if path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
        != Some("png")
    {
        return Err(Error::invalid(format!(
            "{} does not end in .png",
            path.display()
        )));
    }
    crate::export::make_folder_for(path)?;
    crate::review::publish::write_whole(path, png)
}

impl Metrics {
    /// Every figure as a row of (figure, value): what a spreadsheet takes.
    pub fn to_csv(&self) -> Result<String> {
        let opt = |x: Option<f64>| x.map(|x| format!("{x:.4}")).unwrap_or_default();
        let n = |x: Option<u64>| x.map(|x| x.to_string()).unwrap_or_default();
        let mut rows: Vec<(String, String)> = vec![
            ("drafts".into(), self.drafts.to_string()),
            ("reviewed".into(), self.reviewed.to_string()),
            ("auto_approved".into(), self.auto_approved.to_string()),
            ("approved".into(), self.approved.to_string()),
            ("rejected".into(), self.rejected.to_string()),
            ("escalated".into(), self.escalated.to_string()),
            ("intervention_rate".into(), opt(self.intervention_rate)),
            ("approval_rate".into(), opt(self.approval_rate)),
            (
                "review_time_ms.median".into(),
                n(self.review_time_ms.median),
            ),
            ("review_time_ms.p90".into(), n(self.review_time_ms.p90)),
            ("routing.audited".into(), self.routing.audited.to_string()),
            ("routing.missed".into(), self.routing.missed.to_string()),
            ("routing.routed".into(), self.routing.routed.to_string()),
            (
                "routing.over_routed".into(),
                self.routing.over_routed.to_string(),
            ),
            ("routing.precision".into(), opt(self.routing.precision)),
            ("routing.recall".into(), opt(self.routing.recall)),
            ("agreement.items".into(), self.agreement.items.to_string()),
            ("agreement.kappa".into(), opt(self.agreement.kappa)),
            ("agreement.alpha".into(), opt(self.agreement.alpha)),
            ("queue.open".into(), self.queue.open.to_string()),
            ("queue.overdue".into(), self.queue.overdue.to_string()),
        ];
        for r in &self.review_time_ms.by_reviewer {
            rows.push((
                format!("review_time_ms.median[{}]", r.reviewer),
                n(r.median),
            ));
        }
        for v in &self.edit_distance_by_prompt_version {
            rows.push((
                format!("edit_distance[{}]", v.label),
                format!("{:.4}", v.mean),
            ));
            rows.push((format!("drafts[{}]", v.label), v.drafts.to_string()));
        }
        for w in &self.weekly {
            rows.push((format!("drafts[week {}]", w.week), w.drafts.to_string()));
            rows.push((format!("reviewed[week {}]", w.week), w.reviewed.to_string()));
            rows.push((
                format!("intervened[week {}]", w.week),
                w.intervened.to_string(),
            ));
        }
        for d in &self.agreement.dimensions {
            rows.push((format!("agreement.alpha[{}]", d.dimension), opt(d.alpha)));
        }
        for t in &self.tags {
            rows.push((format!("tag[{}]", t.tag), t.drafts.to_string()));
        }
        for r in &self.ratings {
            rows.push((
                format!("rating_mean[{}]", r.dimension),
                format!("{:.4}", r.mean),
            ));
        }
        let mut out = csv::Writer::from_writer(Vec::new());
        let written = out
            .write_record(["figure", "value"])
            .and_then(|()| rows.iter().try_for_each(|(f, v)| out.write_record([f, v])));
        written.map_err(|e| Error::Internal(format!("could not write the CSV: {e}")))?;
        let bytes = out
            .into_inner()
            .map_err(|e| Error::Internal(format!("could not write the CSV: {e}")))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

fn agreement_of(items: &[&BTreeMap<String, bool>]) -> Agreement {
    let raters: std::collections::BTreeSet<&String> = items.iter().flat_map(|i| i.keys()).collect();
    let units: Vec<Vec<f64>> = items
        .iter()
        .map(|i| i.values().map(|&v| f64::from(u8::from(v))).collect())
        .collect();
    let kappa = (raters.len() == 2).then(|| {
        let pairs: Vec<(bool, bool)> = items
            .iter()
            .filter_map(|i| {
                let mut v = i.values();
                Some((*v.next()?, *v.next()?))
            })
            .collect();
        agreement::cohen_kappa(&pairs)
    });
    Agreement {
        items: items.len() as u32,
        raters: raters.len() as u32,
        kappa: kappa.flatten(),
        alpha: agreement::krippendorff_alpha(&units, agreement::Metric::Nominal),
        dimensions: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        assert_eq!(week_of("2026-12-02T12:49:07.000Z"), "2026-11-30");
        assert_eq!(week_of("2026-11-30T00:00:00.000Z"), "2026-11-30");
        assert_eq!(week_of("2026-12-06T23:59:59.999Z"), "2026-11-30");
        assert_eq!(week_of("2026-12-07T00:00:00.000Z"), "2026-12-07");
    }

    #[test]
    fn quantiles_take_the_nearest_rank() {
        let v: Vec<u64> = (1..=10).map(|i| i * 1000).collect();
        assert_eq!(nearest_rank(&v, 0.5), Some(5000));
        assert_eq!(nearest_rank(&v, 0.9), Some(9000));
        assert_eq!(nearest_rank(&[7], 0.9), Some(7));
        assert_eq!(nearest_rank(&[], 0.5), None);
    }
}
