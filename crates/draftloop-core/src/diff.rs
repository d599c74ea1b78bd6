//! Word-level diffs between two texts: what the model wrote and what people kept.
//! Words follow Unicode word boundaries, so punctuation and spaces are tokens of their
//! own. Every diff has a deadline, so a huge rewrite never hangs the app.

use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{capture_diff_slices_deadline, Algorithm, DiffTag};
use ts_rs::TS;
use unicode_segmentation::UnicodeSegmentation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    Equal,
    Insert,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DiffSpan {
    pub kind: DiffKind,
    pub text: String,
}

/// How long a diff may take before it settles for a coarser answer.
pub const DEADLINE: Duration = Duration::from_secs(1);

pub fn tokens(text: &str) -> Vec<&str> {
    text.split_word_bounds().collect()
}

/// The spans that turn `old` into `new`, adjacent spans of a kind merged.
pub fn word_diff(old: &str, new: &str) -> Vec<DiffSpan> {
    word_diff_within(old, new, DEADLINE)
}

pub fn word_diff_within(old: &str, new: &str, deadline: Duration) -> Vec<DiffSpan> {
    let (a, b) = (tokens(old), tokens(new));
    let ops =
        capture_diff_slices_deadline(Algorithm::Myers, &a, &b, Some(Instant::now() + deadline));
    let mut spans: Vec<DiffSpan> = Vec::new();
    let mut push = |kind: DiffKind, words: &[&str]| {
        if words.is_empty() {
            return;
        }
        match spans.last_mut() {
            Some(last) if last.kind == kind => last.text.extend(words.iter().copied()),
            _ => spans.push(DiffSpan {
                kind,
                text: words.concat(),
            }),
        }
    };
    for op in ops {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => push(DiffKind::Equal, &a[old_range]),
            DiffTag::Delete => push(DiffKind::Delete, &a[old_range]),
            DiffTag::Insert => push(DiffKind::Insert, &b[new_range]),
            DiffTag::Replace => {
                push(DiffKind::Delete, &a[old_range]);
                push(DiffKind::Insert, &b[new_range]);
            }
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(spans: &[DiffSpan]) -> String {
        spans
            .iter()
            .map(|s| match s.kind {
                DiffKind::Equal => s.text.clone(),
                DiffKind::Insert => format!("[+{}]", s.text),
                DiffKind::Delete => format!("[-{}]", s.text),
            })
            .collect()
    }

    #[test]
    fn marks_replaced_and_added_words() {
        let spans = word_diff(
            "We utilize the planner daily.",
            "We use the planner every day!",
        );
        assert_eq!(
            render(&spans),
            "We [-utilize][+use] the planner [-daily.][+every day!]"
        );
    }

    #[test]
    fn rebuilds_both_texts() {
        let (old, new) = ("Ünïcode – fine, isn't it?", "Unicode: fine. Isn't it!");
        let spans = word_diff(old, new);
        let keep = |k: DiffKind| {
            spans
                .iter()
                .filter(|s| s.kind != k)
                .map(|s| s.text.as_str())
                .collect::<String>()
        };
        assert_eq!(keep(DiffKind::Insert), old);
        assert_eq!(keep(DiffKind::Delete), new);
    }

    #[test]
    fn a_huge_rewrite_finishes_within_the_deadline() {
        let old: String = (0..20_000).map(|i| format!("w{} ", i * 7 % 1013)).collect();
        let new: String = (0..20_000).map(|i| format!("x{} ", i * 11 % 997)).collect();
        let started = Instant::now();
        let spans = word_diff_within(&old, &new, Duration::from_millis(200));
        // Generous bound: the point is that it returns, not how fast this machine is.
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "took {:?}",
            started.elapsed()
        );
        let rebuilt: String = spans
            .iter()
            .filter(|s| s.kind != DiffKind::Insert)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(rebuilt, old);
    }
}
