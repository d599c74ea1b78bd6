//! A project's routing policy: when a draft may pass without a person, how many of
//! those are audited, what a rejection falls back to, and the checks every draft must
//! pass. Every change is a new version, audited, like prompt versions.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::audit;
use crate::error::{Error, Result};
use crate::ids::{new_id, now};
use crate::store::Workspace;

/// What a rejection runs at once; the new draft is scored and routed like any other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fallback {
    /// The same brief again, at half the rejected draft's temperature.
    LowerTemperature,
    /// The same brief from another provider (its default model).
    Provider { name: String },
    /// A standard text the team wrote, put in as the draft.
    Standard { text: String },
}

impl Fallback {
    /// As the CLI takes it: `lower-temperature`, `provider:NAME`, `standard:TEXT`.
    pub fn parse(s: &str) -> Result<Fallback> {
        let s = s.trim();
        if s == "lower-temperature" {
            return Ok(Fallback::LowerTemperature);
        }
        if let Some(name) = s.strip_prefix("provider:") {
            return Ok(Fallback::Provider {
                name: name.trim().to_owned(),
            });
        }
        if let Some(text) = s.strip_prefix("standard:") {
            return Ok(Fallback::Standard {
                text: text.trim().to_owned(),
            });
        }
        Err(Error::invalid(format!(
            "a fallback is lower-temperature, provider:NAME or standard:TEXT, not \"{s}\""
        )))
    }
}

/// Rules every draft is held to; a failed banned-phrase or required-term check sends
/// the draft to review whatever its score.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Checks {
    /// Phrases the copy must not contain (any case).
    pub banned: Vec<String>,
    /// Terms the copy must contain (any case).
    pub required: Vec<String>,
    pub min_words: Option<u32>,
    pub max_words: Option<u32>,
    /// Highest Flesch–Kincaid grade the copy may read at.
    pub max_reading_grade: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct RoutingPolicy {
    /// Drafts scoring below this confidence go to the review queue.
    pub threshold: f64,
    /// Drafts at or above the threshold that pass every check are approved without a
    /// person; off, every draft waits for one.
    pub auto_approve: bool,
    /// Share of auto-approved drafts drawn into the audit queue.
    pub audit_sample_rate: f64,
    /// Hours a queued draft may wait before it is overdue; none, never.
    pub review_deadline_hours: Option<f64>,
    pub fallback: Option<Fallback>,
    pub checks: Checks,
    /// A new prompt version must be approved by a reviewer before batches use it.
    pub approve_prompts: bool,
    /// Move the threshold by itself, from what reviewers and auditors decided, to keep
    /// the share of drafts let through that needed a person under this target.
    pub adaptive: Option<Adaptive>,
    /// A second provider that rates each routed draft against the project's rubric.
    pub judge: Option<Judge>,
    /// Ask several reviewers, each on their own, for a share of the queued drafts.
    pub multi_review: Option<MultiReview>,
}

/// Several reviews of one draft: each reviewer decides without seeing the others'
/// reviews; when all agree that is the decision, otherwise the draft goes to a senior
/// reviewer. What they said measures how far reviewers agree (the dashboard).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct MultiReview {
    /// Reviewers per draft, 2 to 5.
    pub reviewers: u8,
    /// Share (0–1) of the queued drafts drawn for it.
    pub share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Judge {
    pub provider: String,
}

/// Opt-in adaptive threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct Adaptive {
    /// Highest share (0–1) of drafts at or above the threshold that reviewers changed
    /// or rejected.
    pub target_miss_rate: f64,
}

impl Default for RoutingPolicy {
    fn default() -> Self {
        RoutingPolicy {
            threshold: 0.85,
            auto_approve: true,
            audit_sample_rate: 0.05,
            review_deadline_hours: Some(24.0),
            fallback: None,
            checks: Checks::default(),
            approve_prompts: false,
            adaptive: None,
            judge: None,
            multi_review: None,
        }
    }
}

const PHRASES_MAX: usize = 200;
const PHRASE_MAX_CHARS: usize = 120;

