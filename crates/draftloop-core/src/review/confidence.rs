//! A draft's confidence score in [0, 1], with the reasons behind it.
//!
//! The raw score starts from the model's own certainty (the mean probability of the
//! tokens it wrote, where the provider sends logprobs), is lowered by each check the
//! draft fails and by how often drafts of the same prompt version were rejected or
//! rewritten, and is then calibrated per content type on what reviewers decided
//! (isotonic regression), so that 0.9 means about 9 in 10 such drafts were approved
//! unchanged. Before any history the raw score stands: a draft the model wrote with a
//! mean token probability of 0.95 that passes every check scores 0.95.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::policy::Checks;

/// What a score stands on when the provider sent no token probabilities: not enough
/// to pass the default threshold without a person.
pub const WITHOUT_LOGPROBS: f64 = 0.5;
/// Outcomes of a prompt version before its history counts.
pub const HISTORY_MIN: usize = 5;
/// Reviewed drafts of a content type before the score is calibrated on them.
pub const CALIBRATION_MIN: usize = 30;

const BANNED_FACTOR: f64 = 0.5;
const REQUIRED_FACTOR: f64 = 0.5;
const WORDS_FACTOR: f64 = 0.7;
const READING_FACTOR: f64 = 0.85;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    TokenProbability,
    BannedPhrase,
    RequiredTerm,
    WordCount,
    ReadingLevel,
    History,
    Judge,
    Calibration,
}

/// One thing the score took into account, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Reason {
    pub signal: Signal,
    /// False when it counted against the draft.
    pub passed: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Confidence {
    /// What routing compares with the threshold.
    pub score: f64,
    /// Before calibration.
    pub raw: f64,
    /// A banned phrase or a missing required term: a person must look, whatever the score.
    pub must_review: bool,
    pub reasons: Vec<Reason>,
}

/// How drafts of this prompt version fared with reviewers.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct History {
    pub decided: usize,
    /// Rejected, or approved only after changes.
    pub reworked: usize,
}

/// What a second model said of the draft against the project's rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct JudgeVerdict {
    pub provider: String,
    /// 1 (unusable) to 5 (ready to ship); none when it gave no score.
    pub score: Option<u8>,
    /// Why there is no score.
    pub note: Option<String>,
}

/// Mean probability of the tokens, from their logprobs.
pub fn mean_token_probability(logprobs: &[f64]) -> Option<f64> {
    if logprobs.is_empty() {
        return None;
    }
    Some(logprobs.iter().map(|lp| lp.exp()).sum::<f64>() / logprobs.len() as f64)
}

/// Scores `text` from its token logprobs, the policy's checks, its prompt version's
/// history and the content type's calibration (when there is enough of either).
pub fn score(
    text: &str,
    logprobs: &[f64],
    checks: &Checks,
    history: History,
    calibration: Option<&Calibration>,
) -> Confidence {
    score_judged(text, logprobs, checks, history, None, calibration)
}

