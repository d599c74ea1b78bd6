//! Benchmark: how well the review gate's score picks the drafts that need a person, on
//! a seeded simulated history, against a score of token probabilities alone.
//! `cargo run --release -p draftloop-core --example routing_bench [SEED]`
//!
//! The simulation: three prompt versions whose drafts are bad 10%, 30% and 55% of the
//! time. A bad draft's mean token probability is lower on average but overlaps a good
//! one's (good ~ N(0.95, 0.03), bad ~ N(0.90, 0.05)); a quarter of bad drafts use the
//! banned phrase and a fifth are too short (2% and 3% of good ones). 3,000 drafts are
//! reviewed first (the history: each prompt version's record, the calibration); 3,000
//! new ones are then routed. "Needs review" is a draft scored under 0.85 or failing a
//! banned-phrase check; the baseline flags a mean token probability under 0.85, and, to
//! compare at the same review load, under the threshold that flags as many drafts as
//! the gate does. One thread.

use draftloop_core::review::confidence::{score, Calibration, History};
use draftloop_core::review::Checks;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let (u, v) = (self.next().max(1e-12), self.next());
        mean + sd * (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

struct Draft {
    version: usize,
    bad: bool,
    p: f64,
    text: String,
}

const BAD_RATES: [f64; 3] = [0.10, 0.30, 0.55];
const THRESHOLD: f64 = 0.85;

fn draft(rng: &mut Rng) -> Draft {
    let version = (rng.next() * 3.0) as usize % 3;
    let bad = rng.next() < BAD_RATES[version];
    let p = if bad {
        rng.normal(0.90, 0.05)
    } else {
        rng.normal(0.95, 0.03)
    }
    .clamp(0.3, 0.9999);
    let banned = rng.next() < if bad { 0.25 } else { 0.02 };
    let short = rng.next() < if bad { 0.20 } else { 0.03 };
    let mut text = String::from(if short {
        "Spring boots are here."
    } else {
        "Spring boots are here: light, warm and ready for the trail. Order this week and we ship them the next morning, with free returns for thirty days."
    });
    if banned {
        text.push_str(" Guaranteed results.");
    }
    Draft {
        version,
        bad,
        p,
        text,
    }
}

fn checks() -> Checks {
    Checks {
        banned: vec!["guaranteed results".into()],
        min_words: Some(10),
        ..Checks::default()
    }
}

struct Quality {
    flagged: usize,
    precision: f64,
    recall: f64,
}

fn quality(flags: &[bool], drafts: &[Draft]) -> Quality {
    let flagged = flags.iter().filter(|f| **f).count();
    let caught = flags
        .iter()
        .zip(drafts)
        .filter(|(f, d)| **f && d.bad)
        .count();
    let bad = drafts.iter().filter(|d| d.bad).count();
    Quality {
        flagged,
        precision: caught as f64 / flagged.max(1) as f64,
        recall: caught as f64 / bad.max(1) as f64,
    }
}

fn main() {
    let seed: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let mut rng = Rng(seed);
    let checks = checks();
    let logprobs = |p: f64| vec![p.ln(); 20];

    // The history: every draft reviewed; per prompt version its record, per content
    // type the calibration of raw scores against "approved unchanged".
    let past: Vec<Draft> = (0..3000).map(|_| draft(&mut rng)).collect();
    let mut history = [History::default(); 3];
    for d in &past {
        history[d.version].decided += 1;
        history[d.version].reworked += usize::from(d.bad);
    }
    let outcomes: Vec<(f64, bool)> = past
        .iter()
        .map(|d| {
            let raw = score(&d.text, &logprobs(d.p), &checks, history[d.version], None).raw;
            (raw, !d.bad)
        })
        .collect();
    let calibration = Calibration::fit(&outcomes).expect("enough history");

    let now: Vec<Draft> = (0..3000).map(|_| draft(&mut rng)).collect();
    let gate: Vec<bool> = now
        .iter()
        .map(|d| {
            let c = score(
                &d.text,
                &logprobs(d.p),
                &checks,
                history[d.version],
                Some(&calibration),
            );
            c.must_review || c.score < THRESHOLD
        })
        .collect();
    let before_history: Vec<bool> = now
        .iter()
        .map(|d| {
            let c = score(&d.text, &logprobs(d.p), &checks, History::default(), None);
            c.must_review || c.score < THRESHOLD
        })
        .collect();
    let alone: Vec<bool> = now.iter().map(|d| d.p < THRESHOLD).collect();
    // The token-probability threshold that flags as many drafts as the gate.
    let mut ps: Vec<f64> = now.iter().map(|d| d.p).collect();
    ps.sort_by(f64::total_cmp);
    let volume = gate.iter().filter(|f| **f).count();
    let matched = ps[volume.min(ps.len() - 1)];
    let alone_matched: Vec<bool> = now.iter().map(|d| d.p < matched).collect();

    let bad = now.iter().filter(|d| d.bad).count();
    println!(
        "seed {seed}: {} drafts, {bad} bad ({:.0}%)",
        now.len(),
        100.0 * bad as f64 / now.len() as f64
    );
    for (name, flags) in [
        ("the gate (history + calibration)", &gate),
        ("the gate before any history", &before_history),
        ("token probability < 0.85", &alone),
        (
            &*format!("token probability < {matched:.3} (same load)"),
            &alone_matched,
        ),
    ] {
        let q = quality(flags, &now);
        println!(
            "  {name:<44} flags {:>4} ({:>4.1}%)  precision {:.2}  recall {:.2}",
            q.flagged,
            100.0 * q.flagged as f64 / now.len() as f64,
            q.precision,
            q.recall
        );
    }
}
