//! The use cases the desktop app and the CLI call, run as they run them, with no window:
//! a host of the test's own (keychain in memory, a fixed clock, notices kept) and a real
//! HTTP server speaking both model APIs.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use draftloop_core::drafting::{Brief, DraftRequest, Ending, ProviderKind, Token, TokenSink};
use draftloop_core::export::{ExportOptions, Format};
use draftloop_core::generation::{GenerateRequest, ReviseRequest};
use draftloop_core::host::{Host, Notice};
use draftloop_core::keychain::Keychain;
use draftloop_core::llm::{Limits, RetryPolicy};
use draftloop_core::provider::NewProvider;
use draftloop_core::{Actor, Changed, Core, ErrorKind, NewProject, Result, Secret};
use llm_test_server::{Fault, TestLlmServer};
use serde_json::json;

const KEY: &str = "sk-host-test";

#[derive(Default)]
struct TestHost {
    keys: Mutex<HashMap<String, Secret>>,
    notices: Mutex<Vec<Notice>>,
    changes: Mutex<Vec<Changed>>,
}

impl Keychain for TestHost {
    fn set(&self, account: &str, secret: &Secret) -> Result<()> {
        self.keys
            .lock()
            .unwrap()
            .insert(account.into(), secret.clone());
        Ok(())
    }
    fn get(&self, account: &str) -> Result<Option<Secret>> {
        Ok(self.keys.lock().unwrap().get(account).cloned())
    }
    fn delete(&self, account: &str) -> Result<()> {
        self.keys.lock().unwrap().remove(account);
        Ok(())
    }
}

fn noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 14, 12, 0, 0).unwrap()
}

impl Host for TestHost {
    fn keychain(&self) -> &dyn Keychain {
        self
    }
    fn now(&self) -> DateTime<Utc> {
        noon()
    }
    fn notify(&self, notice: Notice) {
        self.notices.lock().unwrap().push(notice);
    }
    fn changed(&self, changed: &Changed) {
        self.changes.lock().unwrap().push(changed.clone());
    }
}

impl TestHost {
    /// What the host was told since the last call.
    fn told(&self) -> Vec<Changed> {
        std::mem::take(&mut *self.changes.lock().unwrap())
    }
}

struct Setup {
    _dir: tempfile::TempDir,
    core: Core,
    host: Arc<TestHost>,
    server: TestLlmServer,
    document: String,
}

/// A core over a fresh workspace with a provider of `kind` on the test server (its key
/// in the host's keychain), and a document whose brief fills the project's prompt.
fn setup(kind: ProviderKind) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let host = Arc::new(TestHost::default());
    let limits = Limits {
        retry: RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
        ..Limits::default()
    };
    let core = Core::open_with(dir.path(), Actor::new("test:alice"), host.clone(), limits).unwrap();
    let server = TestLlmServer::start_on(0, Some(KEY.into())).unwrap();
    core.add_provider(
        &NewProvider {
            name: "model".into(),
            kind,
            base_url: match kind {
                ProviderKind::Anthropic => server.anthropic_base(),
                _ => server.openai_base(),
            },
            default_model: "test-model".into(),
        },
        Some(&Secret::new(KEY)),
    )
    .unwrap();
    let document = core
        .with(|ws| {
            let project = ws.create_project(&NewProject {
                name: "Spring".into(),
                content_type: "email".into(),
            })?;
            ws.save_prompt(&project.id, "You write emails.", "Write about {{topic}}.")?;
            let doc = ws.create_document(&project.id, "Launch")?;
            let brief = BTreeMap::from([("topic".to_owned(), "the spring sale".to_owned())]);
            ws.set_document_brief(&doc.id, &brief)?;
            Ok(doc.id)
        })
        .unwrap();
    Setup {
        _dir: dir,
        core,
        host,
        server,
        document,
    }
}

fn collector() -> (TokenSink, Arc<Mutex<Vec<Token>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink_seen = seen.clone();
    (
        Arc::new(move |t: Token| sink_seen.lock().unwrap().push(t)),
        seen,
    )
}