/// As [`score`], with a second model's rating: 5 of 5 leaves the score as it is, 1 of 5
/// halves it.
pub fn score_judged(
    text: &str,
    logprobs: &[f64],
    checks: &Checks,
    history: History,
    judge: Option<&JudgeVerdict>,
    calibration: Option<&Calibration>,
) -> Confidence {
    let mut reasons = Vec::new();
    let mut raw = match mean_token_probability(logprobs) {
        Some(p) => {
            reasons.push(Reason {
                signal: Signal::TokenProbability,
                passed: p >= 0.9,
                detail: format!("the model's mean token probability is {}", percent(p)),
            });
            p
        }
        None => {
            reasons.push(Reason {
                signal: Signal::TokenProbability,
                passed: false,
                detail: "the provider sent no token probabilities".into(),
            });
            WITHOUT_LOGPROBS
        }
    };
    let mut must_review = false;
    let lower = text.to_lowercase();
    for phrase in &checks.banned {
        let found = contains_phrase(&lower, &phrase.to_lowercase());
        if found {
            raw *= BANNED_FACTOR;
            must_review = true;
        }
        reasons.push(Reason {
            signal: Signal::BannedPhrase,
            passed: !found,
            detail: if found {
                format!("uses the banned phrase \"{phrase}\"")
            } else {
                format!("does not use \"{phrase}\"")
            },
        });
    }
    for term in &checks.required {
        let found = contains_phrase(&lower, &term.to_lowercase());
        if !found {
            raw *= REQUIRED_FACTOR;
            must_review = true;
        }
        reasons.push(Reason {
            signal: Signal::RequiredTerm,
            passed: found,
            detail: if found {
                format!("mentions \"{term}\"")
            } else {
                format!("does not mention the required \"{term}\"")
            },
        });
    }
    if checks.min_words.is_some() || checks.max_words.is_some() {
        let words = crate::document::word_count(text);
        let short = checks.min_words.is_some_and(|m| words < m);
        let long = checks.max_words.is_some_and(|m| words > m);
        if short || long {
            raw *= WORDS_FACTOR;
        }
        let bounds = match (checks.min_words, checks.max_words) {
            (Some(lo), Some(hi)) => format!("{lo}–{hi}"),
            (Some(lo), None) => format!("at least {lo}"),
            (None, Some(hi)) => format!("at most {hi}"),
            (None, None) => unreachable!("checked above"),
        };
        reasons.push(Reason {
            signal: Signal::WordCount,
            passed: !(short || long),
            detail: format!("{words} words (wanted {bounds})"),
        });
    }
    if let Some(max) = checks.max_reading_grade {
        let grade = reading_grade(text);
        let hard = grade > max;
        if hard {
            raw *= READING_FACTOR;
        }
        reasons.push(Reason {
            signal: Signal::ReadingLevel,
            passed: !hard,
            detail: format!("reads at grade {grade:.1} (at most {max:.0} wanted)"),
        });
    }
    if history.decided >= HISTORY_MIN {
        let share = history.reworked as f64 / history.decided as f64;
        raw *= 1.0 - 0.5 * share;
        reasons.push(Reason {
            signal: Signal::History,
            passed: share < 0.2,
            detail: format!(
                "{} of {} reviewed drafts of this prompt version were rejected or rewritten",
                history.reworked, history.decided
            ),
        });
    }
    if let Some(j) = judge {
        match j.score {
            Some(n) => {
                let rated = f64::from(n.clamp(1, 5) - 1) / 4.0;
                raw *= 0.5 + 0.5 * rated;
                reasons.push(Reason {
                    signal: Signal::Judge,
                    passed: n >= 4,
                    detail: format!("{} rated it {n} of 5 against the rubric", j.provider),
                });
            }
            None => reasons.push(Reason {
                signal: Signal::Judge,
                passed: false,
                detail: format!(
                    "{} gave no rating{}",
                    j.provider,
                    j.note
                        .as_deref()
                        .map(|n| format!(": {n}"))
                        .unwrap_or_default()
                ),
            }),
        }
    }
    let raw = raw.clamp(0.0, 1.0);
    let score = match calibration {
        Some(c) => {
            let s = c.apply(raw);
            reasons.push(Reason {
                signal: Signal::Calibration,
                passed: s >= raw,
                detail: format!(
                    "calibrated on {} reviewed drafts: drafts scoring {} like this were approved unchanged {} of the time",
                    c.samples,
                    percent(raw),
                    percent(s)
                ),
            });
            s
        }
        None => raw,
    };
    Confidence {
        score,
        raw,
        must_review,
        reasons,
    }
}

fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// Whether `phrase` occurs in `text` on word boundaries (both lower-cased): "free"
/// is not found in "freedom".
fn contains_phrase(text: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    text.match_indices(phrase).any(|(i, _)| {
        !word(text[..i].chars().next_back()) && !word(text[i + phrase.len()..].chars().next())
    })
}

/// Flesch–Kincaid grade level of English prose.
pub fn reading_grade(text: &str) -> f64 {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect();
    if words.is_empty() {
        return 0.0;
    }
    let sentences = text
        .split(['.', '!', '?'])
        .filter(|s| s.chars().any(char::is_alphabetic))
        .count()
        .max(1);
    let syllables: usize = words.iter().map(|w| syllables(w)).sum();
    let grade = 0.39 * words.len() as f64 / sentences as f64
        + 11.8 * syllables as f64 / words.len() as f64
        - 15.59;
    grade.max(0.0)
}

/// Vowel groups, less a silent final e; at least one.
fn syllables(word: &str) -> usize {
    let w: Vec<char> = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let vowel = |c: char| "aeiouy".contains(c);
    let mut groups = 0;
    let mut previous = false;
    for &c in &w {
        let v = vowel(c);
        if v && !previous {
            groups += 1;
        }
        previous = v;
    }
    if w.len() > 2 && w.ends_with(&['e']) && !vowel(w[w.len() - 2]) && groups > 1 {
        groups -= 1;
    }
    groups.max(1)
}

