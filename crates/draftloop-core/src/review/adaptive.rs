//! Adaptive thresholds: from what reviewers and auditors decided, the lowest threshold
//! that keeps the share of let-through drafts that needed a person under a target. A
//! project that opts in has its threshold moved (a new policy version saying why);
//! any project can see the suggestion.

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::store::Workspace;

/// Drafts at or above a threshold before a suggestion is made for it.
pub const MIN_ABOVE: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ThresholdSuggestion {
    pub threshold: f64,
    /// Of the decided drafts scored at or above it, the share changed or rejected.
    pub miss_rate: f64,
    pub target_miss_rate: f64,
    pub drafts_above: u32,
    pub decided: u32,
    pub reason: String,
}

/// The lowest threshold, in hundredths from 0.50 to 0.99, whose drafts at or above it
/// (at least [`MIN_ABOVE`]) were changed or rejected no more than `target` of the time.
pub fn suggest(outcomes: &[(f64, bool)], target: f64) -> Option<ThresholdSuggestion> {
    (50..100).find_map(|h| {
        let t = h as f64 / 100.0;
        let above: Vec<&(f64, bool)> = outcomes.iter().filter(|(s, _)| *s >= t - 1e-9).collect();
        if above.len() < MIN_ABOVE {
            return None;
        }
        let missed = above.iter().filter(|(_, ok)| !ok).count();
        let rate = missed as f64 / above.len() as f64;
        (rate <= target).then(|| ThresholdSuggestion {
            threshold: t,
            miss_rate: rate,
            target_miss_rate: target,
            drafts_above: above.len() as u32,
            decided: outcomes.len() as u32,
            reason: format!(
                "of {} reviewed and audited drafts scored {:.2} or more, {} ({:.1}%) needed a person's change or rejection; the target is at most {:.1}%",
                above.len(),
                t,
                missed,
                rate * 100.0,
                target * 100.0
            ),
        })
    })
}

impl Workspace {
    /// The threshold the project's history suggests for `target` (its own adaptive
    /// target when `None`, else 5%).
    pub fn threshold_suggestion(
        &self,
        project_id: &str,
        target: Option<f64>,
    ) -> Result<Option<ThresholdSuggestion>> {
        let project = self.project(project_id)?;
        let target = target
            .or(project.routing.adaptive.map(|a| a.target_miss_rate))
            .unwrap_or(0.05);
        let outcomes =
            super::routing::outcomes(self.conn(), &project.content_type, "g.confidence")?;
        Ok(suggest(&outcomes, target))
    }

    /// For a project that opted in, moves the threshold to the suggestion when it
    /// differs: a new policy version with the reason. The reason, when it moved.
    pub fn adapt_threshold(&mut self, project_id: &str) -> Result<Option<String>> {
        let policy = self.routing_policy(project_id)?;
        let Some(adaptive) = policy.adaptive else {
            return Ok(None);
        };
        let Some(s) = self.threshold_suggestion(project_id, Some(adaptive.target_miss_rate))?
        else {
            return Ok(None);
        };
        if (s.threshold - policy.threshold).abs() < 0.005 {
            return Ok(None);
        }
        let reason = format!(
            "the threshold moved from {:.2} to {:.2}: {}",
            policy.threshold, s.threshold, s.reason
        );
        let moved = super::RoutingPolicy {
            threshold: s.threshold,
            ..policy
        };
        self.save_routing(project_id, &moved, Some(&reason))?;
        Ok(Some(reason))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suggestion_is_the_lowest_threshold_within_the_target() {
        // Drafts scored s were changed or rejected with probability 1 - s (calibrated).
        let outcomes: Vec<(f64, bool)> = (0..1000)
            .map(|i| {
                let s = 0.5 + (i % 50) as f64 / 100.0;
                (s, (i * 7919) % 100 < (s * 100.0) as usize)
            })
            .collect();
        let s = suggest(&outcomes, 0.05).unwrap();
        // At or above t the miss rate is about the mean of 1 - s over [t, 0.99].
        assert!((0.88..=0.93).contains(&s.threshold), "{s:?}");
        assert!(s.miss_rate <= 0.05);
        let looser = suggest(&outcomes, 0.15).unwrap();
        assert!(looser.threshold < s.threshold);
        assert!(suggest(&outcomes[..10], 0.05).is_none());
    }
}