fn streamed(tokens: &[Token], variant: u32) -> String {
    tokens
        .iter()
        .filter(|t| t.variant == variant)
        .map(|t| t.text.as_str())
        .collect()
}

#[tokio::test]
async fn generate_fills_the_brief_streams_and_records_each_variant() {
    let s = setup(ProviderKind::Openai);
    let (sink, tokens) = collector();
    let request = GenerateRequest {
        request_id: "r1".into(),
        document_id: s.document.clone(),
        provider: "model".into(),
        model: None,
        n: 2,
        temperature: Some(0.3),
    };
    let drafted = s.core.generate(request.into(), sink).await.unwrap();
    assert_eq!(drafted.ending, Ending::Complete);
    assert_eq!(drafted.generations.len(), 2);
    let tokens = tokens.lock().unwrap();
    for (i, g) in drafted.generations.iter().enumerate() {
        assert_eq!(g.document_id.as_deref(), Some(s.document.as_str()));
        assert!(g.prompt_version_id.is_some());
        assert_eq!(g.model, "test-model");
        assert_eq!(
            g.output,
            streamed(&tokens, i as u32),
            "variant {i} as streamed"
        );
        assert_eq!(g.created_at, "2026-03-14T12:00:00.000Z", "the host's clock");
    }
    // One request with n = 2, the key from the host's keychain, the brief filled in.
    let requests = s.server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(requests[0].body["n"], 2);
    assert_eq!(
        requests[0].body["messages"][1]["content"],
        "Write about the spring sale."
    );
    // Recorded: the document's generations are these.
    let recorded = s
        .core
        .with(|ws| ws.generation_group(&drafted.generations[0].group_id))
        .unwrap();
    assert_eq!(recorded, drafted.generations);
    assert!(s.core.with(|ws| ws.verify_audit_log()).unwrap().is_none());
}

#[tokio::test]
async fn generate_without_a_prompt_or_with_an_unknown_provider_sends_nothing() {
    let s = setup(ProviderKind::Openai);
    let (sink, _) = collector();
    let mut request = DraftRequest {
        request_id: "r2".into(),
        brief: Brief::Project {
            name: "Nope".into(),
            values: BTreeMap::new(),
        },
        provider: "model".into(),
        model: None,
        n: 1,
        temperature: None,
        max_tokens: None,
        stream: true,
        route: None,
    };
    let err = s
        .core
        .generate(request.clone(), sink.clone())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    request.brief = Brief::Document(s.document.clone());
    request.provider = "missing".into();
    let err = s.core.generate(request, sink).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(s.server.requests().is_empty());
}

#[tokio::test]
async fn a_failed_generation_is_recorded_then_reported() {
    let s = setup(ProviderKind::Openai);
    s.server.push_fault(Fault::Status {
        code: 401,
        retry_after_secs: None,
    });
    let (sink, _) = collector();
    let request = DraftRequest {
        request_id: "r3".into(),
        brief: Brief::Document(s.document.clone()),
        provider: "model".into(),
        model: None,
        n: 1,
        temperature: None,
        max_tokens: None,
        stream: true,
        route: None,
    };
    let err = s.core.generate(request, sink).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Auth);
    let failed: i64 = s
        .core
        .with(|ws| {
            Ok(ws
                .audit_log()?
                .iter()
                .filter(|e| e.action == "generation.recorded")
                .count() as i64)
        })
        .unwrap();
    assert_eq!(failed, 1, "the failure is recorded as a generation");
}

