//! How much reviewers agree, beyond chance: Cohen's κ for two raters and
//! Krippendorff's α for any number (and for items some raters left out).

use std::collections::BTreeMap;

/// Cohen's κ of two raters over the items both rated: `(a, b)` per item. `None` when
/// there is nothing to compare or chance alone explains every agreement.
pub fn cohen_kappa<T: Ord + Clone>(pairs: &[(T, T)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let n = pairs.len() as f64;
    let observed = pairs.iter().filter(|(a, b)| a == b).count() as f64 / n;
    let mut first: BTreeMap<T, f64> = BTreeMap::new();
    let mut second: BTreeMap<T, f64> = BTreeMap::new();
    for (a, b) in pairs {
        *first.entry(a.clone()).or_default() += 1.0;
        *second.entry(b.clone()).or_default() += 1.0;
    }
    let expected: f64 = first
        .iter()
        .map(|(c, m)| m / n * second.get(c).copied().unwrap_or(0.0) / n)
        .sum();
    (expected < 1.0).then(|| (observed - expected) / (1.0 - expected))
}

/// How unlike two values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Categories: alike or not (decisions).
    Nominal,
    /// Numbers on a scale: the squared difference (ratings).
    Interval,
}

impl Metric {
    fn delta(self, a: f64, b: f64) -> f64 {
        match self {
            Metric::Nominal => f64::from(u8::from(a != b)),
            Metric::Interval => (a - b).powi(2),
        }
    }
}

/// Krippendorff's α over units, each the values its raters gave (any number; a unit
/// with fewer than two values tells nothing and is left out). `None` when fewer than
/// two values can be paired or every value is the same.
pub fn krippendorff_alpha(units: &[Vec<f64>], metric: Metric) -> Option<f64> {
    // The coincidence matrix: every ordered pair of values within a unit, each
    // weighing 1 / (values in the unit - 1).
    let mut coincidences: BTreeMap<(u64, u64), f64> = BTreeMap::new();
    for values in units.iter().filter(|v| v.len() >= 2) {
        let weight = 1.0 / (values.len() - 1) as f64;
        for (i, a) in values.iter().enumerate() {
            for (j, b) in values.iter().enumerate() {
                if i != j {
                    *coincidences.entry((a.to_bits(), b.to_bits())).or_default() += weight;
                }
            }
        }
    }
    let mut totals: BTreeMap<u64, f64> = BTreeMap::new();
    for ((c, _), o) in &coincidences {
        *totals.entry(*c).or_default() += o;
    }
    let n: f64 = totals.values().sum();
    if n < 2.0 {
        return None;
    }
    let value = f64::from_bits;
    let disagreement: f64 = coincidences
        .iter()
        .map(|((c, k), o)| o * metric.delta(value(*c), value(*k)))
        .sum();
    let expected: f64 = totals
        .iter()
        .flat_map(|(c, nc)| {
            totals
                .iter()
                .map(move |(k, nk)| nc * nk * metric.delta(value(*c), value(*k)))
        })
        .sum();
    (expected > 0.0).then(|| 1.0 - (n - 1.0) * disagreement / expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kappa_matches_the_textbook_two_rater_example() {
        // 50 items: both yes 20, only A yes 5, only B yes 10, both no 15 → κ = 0.4.
        let mut pairs = Vec::new();
        pairs.extend(std::iter::repeat_n(("yes", "yes"), 20));
        pairs.extend(std::iter::repeat_n(("yes", "no"), 5));
        pairs.extend(std::iter::repeat_n(("no", "yes"), 10));
        pairs.extend(std::iter::repeat_n(("no", "no"), 15));
        let k = cohen_kappa(&pairs).unwrap();
        assert!((k - 0.4).abs() < 1e-12, "{k}");
        assert_eq!(cohen_kappa::<&str>(&[]), None);
        assert_eq!(
            cohen_kappa(&[("a", "a"), ("a", "a")]),
            None,
            "all one category"
        );
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": four
    /// observers, twelve units, some values missing. α = 0.743 nominal, 0.849 interval.
    #[test]
    fn alpha_matches_krippendorffs_worked_example() {
        let o = None;
        let rows: [[Option<f64>; 12]; 4] = [
            [
                Some(1.),
                Some(2.),
                Some(3.),
                Some(3.),
                Some(2.),
                Some(1.),
                Some(4.),
                Some(1.),
                Some(2.),
                o,
                o,
                o,
            ],
            [
                Some(1.),
                Some(2.),
                Some(3.),
                Some(3.),
                Some(2.),
                Some(2.),
                Some(4.),
                Some(1.),
                Some(2.),
                Some(5.),
                o,
                Some(3.),
            ],
            [
                o,
                Some(3.),
                Some(3.),
                Some(3.),
                Some(2.),
                Some(3.),
                Some(4.),
                Some(2.),
                Some(2.),
                Some(5.),
                Some(1.),
                o,
            ],
            [
                Some(1.),
                Some(2.),
                Some(3.),
                Some(3.),
                Some(2.),
                Some(4.),
                Some(4.),
                Some(1.),
                Some(2.),
                Some(5.),
                Some(1.),
                o,
            ],
        ];
        let units: Vec<Vec<f64>> = (0..12)
            .map(|u| rows.iter().filter_map(|r| r[u]).collect())
            .collect();
        let nominal = krippendorff_alpha(&units, Metric::Nominal).unwrap();
        assert!((nominal - 0.743).abs() < 0.0005, "{nominal}");
        let interval = krippendorff_alpha(&units, Metric::Interval).unwrap();
        assert!((interval - 0.849).abs() < 0.0005, "{interval}");
        assert_eq!(krippendorff_alpha(&[vec![1.0]], Metric::Nominal), None);
        assert_eq!(krippendorff_alpha(&[vec![2.0, 2.0]], Metric::Nominal), None);
    }

    #[test]
    fn two_raters_without_gaps_give_alpha_close_to_kappa() {
        // With many items and no gaps, α ≈ κ (α corrects for the sample size).
        let pairs: Vec<(u8, u8)> = (0..200)
            .map(|i| (u8::from(i % 3 == 0), u8::from(i % 4 == 0)))
            .collect();
        let k = cohen_kappa(&pairs).unwrap();
        let units: Vec<Vec<f64>> = pairs
            .iter()
            .map(|(a, b)| vec![f64::from(*a), f64::from(*b)])
            .collect();
        let a = krippendorff_alpha(&units, Metric::Nominal).unwrap();
        assert!((a - k).abs() < 0.01, "α {a} κ {k}");
    }
}
