//! Train/eval splits: grouped by document, deterministic, and exact in size.
//!
//! Each document gets a key from a hash of its id; the eval side holds the
//! `round(ratio × n)` documents with the smallest keys, of the `n` documents the filters
//! select, and at least one on each side when there are two or more. A coin flip per
//! document would be as deterministic, but with a few dozen documents it can leave the
//! eval side empty, or twice as large as asked.

use sha2::{Digest, Sha256};

/// Which side each document of an export is on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Split {
    /// Documents whose key is below this go to eval.
    below: u64,
}

impl Split {
    /// The split of the documents with these keys (each document once) with about
    /// `ratio` of them for eval. Keys, not ids, are held: 8 bytes a document.
    pub(crate) fn new(mut keys: Vec<u64>, ratio: f64) -> Split {
        let n = keys.len();
        let eval = if n < 2 {
            0
        } else {
            ((ratio * n as f64).round() as usize).clamp(1, n - 1)
        };
        if eval == 0 {
            return Split { below: 0 };
        }
        // The eval-th smallest key (0-based) is the first that stays in train.
        let (_, first_train, _) = keys.select_nth_unstable(eval);
        Split {
            below: *first_train,
        }
    }

    pub(crate) fn is_eval(&self, document_id: &str) -> bool {
        key(document_id) < self.below
    }
}

/// A document's place in the split order.
pub(crate) fn key(document_id: &str) -> u64 {
    let digest = Sha256::digest(document_id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("document-{i}")).collect()
    }

    fn eval_count(ids: &[String], ratio: f64) -> usize {
        let split = Split::new(ids.iter().map(|d| key(d)).collect(), ratio);
        ids.iter().filter(|d| split.is_eval(d)).count()
    }

    #[test]
    fn the_eval_side_holds_the_share_asked_for() {
        assert_eq!(eval_count(&ids(1000), 0.1), 100);
        assert_eq!(eval_count(&ids(30), 0.25), 8);
        assert_eq!(eval_count(&ids(7), 0.5), 4);
    }

    #[test]
    fn two_or_more_documents_leave_each_side_one() {
        assert_eq!(eval_count(&ids(5), 0.01), 1);
        assert_eq!(eval_count(&ids(5), 0.99), 4);
        assert_eq!(eval_count(&ids(2), 0.5), 1);
        assert_eq!(eval_count(&ids(1), 0.9), 0);
        assert_eq!(eval_count(&ids(0), 0.5), 0);
    }

    #[test]
    fn a_document_keeps_its_side_whatever_the_order() {
        let forward = ids(50);
        let mut backward = forward.clone();
        backward.reverse();
        let a = Split::new(forward.iter().map(|d| key(d)).collect(), 0.3);
        let b = Split::new(backward.iter().map(|d| key(d)).collect(), 0.3);
        assert!(forward.iter().all(|d| a.is_eval(d) == b.is_eval(d)));
    }
}