#[tokio::test]
async fn revise_comes_back_as_a_generation_and_leaves_the_text_alone() {
    let s = setup(ProviderKind::Openai);
    let text = draftloop_core::document::DocumentText::markdown("Our sale starts Monday.");
    s.core
        .with(|ws| ws.save_document_text(&s.document, &text))
        .unwrap();
    let (sink, tokens) = collector();
    let revision = s
        .core
        .revise(
            ReviseRequest {
                request_id: "rv".into(),
                document_id: s.document.clone(),
                provider: "model".into(),
                notes: "Shorter, please.".into(),
            },
            sink,
        )
        .await
        .unwrap();
    assert_eq!(revision.document_id.as_deref(), Some(s.document.as_str()));
    assert_eq!(revision.output, streamed(&tokens.lock().unwrap(), 0));
    let sent = &s.server.requests()[0].body["messages"];
    let asked = sent.as_array().unwrap().last().unwrap()["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(asked.contains("Our sale starts Monday.") && asked.contains("Shorter, please."));
    let doc = s.core.with(|ws| ws.document(&s.document)).unwrap();
    assert_eq!(doc.body_markdown.trim(), "Our sale starts Monday.");
    // Empty notes are refused before anything is sent.
    let (sink, _) = collector();
    let err = s
        .core
        .revise(
            ReviseRequest {
                request_id: "rv2".into(),
                document_id: s.document.clone(),
                provider: "model".into(),
                notes: "  ".into(),
            },
            sink,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(s.server.requests().len(), 1);
}

#[tokio::test]
async fn a_cancelled_variant_stops_alone_and_keeps_what_arrived() {
    let s = setup(ProviderKind::Anthropic);
    for _ in 0..2 {
        s.server.push_fault(Fault::Slow {
            per_event: Duration::from_millis(20),
        });
    }
    // Variant 2 is stopped at its first token, as a person pressing its Stop would.
    let core = s.core.clone();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink_seen = seen.clone();
    let sink: TokenSink = Arc::new(move |t: Token| {
        if t.variant == 1 {
            core.cancel_variant("r4", 1);
        }
        sink_seen.lock().unwrap().push(t);
    });
    let request = DraftRequest {
        request_id: "r4".into(),
        brief: Brief::Document(s.document.clone()),
        provider: "model".into(),
        model: None,
        n: 2,
        temperature: None,
        max_tokens: None,
        stream: true,
        route: None,
    };
    let drafted = s.core.generate(request, sink).await.unwrap();
    assert_eq!(drafted.ending, Ending::Cancelled);
    let (whole, cut) = (&drafted.generations[0], &drafted.generations[1]);
    assert!(!whole.incomplete, "variant 1 ran to its end");
    assert!(cut.incomplete);
    assert_eq!(cut.error.as_deref(), Some("cancelled"));
    assert_eq!(cut.output, streamed(&seen.lock().unwrap(), 1));
    assert_eq!(s.server.requests().len(), 2, "one request per variant");
    // Cancelling after the end, or an unknown request, is harmless.
    s.core.cancel_variant("r4", 0);
    s.core.cancel_variant("nope", 3);
}

/// `n` records of history, as an import file.
fn history(n: usize) -> String {
    (0..n)
        .map(|i| {
            json!({
                "project": "History",
                "prompt": format!("Write email {i}."),
                "draft": format!("Draft number {i} of the spring email."),
                "final": format!("Final number {i}, shorter."),
                "thumb": if i % 2 == 0 { "up" } else { "down" },
                "decision": "approved",
            })
            .to_string()
                + "\n"
        })
        .collect()
}

#[tokio::test]
async fn import_and_export_run_as_jobs_and_tell_the_host() {
    let s = setup(ProviderKind::Openai);
    let file = s._dir.path().join("history.jsonl");
    std::fs::write(&file, history(300)).unwrap();
    let summary = s.core.import("i1", file, |_| {}).await.unwrap();
    assert_eq!(summary.imported, 300);
    let out = s._dir.path().join("sft.jsonl");
    let summaries = s
        .core
        .export(
            "e1",
            ExportOptions::new(Format::Sft),
            vec![(Format::Sft, out.clone())],
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!(summaries[0].train_rows, 300);
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 300);
    assert!(
        s.core.jobs().list().is_empty(),
        "finished jobs leave the list"
    );
    let notices = s.host.notices.lock().unwrap().clone();
    let titles: Vec<&str> = notices.iter().map(|n| n.title.as_str()).collect();
    assert_eq!(titles, ["Import finished", "Export finished"]);
    assert_eq!(notices[1].body, "300 rows of sft");
}

#[tokio::test]
async fn a_cancelled_export_or_import_keeps_nothing() {
    let s = setup(ProviderKind::Openai);
    let file = s._dir.path().join("history.jsonl");
    std::fs::write(&file, history(2_500)).unwrap();
    // The import hears its cancel at its first progress report.
    let core = s.core.clone();
    let err = s
        .core
        .import("i1", file.clone(), move |_| {
            core.jobs().cancel("i1");
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    let documents = s.core.with(|ws| ws.documents(None)).unwrap();
    assert_eq!(documents.len(), 1, "only the setup's document");
    s.core.import("i2", file, |_| {}).await.unwrap();

    let core = s.core.clone();
    let out = s._dir.path().join("kto.jsonl");
    let summaries = s
        .core
        .export(
            "e1",
            ExportOptions::new(Format::Kto),
            vec![(Format::Kto, out.clone())],
            move |_| {
                core.jobs().cancel("e1");
            },
        )
        .await
        .unwrap();
    assert!(summaries[0].cancelled);
    assert!(!out.exists());
    let notices = s.host.notices.lock().unwrap();
    assert!(
        notices.iter().all(|n| n.title != "Export finished"),
        "a cancelled export is not announced as finished"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saves_and_feedback_are_done_while_an_import_runs() {
    let s = setup(ProviderKind::Openai);
    let file = s._dir.path().join("history.jsonl");
    std::fs::write(&file, history(3_000)).unwrap();
    // The import stops after its first chunk until the save and the feedback are done:
    // they cannot wait for it, or this test would hang.
    let (started, on_started) = std::sync::mpsc::channel::<()>();
    let (go_on, on_go) = std::sync::mpsc::channel::<()>();
    let first = std::sync::atomic::AtomicBool::new(true);
    let importing = tokio::spawn({
        let core = s.core.clone();
        async move {
            core.import("i1", file, move |_| {
                if first.swap(false, std::sync::atomic::Ordering::SeqCst) {
                    started.send(()).unwrap();
                    on_go.recv().unwrap();
                }
            })
            .await
        }
    });
    tokio::task::spawn_blocking(move || on_started.recv().unwrap())
        .await
        .unwrap();

    let text = draftloop_core::document::DocumentText::markdown("Written during the import.");
    let saved = s
        .core
        .with(|ws| ws.save_document_text(&s.document, &text))
        .unwrap();
    assert_eq!(saved.body_markdown.trim(), "Written during the import.");
    let event = s
        .core
        .with(|ws| {
            ws.record_feedback(
                &s.document,
                None,
                &draftloop_core::feedback::Feedback::Comment {
                    text: "Good start".into(),
                    span: None,
                },
            )
        })
        .unwrap();
    assert!(!importing.is_finished(), "the import is still under way");
    // What the import has committed so far is out of sight.
    assert_eq!(s.core.with(|ws| ws.documents(None)).unwrap().len(), 1);
    assert_eq!(s.core.with(|ws| ws.projects()).unwrap().len(), 1);
    let exportable = s
        .core
        .with(|ws| ws.export_preview(&ExportOptions::new(Format::Sft), 0))
        .unwrap();
    assert_eq!(exportable.rows, 0, "nor in an export");

    go_on.send(()).unwrap();
    // And while it writes its next chunks, saves go on too: each waits for a chunk's
    // commit at most, never failing for the lock.
    let mut saves = 0;
    while !importing.is_finished() || saves == 0 {
        let text = draftloop_core::document::DocumentText::markdown(format!("Save {saves}."));
        s.core
            .with(|ws| ws.save_document_text(&s.document, &text))
            .unwrap();
        saves += 1;
    }
    let summary = importing.await.unwrap().unwrap();
    assert_eq!(summary.imported, 3_000);
    assert_eq!(s.core.with(|ws| ws.documents(None)).unwrap().len(), 3_001);
    let feedback = s.core.with(|ws| ws.document_feedback(&s.document)).unwrap();
    assert_eq!(feedback.comments[0].id, event.id);
    assert!(s.core.with(|ws| ws.verify_audit_log()).unwrap().is_none());
}

fn ids(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| (*id).to_owned()).collect()
}

#[tokio::test]
async fn each_write_tells_the_host_what_it_changed_and_nothing_else() {
    use draftloop_core::document::DocumentText;
    use draftloop_core::feedback::{Feedback, Verdict};
    let s = setup(ProviderKind::Openai);
    let doc = s.document.clone();
    s.host.told();

    let project = s
        .core
        .with(|ws| {
            ws.create_project(&NewProject {
                name: "Summer".into(),
                content_type: "email".into(),
            })
        })
        .unwrap();
    let made = s
        .core
        .with(|ws| ws.create_document(&project.id, "Heat"))
        .unwrap();
    s.core
        .with(|ws| ws.save_document_text(&doc, &DocumentText::markdown("Hello there.")))
        .unwrap();
    s.core
        .with(|ws| {
            ws.record_feedback(
                &doc,
                None,
                &Feedback::Thumb {
                    up: true,
                    reason: None,
                    text: None,
                },
            )
        })
        .unwrap();
    assert_eq!(
        s.host.told(),
        [
            Changed {
                projects: ids(&[&project.id]),
                ..Changed::default()
            },
            Changed {
                documents: ids(&[&made.id]),
                ..Changed::default()
            },
            Changed {
                documents: ids(&[&doc]),
                ..Changed::default()
            },
            Changed {
                activity: ids(&[&doc]),
                ..Changed::default()
            },
        ],
        "a project, a document, a save, a thumb"
    );

    // A decision moves the document's status as well as adding to its feedback.
    s.core
        .with(|ws| {
            ws.record_feedback(
                &doc,
                None,
                &Feedback::Decision {
                    verdict: Verdict::Approve,
                    reason: None,
                },
            )
        })
        .unwrap();
    assert_eq!(
        s.host.told(),
        [Changed {
            documents: ids(&[&doc]),
            activity: ids(&[&doc]),
            ..Changed::default()
        }]
    );

    // A write that fails changes nothing, and says so by saying nothing.
    let refused = s.core.with(|ws| ws.rename_document(&doc, "   "));
    assert!(refused.is_err());
    assert_eq!(s.host.told(), []);

    // Drafting: the generations are the document's activity.
    let (sink, _) = collector();
    let request = GenerateRequest {
        request_id: "r1".into(),
        document_id: doc.clone(),
        provider: "model".into(),
        model: None,
        n: 1,
        temperature: None,
    };
    s.core.generate(request.into(), sink).await.unwrap();
    let told = s.host.told();
    assert!(!told.is_empty());
    assert!(
        told.iter()
            .all(|c| c.activity == ids(&[&doc]) && c.documents.is_empty()),
        "{told:?}"
    );

    // Providers added and removed, the schema of a project, a deletion.
    s.core
        .add_provider(
            &NewProvider {
                name: "other".into(),
                kind: ProviderKind::Openai,
                base_url: s.server.openai_base(),
                default_model: "m".into(),
            },
            None,
        )
        .unwrap();
    s.core
        .with(|ws| ws.set_feedback_schema(&project.id, &[], &["tone".to_owned()]))
        .unwrap();
    s.core.with(|ws| ws.delete_document(&made.id)).unwrap();
    s.core.remove_provider("other").unwrap();
    assert_eq!(
        s.host.told(),
        [
            Changed {
                providers: true,
                ..Changed::default()
            },
            Changed {
                projects: ids(&[&project.id]),
                ..Changed::default()
            },
            Changed {
                documents: ids(&[&made.id]),
                ..Changed::default()
            },
            Changed {
                providers: true,
                ..Changed::default()
            },
        ]
    );

    // A person's new name shows in every panel.
    s.core.with(|ws| ws.set_display_name("Alice M.")).unwrap();
    assert_eq!(
        s.host.told(),
        [Changed {
            everything: true,
            ..Changed::default()
        }]
    );

    // An import says nothing while its chunks go in out of sight, then "everything"
    // once, when it finishes.
    let file = s._dir.path().join("history.jsonl");
    std::fs::write(&file, history(2_500)).unwrap();
    s.core.import("i1", file, |_| {}).await.unwrap();
    assert_eq!(
        s.host.told(),
        [Changed {
            everything: true,
            ..Changed::default()
        }]
    );
}
