//! "Phrase with the model": edits no rule kind explains, grouped by a real HTTP
//! server's embeddings (or by shared words), phrased by its chat endpoint, recorded,
//! kept as open suggestions labelled as the model's, and accepted or rejected.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

mod common;

use std::sync::{Arc, Mutex};

use draftloop_core::document::DocumentText;
use draftloop_core::drafting::ProviderKind;
use draftloop_core::host::TerminalHost;
use draftloop_core::insights::phrase::{EmbeddingsSource, PhraseProgress, PhraseRequest};
use draftloop_core::insights::{Insight, SuggestionDecision};
use draftloop_core::llm::Limits;
use draftloop_core::mining::Kind;
use draftloop_core::provider::NewProvider;
use draftloop_core::{Actor, Core, ErrorKind, NewProject};
use llm_test_server::TestLlmServer;

struct Setup {
    _dir: tempfile::TempDir,
    core: Core,
    server: TestLlmServer,
    project: String,
}

/// A core with an OpenAI-kind provider "model" and an Anthropic one "claude" on one
/// test server (no keys, so the keychain is not involved), and an email project.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open_with(
        dir.path(),
        Actor::new("test:alice"),
        Arc::new(TerminalHost),
        Limits::default(),
    )
    .unwrap();
    let server = TestLlmServer::start().unwrap();
    for (name, kind, base) in [
        ("model", ProviderKind::Openai, server.openai_base()),
        ("claude", ProviderKind::Anthropic, server.anthropic_base()),
    ] {
        core.add_provider(
            &NewProvider {
                name: name.into(),
                kind,
                base_url: base,
                default_model: "test-model".into(),
            },
            None,
        )
        .unwrap();
    }
    let project = core
        .with(|ws| {
            let p = ws.create_project(&NewProject {
                name: "Spring".into(),
                content_type: "email".into(),
            })?;
            ws.save_prompt(&p.id, "You write emails.", "Write about {{topic}}.")?;
            Ok(p.id)
        })
        .unwrap();
    Setup {
        _dir: dir,
        core,
        server,
        project,
    }
}

const TOPICS: [&str; 6] = [
    "planner",
    "report",
    "jacket",
    "webinar",
    "scale",
    "trail shoe",
];

/// Model drafts, each kept with `added[i]` appended by a person.
fn edited(s: &Setup, added: &[&str]) {
    s.core
        .with(|ws| {
            let version = ws.latest_prompt(&s.project)?.unwrap();
            for (i, sentence) in added.iter().enumerate() {
                let doc = ws.create_document(&s.project, TOPICS[i])?;
                let draft = format!(
                    "Meet the new {}. It was built for busy teams and ships this spring.",
                    TOPICS[i]
                );
                common::drafted(ws, &doc.id, Some(&version.id), &[&draft]);
                ws.save_document_text(
                    &doc.id,
                    &DocumentText::markdown(format!("{draft} {sentence}")),
                )?;
            }
            Ok(())
        })
        .unwrap();
}

/// Each names a time in words the others do not use.
const DEADLINES: [&str; 4] = [
    "Reply by Friday.",
    "The deadline is noon tomorrow.",
    "Orders close Monday at midnight.",
    "Seats are held until Thursday.",
];

fn request(s: &Setup, embeddings: Option<&str>) -> PhraseRequest {
    PhraseRequest {
        request_id: "phrase-1".into(),
        project_id: s.project.clone(),
        provider: "model".into(),
        embeddings: embeddings.map(|provider| EmbeddingsSource {
            provider: provider.into(),
            model: "test-embedding".into(),
        }),
    }
}

type Seen = Arc<Mutex<Vec<PhraseProgress>>>;

fn progress() -> (Seen, draftloop_core::insights::phrase::PhraseSink) {
    let seen: Seen = Arc::default();
    let sink = seen.clone();
    (seen, Arc::new(move |p| sink.lock().unwrap().push(p)))
}

fn chat_requests(server: &TestLlmServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/chat/completions"))
        .count()
}

fn decision(i: &Insight) -> SuggestionDecision {
    SuggestionDecision {
        kind: i.suggestion.kind,
        key: i.key.clone(),
        instruction: i.suggestion.instruction.clone(),
        support: i.suggestion.support,
        doc_type: i.suggestion.doc_type.clone(),
        examples: i.suggestion.examples.clone(),
        author: None,
        content_type_wide: false,
    }
}