fn clean_phrases(what: &str, phrases: &[String]) -> Result<Vec<String>> {
    if phrases.len() > PHRASES_MAX {
        return Err(Error::invalid(format!(
            "a policy can list at most {PHRASES_MAX} {what}"
        )));
    }
    let mut out: Vec<String> = Vec::new();
    for p in phrases {
        let p = p.trim();
        if p.is_empty() {
            return Err(Error::invalid(format!("one of the {what} is empty")));
        }
        if p.chars().count() > PHRASE_MAX_CHARS {
            return Err(Error::invalid(format!(
                "{what} can be at most {PHRASE_MAX_CHARS} characters each: \"{p}\""
            )));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(p)) {
            out.push(p.to_owned());
        }
    }
    Ok(out)
}

fn share(what: &str, x: f64) -> Result<f64> {
    if !(0.0..=1.0).contains(&x) {
        return Err(Error::invalid(format!("{what} goes from 0 to 1 (got {x})")));
    }
    Ok(x)
}

impl RoutingPolicy {
    /// The policy as it may be stored, or what is wrong with it.
    pub fn cleaned(&self) -> Result<RoutingPolicy> {
        let checks = &self.checks;
        if let (Some(lo), Some(hi)) = (checks.min_words, checks.max_words) {
            if lo > hi {
                return Err(Error::invalid(format!(
                    "the fewest words ({lo}) cannot be more than the most ({hi})"
                )));
            }
        }
        if checks
            .max_reading_grade
            .is_some_and(|g| !(1.0..=20.0).contains(&g))
        {
            return Err(Error::invalid("a reading grade goes from 1 to 20"));
        }
        if self
            .review_deadline_hours
            .is_some_and(|h| !(h > 0.0 && h <= 24.0 * 90.0))
        {
            return Err(Error::invalid(
                "a review deadline is more than 0 hours and at most 90 days",
            ));
        }
        let fallback = match &self.fallback {
            Some(Fallback::Provider { name }) if name.trim().is_empty() => {
                return Err(Error::invalid("provider: needs a provider's name"))
            }
            Some(Fallback::Standard { text }) if text.trim().is_empty() => {
                return Err(Error::invalid("standard: needs the text"))
            }
            other => other.clone(),
        };
        if let Some(a) = self.adaptive {
            if !(a.target_miss_rate > 0.0 && a.target_miss_rate < 1.0) {
                return Err(Error::invalid(
                    "an adaptive threshold's target is a share above 0 and below 1",
                ));
            }
        }
        if let Some(m) = self.multi_review {
            if !(2..=5).contains(&m.reviewers) {
                return Err(Error::invalid(format!(
                    "several reviews means 2 to 5 reviewers (got {})",
                    m.reviewers
                )));
            }
            share("the share of drafts for several reviews", m.share)?;
        }
        Ok(RoutingPolicy {
            multi_review: self.multi_review,
            approve_prompts: self.approve_prompts,
            adaptive: self.adaptive,
            judge: match &self.judge {
                Some(j) if j.provider.trim().is_empty() => {
                    return Err(Error::invalid("a judge needs a provider's name"))
                }
                other => other.clone(),
            },
            threshold: share("a threshold", self.threshold)?,
            auto_approve: self.auto_approve,
            audit_sample_rate: share("an audit rate", self.audit_sample_rate)?,
            review_deadline_hours: self.review_deadline_hours,
            fallback,
            checks: Checks {
                banned: clean_phrases("banned phrases", &checks.banned)?,
                required: clean_phrases("required terms", &checks.required)?,
                min_words: checks.min_words,
                max_words: checks.max_words,
                max_reading_grade: checks.max_reading_grade,
            },
        })
    }
}

/// One version of a project's policy.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RoutingVersion {
    pub id: String,
    pub project_id: String,
    pub policy: RoutingPolicy,
    pub author: String,
    /// Why Draftloop saved it, when it moved the threshold itself.
    pub reason: Option<String>,
    pub created_at: String,
}

impl Workspace {
    /// The project's policy now: its latest version, or the defaults.
    pub fn routing_policy(&self, project_id: &str) -> Result<RoutingPolicy> {
        Ok(self.project(project_id)?.routing)
    }

    /// Saves `policy` as the project's new version (unless it equals the current one),
    /// audited; a policy with a fallback to a provider must name one that exists.
    pub fn set_routing_policy(
        &mut self,
        project_id: &str,
        policy: &RoutingPolicy,
    ) -> Result<RoutingPolicy> {
        self.save_routing(project_id, policy, None)
    }

