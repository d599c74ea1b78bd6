//! Train/eval splits: grouped by document, deterministic, and stable as data grows.
//!
//! A document's side comes from a hash of its id: it is in eval when its key falls in
//! the first `ratio` of the key space. So a document keeps its side in every later
//! export, whatever documents are added or filtered away, and an eval set never leaks
//! into the training set of the next version of the dataset. The one exception keeps a
//! small export useful: when the hashes would leave a side empty and there are two or
//! more documents, the document nearest the cut moves across.

use sha2::{Digest, Sha256};

/// Which side each document of an export is on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Split {
    /// Documents whose key is below this go to eval.
    below: u64,
}

/// The documents of an export as a split needs them: how many fall on each side of the
/// cut, and the keys nearest to it. Constant size, whatever the number of documents.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tally {
    cut: u64,
    eval: u64,
    train: u64,
    /// The smallest key in train, the largest in eval.
    first_train: u64,
    last_eval: u64,
}

impl Tally {
    pub(crate) fn new(ratio: f64) -> Tally {
        Tally {
            // `as` saturates: a ratio of 1 would be u64::MAX (ratios are below 1).
            cut: (ratio.clamp(0.0, 1.0) * u64::MAX as f64) as u64,
            eval: 0,
            train: 0,
            first_train: u64::MAX,
            last_eval: 0,
        }
    }

    /// Counts a document; each is counted once.
    pub(crate) fn add(&mut self, document_id: &str) {
        let k = key(document_id);
        if k < self.cut {
            self.eval += 1;
            self.last_eval = self.last_eval.max(k);
        } else {
            self.train += 1;
            self.first_train = self.first_train.min(k);
        }
    }

    pub(crate) fn split(&self) -> Split {
        let below = match (self.eval, self.train) {
            // Eval would be empty: the train document nearest the cut goes to eval.
            (0, t) if t >= 2 => self.first_train.saturating_add(1),
            // Train would be empty: the eval document nearest the cut goes to train.
            (e, 0) if e >= 2 => self.last_eval,
            _ => self.cut,
        };
        Split { below }
    }
}

impl Split {
    pub(crate) fn is_eval(&self, document_id: &str) -> bool {
        key(document_id) < self.below
    }
}

/// A document's place in the key space.
fn key(document_id: &str) -> u64 {
    let digest = Sha256::digest(document_id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(range: std::ops::Range<usize>) -> Vec<String> {
        range.map(|i| format!("document-{i}")).collect()
    }

    fn split(ids: &[String], ratio: f64) -> Split {
        let mut tally = Tally::new(ratio);
        ids.iter().for_each(|d| tally.add(d));
        tally.split()
    }

    fn eval_count(ids: &[String], ratio: f64) -> usize {
        let s = split(ids, ratio);
        ids.iter().filter(|d| s.is_eval(d)).count()
    }

    #[test]
    fn the_eval_side_holds_about_the_share_asked_for() {
        let many = ids(0..10_000);
        let n = eval_count(&many, 0.1);
        assert!((900..1100).contains(&n), "{n} of 10,000 in eval");
    }

    #[test]
    fn a_document_keeps_its_side_as_documents_are_added() {
        let before = ids(0..200);
        let after = ids(0..5_000);
        let (a, b) = (split(&before, 0.2), split(&after, 0.2));
        assert!(before.iter().all(|d| a.is_eval(d) == b.is_eval(d)));
    }

    #[test]
    fn two_or_more_documents_leave_each_side_one() {
        for n in 2..40 {
            let docs = ids(0..n);
            for ratio in [0.001, 0.1, 0.5, 0.9, 0.999] {
                let eval = eval_count(&docs, ratio);
                assert!(eval >= 1 && eval < n, "{eval} of {n} at {ratio}");
            }
        }
        assert_eq!(
            eval_count(&ids(0..1), 0.999),
            1,
            "one document: the hash decides"
        );
        assert_eq!(
            eval_count(&ids(0..1), 0.001),
            0,
            "one document: the hash decides"
        );
        assert_eq!(eval_count(&ids(0..0), 0.5), 0);
    }

    #[test]
    fn only_the_document_nearest_the_cut_moves() {
        // Three documents all on the train side at a tiny ratio: only one moves.
        let docs = ids(0..3);
        assert_eq!(eval_count(&docs, 1e-12), 1);
        assert_eq!(eval_count(&docs, 1.0 - 1e-12), 2);
    }
}