#[tokio::test]
async fn sentences_saying_the_same_in_other_words_are_grouped_by_embeddings_and_phrased() {
    let s = setup();
    let mut added = DEADLINES.to_vec();
    added.extend([
        "Our office dog is called Biscuit.",
        "The team grew this year.",
    ]);
    edited(&s, &added);

    // By words, the deadlines share nothing: no group, nothing sent.
    let by_words = s
        .core
        .phrase_with_model(request(&s, None), progress().1)
        .await
        .unwrap();
    assert_eq!((by_words.sentences, by_words.groups), (6, 0));
    assert!(by_words.rules.is_empty());
    assert_eq!(chat_requests(&s.server), 0);

    let (seen, sink) = progress();
    let phrased = s
        .core
        .phrase_with_model(request(&s, Some("model")), sink)
        .await
        .unwrap();
    assert_eq!((phrased.sentences, phrased.groups), (6, 1));
    let embedded: Vec<_> = s
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/embeddings")
        .collect();
    assert_eq!(embedded.len(), 1);
    assert_eq!(embedded[0].body["model"], "test-embedding");
    assert_eq!(embedded[0].body["input"].as_array().unwrap().len(), 6);

    assert_eq!(phrased.rules.len(), 1);
    let rule = &phrased.rules[0];
    assert_eq!(rule.suggestion.kind, Kind::Phrased);
    assert_eq!(rule.suggestion.support, 4);
    let mut after: Vec<&str> = rule
        .suggestion
        .examples
        .iter()
        .map(|e| e.after.as_str())
        .collect();
    assert_eq!(
        rule.suggestion.instruction,
        format!("Write a sentence like \"{}\"", after[0])
    );
    after.sort_unstable();
    let mut deadlines = DEADLINES;
    deadlines.sort_unstable();
    assert_eq!(after, deadlines);
    assert!(rule.example_documents.iter().all(Option::is_some));
    assert_eq!(rule.suggestion.details["grouped_by"], "embeddings");

    // The request is recorded like any generation, with the group in it.
    let generation_id = rule.suggestion.details["generation_id"].as_str().unwrap();
    let (generation, messages) = s
        .core
        .read(|ws| {
            Ok((
                ws.generation(generation_id)?,
                ws.generation_messages(generation_id)?,
            ))
        })
        .unwrap();
    assert_eq!(generation.document_id, None);
    assert_eq!(generation.output, rule.suggestion.instruction);
    let asked = &messages.last().unwrap().content;
    for d in DEADLINES {
        assert!(asked.contains(d), "{asked}");
    }
    assert!(!asked.contains("Biscuit"), "{asked}");

    // Progress: the grouping, then the rule as it streamed.
    let seen = seen.lock().unwrap().clone();
    assert!(matches!(
        seen[0],
        PhraseProgress::Grouped {
            sentences: 6,
            to_phrase: 1
        }
    ));
    let streamed: String = seen
        .iter()
        .filter_map(|p| match p {
            PhraseProgress::Token { group: 0, text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(streamed, rule.suggestion.instruction);

    // Shown in Insights until decided; accepting makes a prompt version with it.
    let insights = s.core.read(|ws| ws.insights(&s.project)).unwrap();
    let shown: Vec<&Insight> = insights
        .suggestions
        .iter()
        .filter(|i| i.suggestion.kind == Kind::Phrased)
        .collect();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].suggestion.instruction, rule.suggestion.instruction);
    assert_eq!(shown[0].suggestion.examples, rule.suggestion.examples);
    let system = format!("You write emails.\n{}", rule.suggestion.instruction);
    let version = s
        .core
        .with(|ws| {
            ws.accept_suggestion(
                &s.project,
                &decision(shown[0]),
                &system,
                "Write about {{topic}}.",
            )
        })
        .unwrap();
    assert_eq!(version.system_prompt, system);
    assert_eq!(version.origin, "suggestion");
    let insights = s.core.read(|ws| ws.insights(&s.project)).unwrap();
    assert!(insights
        .suggestions
        .iter()
        .all(|i| i.suggestion.kind != Kind::Phrased));

    // A group already phrased is not sent again.
    let again = s
        .core
        .phrase_with_model(request(&s, Some("model")), progress().1)
        .await
        .unwrap();
    assert_eq!((again.groups, again.rules.len()), (1, 0));
    assert_eq!(chat_requests(&s.server), 1);
}

#[tokio::test]
async fn a_rejected_rule_is_not_shown_or_phrased_again() {
    let s = setup();
    edited(
        &s,
        &[
            "Send your budget numbers by the end of the week.",
            "Please send the budget numbers first.",
            "We need your budget numbers.",
        ],
    );
    let phrased = s
        .core
        .phrase_with_model(request(&s, None), progress().1)
        .await
        .unwrap();
    assert_eq!(phrased.rules.len(), 1, "{phrased:?}");
    assert_eq!(phrased.rules[0].suggestion.details["grouped_by"], "words");
    let rule = &phrased.rules[0];
    s.core
        .with(|ws| ws.reject_suggestion(&s.project, &decision(rule)))
        .unwrap();
    let insights = s.core.read(|ws| ws.insights(&s.project)).unwrap();
    assert!(insights
        .suggestions
        .iter()
        .all(|i| i.suggestion.kind != Kind::Phrased));
    let again = s
        .core
        .phrase_with_model(request(&s, None), progress().1)
        .await
        .unwrap();
    assert_eq!((again.groups, again.rules.len()), (1, 0));
    assert_eq!(chat_requests(&s.server), 1);
}

#[tokio::test]
async fn bad_requests_are_refused_before_anything_is_sent_or_kept() {
    let s = setup();
    edited(&s, &DEADLINES);
    let mut unknown = request(&s, None);
    unknown.provider = "nobody".into();
    let mut anthropic_embeddings = request(&s, Some("claude"));
    let mut unnamed_model = request(&s, Some("model"));
    unnamed_model.embeddings.as_mut().unwrap().model = "  ".into();
    let mut no_project = request(&s, None);
    no_project.project_id = "no-such-project".into();
    anthropic_embeddings.request_id = "phrase-2".into();
    for (bad, kind) in [
        (unknown, ErrorKind::NotFound),
        (anthropic_embeddings, ErrorKind::InvalidInput),
        (unnamed_model, ErrorKind::InvalidInput),
        (no_project, ErrorKind::NotFound),
    ] {
        let e = s
            .core
            .phrase_with_model(bad, progress().1)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), kind, "{e}");
    }
    assert!(s.server.requests().is_empty());
    let insights = s.core.read(|ws| ws.insights(&s.project)).unwrap();
    assert!(insights
        .suggestions
        .iter()
        .all(|i| i.suggestion.kind != Kind::Phrased));
}