/// A monotone map from raw score to the share of such drafts approved unchanged,
/// fitted by pool-adjacent-violators on reviewed drafts.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// (lowest raw score, highest raw score, share approved unchanged), rising.
    blocks: Vec<(f64, f64, f64)>,
    pub samples: usize,
}

impl Calibration {
    /// Fits on (raw score, approved unchanged) pairs; `None` below [`CALIBRATION_MIN`].
    pub fn fit(outcomes: &[(f64, bool)]) -> Option<Calibration> {
        if outcomes.len() < CALIBRATION_MIN {
            return None;
        }
        let mut points: Vec<(f64, bool)> = outcomes.to_vec();
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        // (lo, hi, sum, weight)
        let mut blocks: Vec<(f64, f64, f64, f64)> = Vec::new();
        for (x, y) in points {
            blocks.push((x, x, if y { 1.0 } else { 0.0 }, 1.0));
            while blocks.len() > 1 {
                let n = blocks.len();
                let (a, b) = (blocks[n - 2], blocks[n - 1]);
                if a.2 / a.3 < b.2 / b.3 {
                    break;
                }
                blocks.truncate(n - 2);
                blocks.push((a.0, b.1, a.2 + b.2, a.3 + b.3));
            }
        }
        Some(Calibration {
            blocks: blocks.iter().map(|b| (b.0, b.1, b.2 / b.3)).collect(),
            samples: outcomes.len(),
        })
    }

    /// The calibrated score of `raw`: its block's share, or a straight line between
    /// the blocks either side.
    pub fn apply(&self, raw: f64) -> f64 {
        let first = self.blocks[0];
        let last = self.blocks[self.blocks.len() - 1];
        if raw <= first.1 {
            return first.2;
        }
        if raw >= last.0 {
            return last.2;
        }
        for pair in self.blocks.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if raw <= a.1 {
                return a.2;
            }
            if raw < b.0 {
                let t = (raw - a.1) / (b.0 - a.1);
                return a.2 + t * (b.2 - a.2);
            }
        }
        last.2
    }
}

/// One bin of a reliability curve: drafts scored in [from, to), and how many of them
/// reviewers approved unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ReliabilityBin {
    pub from: f64,
    pub to: f64,
    pub drafts: u32,
    pub mean_score: f64,
    pub approved_unchanged: f64,
}