    /// Saves a version, saying why when Draftloop made it (an adaptive threshold).
    pub(crate) fn save_routing(
        &mut self,
        project_id: &str,
        policy: &RoutingPolicy,
        reason: Option<&str>,
    ) -> Result<RoutingPolicy> {
        let policy = policy.cleaned()?;
        let current = self.project(project_id)?.routing;
        if let Some(Fallback::Provider { name }) = &policy.fallback {
            self.provider_named(name)?;
        }
        if let Some(j) = &policy.judge {
            self.provider_named(&j.provider)?;
        }
        let versions = self.routing_versions(project_id)?;
        if current == policy && !versions.is_empty() {
            return Ok(current);
        }
        let id = new_id();
        let at = now();
        let json = serde_json::to_string(&policy)?;
        self.write(|tx, actor| {
            tx.execute(
                "INSERT INTO routing_versions (id, project_id, policy, author, reason, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, project_id, json, actor.as_str(), reason, at],
            )?;
            tx.execute(
                "UPDATE projects SET routing = ?1, updated_at = ?2 WHERE id = ?3",
                params![json, at, project_id],
            )?;
            audit::record(
                tx,
                actor,
                "routing.saved",
                "routing_version",
                &id,
                json!({"project_id": project_id, "policy": policy, "reason": reason}),
            )
        })?;
        Ok(policy)
    }

    /// Every version of the project's policy, oldest first.
    pub fn routing_versions(&self, project_id: &str) -> Result<Vec<RoutingVersion>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, project_id, policy, author, reason, created_at FROM routing_versions
             WHERE project_id = ?1 ORDER BY created_at, id",
        )?;
        let rows = stmt.query_map([project_id], |r| {
            Ok((
                RoutingVersion {
                    id: r.get(0)?,
                    project_id: r.get(1)?,
                    policy: RoutingPolicy::default(),
                    author: r.get(3)?,
                    reason: r.get(4)?,
                    created_at: r.get(5)?,
                },
                r.get::<_, String>(2)?,
            ))
        })?;
        rows.map(|r| {
            let (mut version, policy) = r?;
            version.policy = serde_json::from_str(&policy)?;
            Ok(version)
        })
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallbacks_read_as_the_cli_writes_them() {
        assert_eq!(
            Fallback::parse("lower-temperature").unwrap(),
            Fallback::LowerTemperature
        );
        assert_eq!(
            Fallback::parse("provider:backup").unwrap(),
            Fallback::Provider {
                name: "backup".into()
            }
        );
        assert_eq!(
            Fallback::parse("standard:Thanks, we will be in touch.").unwrap(),
            Fallback::Standard {
                text: "Thanks, we will be in touch.".into()
            }
        );
        assert!(Fallback::parse("louder").is_err());
    }

    #[test]
    fn a_bad_policy_says_what_is_wrong() {
        let bad = |f: fn(&mut RoutingPolicy)| {
            let mut p = RoutingPolicy::default();
            f(&mut p);
            p.cleaned().unwrap_err().to_string()
        };
        assert!(bad(|p| p.threshold = 1.5).contains("threshold"));
        assert!(bad(|p| p.audit_sample_rate = -0.1).contains("audit rate"));
        assert!(bad(|p| p.multi_review = Some(MultiReview {
            reviewers: 1,
            share: 0.5
        }))
        .contains("2 to 5 reviewers"));
        assert!(bad(|p| p.multi_review = Some(MultiReview {
            reviewers: 2,
            share: 1.5
        }))
        .contains("several reviews"));
        assert!(bad(|p| {
            p.checks.min_words = Some(50);
            p.checks.max_words = Some(10);
        })
        .contains("fewest words"));
        assert!(bad(|p| p.checks.banned = vec!["  ".into()]).contains("empty"));
    }

    #[test]
    fn an_old_policy_reads_with_the_new_fields_defaulted() {
        let p: RoutingPolicy = serde_json::from_str(
            r#"{"threshold":0.7,"auto_approve":false,"audit_sample_rate":0.1}"#,
        )
        .unwrap();
        assert_eq!(p.threshold, 0.7);
        assert_eq!(p.checks, Checks::default());
        assert_eq!(p.review_deadline_hours, Some(24.0));
    }
}
