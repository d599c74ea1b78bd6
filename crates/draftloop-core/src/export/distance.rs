//! The word edit distance exports judge edits by: the words deleted and inserted over
//! the words of both texts, from their longest common subsequence. The subsequence is
//! found bit-parallel (Allison & Dix 1986, in the form of Crochemore et al. 2001): one
//! pass over one text, 64 positions of the other per machine word. Its time is bounded
//! by the texts' lengths alone, so it is exact even for a full rewrite and needs no
//! deadline.

use rustc_hash::FxHashMap;

use crate::mining::extract::words;

/// Word-level edit distance between two texts, normalized to 0–1: the words deleted
/// and inserted over the words of both.
pub fn normalized_edit_distance(a: &str, b: &str) -> f64 {
    if a == b {
        return 0.0;
    }
    let (x, y) = (words(a), words(b));
    let total = x.len() + y.len();
    if total == 0 {
        return 0.0;
    }
    (total - 2 * common(&x, &y)) as f64 / total as f64
}

/// Whether the word edit distance between two texts is at least `min`: what an export
/// asks of each edit. The lengths alone often settle it: no common subsequence is longer
/// than the shorter text, so the distance is at least the difference in length over the
/// total, and the subsequence need not be found.
pub fn edit_distance_at_least(a: &str, b: &str, min: f64) -> bool {
    if min <= 0.0 {
        return true;
    }
    if a == b {
        return false;
    }
    let (x, y) = (words(a), words(b));
    let total = x.len() + y.len();
    if total == 0 {
        return false;
    }
    if x.len().abs_diff(y.len()) as f64 / total as f64 >= min {
        return true;
    }
    (total - 2 * common(&x, &y)) as f64 / total as f64 >= min
}

/// The length of the longest common subsequence of two token sequences.
fn common(x: &[&str], y: &[&str]) -> usize {
    // Shared ends belong to every longest common subsequence.
    let prefix = x.iter().zip(y).take_while(|(p, q)| p == q).count();
    let (x, y) = (&x[prefix..], &y[prefix..]);
    let suffix = x
        .iter()
        .rev()
        .zip(y.iter().rev())
        .take_while(|(p, q)| p == q)
        .count();
    let (x, y) = (&x[..x.len() - suffix], &y[..y.len() - suffix]);
    prefix + suffix + lcs(x, y)
}

fn lcs(x: &[&str], y: &[&str]) -> usize {
    // The bits run along the shorter text.
    let (x, y) = if x.len() <= y.len() { (x, y) } else { (y, x) };
    if x.is_empty() {
        return 0;
    }
    let width = x.len().div_ceil(64);
    // For each distinct token of `x`, the positions where it occurs, as `width` words
    // of one flat table.
    let mut at: FxHashMap<&str, usize> =
        FxHashMap::with_capacity_and_hasher(x.len(), Default::default());
    let mut masks: Vec<u64> = Vec::with_capacity(x.len() * width);
    for (i, token) in x.iter().enumerate() {
        let start = *at.entry(token).or_insert_with(|| {
            masks.resize(masks.len() + width, 0);
            masks.len() - width
        });
        masks[start + i / 64] |= 1 << (i % 64);
    }
    // A zero bit in `v` marks a position of `x` matched so far. Padding bits above
    // `x.len()` stay ones: their masks are zero, and `v & !m` keeps them.
    let mut v = vec![u64::MAX; width];
    for token in y {
        let Some(&start) = at.get(token) else {
            continue;
        };
        let m = &masks[start..start + width];
        let mut carry = false;
        for (v, &m) in v.iter_mut().zip(m) {
            let (sum, c1) = v.overflowing_add(*v & m);
            let (sum, c2) = sum.overflowing_add(u64::from(carry));
            carry = c1 || c2;
            *v = sum | (*v & !m);
        }
    }
    v.iter().map(|w| w.count_zeros() as usize).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The textbook dynamic programme, to hold the bit-parallel one to.
    fn lcs_table(x: &[&str], y: &[&str]) -> usize {
        let mut row = vec![0usize; y.len() + 1];
        for a in x {
            let mut diagonal = 0;
            for (j, b) in y.iter().enumerate() {
                let above = row[j + 1];
                row[j + 1] = if a == b {
                    diagonal + 1
                } else {
                    above.max(row[j])
                };
                diagonal = above;
            }
        }
        row[y.len()]
    }

    /// Numbers below `n`, the same every run (xorshift).
    fn numbers(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        }
    }

    #[test]
    fn matches_the_dynamic_programme_on_many_sequences() {
        // A small vocabulary makes many repeats; lengths cross the 64-bit word edges.
        let vocabulary = ["a", "b", "c", "d", "the", ",", "."];
        let mut next = numbers(0x2545_f491_4f6c_dd1d);
        for _ in 0..2_000 {
            let (n, m) = (next(200), next(200));
            let x: Vec<&str> = (0..n).map(|_| vocabulary[next(vocabulary.len())]).collect();
            let y: Vec<&str> = (0..m).map(|_| vocabulary[next(vocabulary.len())]).collect();
            assert_eq!(common(&x, &y), lcs_table(&x, &y), "{x:?} / {y:?}");
        }
    }

    #[test]
    fn distances() {
        assert_eq!(normalized_edit_distance("same words", "same words"), 0.0);
        assert_eq!(normalized_edit_distance("", ""), 0.0);
        assert_eq!(normalized_edit_distance("one two", ""), 1.0);
        // One word of four replaced: one deleted and one inserted over eight.
        assert_eq!(normalized_edit_distance("a b c d", "a b x d"), 0.25);
        assert_eq!(
            normalized_edit_distance("Hello, world.", "Hello world."),
            1.0 / 7.0
        );
    }

    #[test]
    fn at_least_agrees_with_the_distance_on_many_pairs() {
        // Pairs whose lengths differ a little and a lot, around every threshold.
        let vocabulary = ["a", "b", "c", "d", "the", ",", "."];
        let mut next = numbers(0x9e37_79b9_7f4a_7c15);
        let mut shortcuts = 0;
        for _ in 0..2_000 {
            let n = next(40);
            let m = n + next(8);
            let a: Vec<&str> = (0..n).map(|_| vocabulary[next(vocabulary.len())]).collect();
            let mut b: Vec<&str> = a.clone();
            for _ in 0..next(4) {
                if !b.is_empty() {
                    let at = next(b.len());
                    b[at] = vocabulary[next(vocabulary.len())];
                }
            }
            b.extend((n..m).map(|_| vocabulary[next(vocabulary.len())]));
            let (a, b) = (a.join(" "), b.join(" "));
            let distance = normalized_edit_distance(&a, &b);
            for min in [0.0, 0.01, 0.05, 0.1, 0.2, 0.5, 1.0] {
                assert_eq!(
                    edit_distance_at_least(&a, &b, min),
                    distance >= min,
                    "{a:?} / {b:?} at {min}"
                );
            }
            let (x, y) = (words(&a).len(), words(&b).len());
            shortcuts += usize::from(x.abs_diff(y) as f64 / (x + y).max(1) as f64 >= 0.05);
        }
        // Both ways of deciding were taken many times.
        assert!(shortcuts > 200 && shortcuts < 1_800, "{shortcuts}");
    }

    #[test]
    fn a_full_rewrite_of_twenty_thousand_words_is_exact() {
        let draft: String = (0..20_000).map(|i| format!("w{} ", i % 997)).collect();
        let rewrite: String = (0..20_000).map(|i| format!("v{} ", i % 991)).collect();
        assert_eq!(normalized_edit_distance(&draft, &rewrite), 1.0);
    }
}