/// Ten bins of (score given, approved unchanged): how far a score can be trusted.
pub fn reliability(outcomes: &[(f64, bool)]) -> Vec<ReliabilityBin> {
    let mut bins: Vec<(u32, f64, u32)> = vec![(0, 0.0, 0); 10];
    for &(s, ok) in outcomes {
        let i = ((s * 10.0).floor() as usize).min(9);
        bins[i].0 += 1;
        bins[i].1 += s;
        bins[i].2 += u32::from(ok);
    }
    bins.into_iter()
        .enumerate()
        .filter(|(_, b)| b.0 > 0)
        .map(|(i, (n, sum, ok))| ReliabilityBin {
            from: i as f64 / 10.0,
            to: (i + 1) as f64 / 10.0,
            drafts: n,
            mean_score: sum / n as f64,
            approved_unchanged: ok as f64 / n as f64,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certain(p: f64, tokens: usize) -> Vec<f64> {
        vec![p.ln(); tokens]
    }

    #[test]
    fn a_certain_draft_passing_every_check_scores_above_the_default_threshold() {
        let checks = Checks {
            banned: vec!["guarantee".into()],
            required: vec!["Acme".into()],
            min_words: Some(3),
            max_words: Some(50),
            max_reading_grade: Some(12.0),
        };
        let c = score(
            "Acme ships your order today. Track it any time.",
            &certain(0.95, 12),
            &checks,
            History::default(),
            None,
        );
        assert!(c.score > 0.85, "{c:?}");
        assert!(!c.must_review);
        assert!(c.reasons.iter().all(|r| r.passed), "{:?}", c.reasons);
    }

    #[test]
    fn a_banned_phrase_or_a_missing_term_must_be_reviewed_whatever_the_score() {
        let banned = Checks {
            banned: vec!["risk-free".into()],
            ..Checks::default()
        };
        let c = score(
            "A Risk-free trial.",
            &certain(0.999, 5),
            &banned,
            History::default(),
            None,
        );
        assert!(c.must_review);
        assert!(c
            .reasons
            .iter()
            .any(|r| r.signal == Signal::BannedPhrase && !r.passed));
        let required = Checks {
            required: vec!["unsubscribe".into()],
            ..Checks::default()
        };
        let c = score(
            "Buy now.",
            &certain(0.999, 5),
            &required,
            History::default(),
            None,
        );
        assert!(c.must_review);
        // A phrase is found on word boundaries only.
        let free = Checks {
            banned: vec!["free".into()],
            ..Checks::default()
        };
        let c = score(
            "Freedom, at last.",
            &certain(0.99, 5),
            &free,
            History::default(),
            None,
        );
        assert!(!c.must_review);
    }

    #[test]
    fn a_judges_rating_scales_the_score() {
        let judged = |n: Option<u8>| {
            score_judged(
                "Fine words.",
                &certain(0.96, 3),
                &Checks::default(),
                History::default(),
                Some(&JudgeVerdict {
                    provider: "judge".into(),
                    score: n,
                    note: n.is_none().then(|| "answered \"maybe\"".into()),
                }),
                None,
            )
        };
        assert!((judged(Some(5)).score - 0.96).abs() < 1e-9);
        assert!((judged(Some(1)).score - 0.48).abs() < 1e-9);
        let silent = judged(None);
        assert!((silent.score - 0.96).abs() < 1e-9);
        assert!(silent
            .reasons
            .iter()
            .any(|r| r.signal == Signal::Judge && r.detail.contains("maybe")));
    }

    #[test]
    fn without_logprobs_a_draft_waits_for_a_person() {
        let c = score(
            "Fine words.",
            &[],
            &Checks::default(),
            History::default(),
            None,
        );
        assert_eq!(c.score, WITHOUT_LOGPROBS);
        assert!(!c.reasons[0].passed);
    }

    #[test]
    fn word_bounds_reading_level_and_history_lower_the_score() {
        let base = score(
            "One two three.",
            &certain(0.96, 3),
            &Checks::default(),
            History::default(),
            None,
        )
        .score;
        let short = score(
            "One two three.",
            &certain(0.96, 3),
            &Checks {
                min_words: Some(10),
                ..Checks::default()
            },
            History::default(),
            None,
        );
        assert!(short.score < base);
        let hard = score(
            "Notwithstanding considerable organizational heterogeneity, institutional stakeholders systematically underestimate implementation complexity.",
            &certain(0.96, 3),
            &Checks {
                max_reading_grade: Some(8.0),
                ..Checks::default()
            },
            History::default(),
            None,
        );
        assert!(hard.score < base, "{hard:?}");
        let reworked = score(
            "One two three.",
            &certain(0.96, 3),
            &Checks::default(),
            History {
                decided: 10,
                reworked: 6,
            },
            None,
        );
        assert!(reworked.score < base);
        // Too little history does not count.
        let early = score(
            "One two three.",
            &certain(0.96, 3),
            &Checks::default(),
            History {
                decided: 4,
                reworked: 4,
            },
            None,
        );
        assert_eq!(early.score, base);
    }

    #[test]
    fn calibration_maps_raw_scores_to_the_share_approved_unchanged() {
        // Seeded history: drafts scoring r were approved unchanged with probability r²
        // (the raw score is overconfident).
        let mut state = 42u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let outcomes: Vec<(f64, bool)> = (0..4000)
            .map(|_| {
                let r = next();
                (r, next() < r * r)
            })
            .collect();
        let c = Calibration::fit(&outcomes).unwrap();
        for r in [0.3, 0.5, 0.7, 0.9] {
            let s = c.apply(r);
            assert!(
                (s - r * r).abs() < 0.08,
                "raw {r}: calibrated {s}, want about {}",
                r * r
            );
        }
        // Monotone.
        let mut last = 0.0;
        for i in 0..=100 {
            let s = c.apply(i as f64 / 100.0);
            assert!(s >= last - 1e-12);
            last = s;
        }
        // The curve of calibrated scores follows the diagonal.
        let calibrated: Vec<(f64, bool)> =
            outcomes.iter().map(|&(r, ok)| (c.apply(r), ok)).collect();
        for bin in reliability(&calibrated) {
            if bin.drafts >= 100 {
                assert!(
                    (bin.mean_score - bin.approved_unchanged).abs() < 0.08,
                    "{bin:?}"
                );
            }
        }
        assert!(Calibration::fit(&outcomes[..CALIBRATION_MIN - 1]).is_none());
    }

    #[test]
    fn reading_grade_tells_plain_from_dense() {
        assert!(reading_grade("The cat sat on the mat. It was warm.") < 4.0);
        assert!(
            reading_grade("Institutional heterogeneity complicates organizational implementation considerably.")
                > 14.0
        );
    }
}
