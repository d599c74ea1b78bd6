//! The review gate run as the app runs it: drafts from a real HTTP model server,
//! scored, routed, queued, leased, decided by people of different roles, fallen back
//! on, and batches that resume.

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use draftloop_core::drafting::ProviderKind;
use draftloop_core::feedback::Verdict;
use draftloop_core::host::{Host, Notice};
use draftloop_core::keychain::Keychain;
use draftloop_core::llm::{Limits, RetryPolicy};
use draftloop_core::profile::ProfileRole;
use draftloop_core::provider::NewProvider;
use draftloop_core::review::batch::{parse_csv, BatchRequest};
use draftloop_core::review::{
    Fallback, QueueFilter, QueueOrder, ReviewDecision, ReviewKind, Route, RoutingPolicy, Signal,
};
use draftloop_core::{
    Actor, Core, DocumentStatus, ErrorKind, NewProject, Result, Secret, Workspace,
};
use llm_test_server::{Fault, TestLlmServer, LOGPROB_MARKER, NO_LOGPROBS_MODEL};
use rusqlite::Connection;

#[derive(Default)]
struct TestHost {
    keys: Mutex<HashMap<String, Secret>>,
    notices: Mutex<Vec<Notice>>,
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

impl Host for TestHost {
    fn keychain(&self) -> &dyn Keychain {
        self
    }
    fn notify(&self, notice: Notice) {
        self.notices.lock().unwrap().push(notice);
    }
}

struct Gate {
    dir: tempfile::TempDir,
    core: Core,
    host: Arc<TestHost>,
    server: TestLlmServer,
    project: String,
}

fn limits() -> Limits {
    Limits {
        retry: RetryPolicy {
            max_attempts: 2,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
        ..Limits::default()
    }
}

/// A core acting as alice (the workspace's admin), with OpenAI-kind and Anthropic
/// providers on one test server and an email project whose prompt is "Write about
/// {{topic}}.".
fn gate() -> Gate {
    let dir = tempfile::tempdir().unwrap();
    let host = Arc::new(TestHost::default());
    let core =
        Core::open_with(dir.path(), Actor::new("test:alice"), host.clone(), limits()).unwrap();
    let server = TestLlmServer::start().unwrap();
    for (name, kind, base, model) in [
        (
            "model",
            ProviderKind::Openai,
            server.openai_base(),
            "test-model",
        ),
        (
            "claude",
            ProviderKind::Anthropic,
            server.anthropic_base(),
            "test-model",
        ),
        (
            "picky",
            ProviderKind::OpenaiCompatible,
            server.openai_base(),
            NO_LOGPROBS_MODEL,
        ),
    ] {
        core.add_provider(
            &NewProvider {
                name: name.into(),
                kind,
                base_url: base,
                default_model: model.into(),
            },
            Some(&Secret::new("sk-test")),
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
    Gate {
        dir,
        core,
        host,
        server,
        project,
    }
}

impl Gate {
    fn policy(&self, f: impl FnOnce(&mut RoutingPolicy)) {
        let mut p = RoutingPolicy::default();
        f(&mut p);
        self.core
            .with(|ws| ws.set_routing_policy(&self.project, &p))
            .unwrap();
    }

    /// A document whose brief makes the model write with token probability `p`
    /// (none: no marker, the server's own varied logprobs).
    fn document(&self, title: &str, topic: &str, p: Option<f64>) -> String {
        let topic = match p {
            Some(p) => format!("{LOGPROB_MARKER}{}]] {topic}", p.ln()),
            None => topic.to_owned(),
        };
        self.core
            .with(|ws| {
                let d = ws.create_document(&self.project, title)?;
                ws.set_document_brief(&d.id, &BTreeMap::from([("topic".to_owned(), topic)]))?;
                Ok(d.id)
            })
            .unwrap()
    }

    async fn route(&self, title: &str, p: Option<f64>, provider: &str) -> (String, Route) {
        let d = self.document(title, "the spring sale", p);
        let routed = self
            .core
            .draft_and_route(&d, provider, None, None)
            .await
            .unwrap();
        (d, routed.route)
    }

    fn status(&self, d: &str) -> DocumentStatus {
        self.core.with(|ws| ws.document(d)).unwrap().status
    }

    /// The workspace as another person, with `role` given by alice.
    fn person(&self, handle: &str, role: ProfileRole) -> Workspace {
        let ws = Workspace::open(self.dir.path(), Actor::new(handle)).unwrap();
        self.core
            .with(|alice| alice.set_role(handle, role))
            .unwrap();
        ws
    }

    fn db(&self) -> Connection {
        Connection::open(self.dir.path().join("draftloop.db")).unwrap()
    }
}

fn queued(route: &Route) -> Vec<String> {
    match route {
        Route::Queued { reasons } => reasons.clone(),
        Route::AutoApproved { .. } => {
            panic!("expected the draft queued, it was approved: {route:?}")
        }
    }
}

#[tokio::test]
async fn routing_for_each_combination_of_signals() {
    let g = gate();
    g.policy(|p| p.audit_sample_rate = 0.0);
    // Certain, passing every check, auto-approve on: approved by the gate.
    let (sure, route) = g.route("sure", Some(0.99), "model").await;
    assert_eq!(route, Route::AutoApproved { audited: false });
    assert_eq!(g.status(&sure), DocumentStatus::Approved);
    // The OpenAI-kind provider was asked for logprobs.
    let asked = g.server.requests().last().unwrap().body.clone();
    assert_eq!(asked["logprobs"], true);

    // Unsure: below the threshold.
    let (unsure, route) = g.route("unsure", Some(0.74), "model").await;
    assert!(
        queued(&route)[0].contains("below the threshold 0.85"),
        "{route:?}"
    );
    assert_eq!(g.status(&unsure), DocumentStatus::InReview);

    // No logprobs (Anthropic): the score stands on nothing, a person looks.
    let (_, route) = g.route("anthropic", None, "claude").await;
    assert!(queued(&route)[0].contains("0.50"), "{route:?}");

    // Certain, but auto-approve is off.
    g.policy(|p| p.auto_approve = false);
    let (_, route) = g.route("manual", Some(0.99), "model").await;
    assert!(
        queued(&route)[0].contains("auto-approve is off"),
        "{route:?}"
    );

    // Certain, but with a banned phrase (the test model repeats its brief): queued
    // whatever the score, the phrase named.
    g.policy(|p| {
        p.audit_sample_rate = 0.0;
        p.checks.banned = vec!["spring sale".into()];
        p.threshold = 0.0;
    });
    let (_, route) = g.route("banned", Some(0.999), "model").await;
    assert!(
        queued(&route)
            .iter()
            .any(|r| r.contains("banned phrase \"spring sale\"")),
        "{route:?}"
    );

    // A required term missing: the same.
    g.policy(|p| {
        p.audit_sample_rate = 0.0;
        p.checks.required = vec!["unsubscribe".into()];
        p.threshold = 0.0;
    });
    let (_, route) = g.route("required", Some(0.999), "model").await;
    assert!(
        queued(&route).iter().any(|r| r.contains("\"unsubscribe\"")),
        "{route:?}"
    );

    // Too few words lower the score under the threshold, without forcing review.
    g.policy(|p| {
        p.audit_sample_rate = 0.0;
        p.checks.min_words = Some(200);
    });
    let (words, route) = g.route("short", Some(0.99), "model").await;
    assert!(
        queued(&route)[0].contains("below the threshold"),
        "{route:?}"
    );
    let confidence = g
        .core
        .with(|ws| {
            let item = ws.review_item_of(&words, Utc::now())?.unwrap();
            ws.generation_confidence(item.generation_id.as_deref().unwrap())
        })
        .unwrap()
        .unwrap();
    let word_reason = confidence
        .reasons
        .iter()
        .find(|r| r.signal == Signal::WordCount)
        .unwrap();
    assert!(!word_reason.passed && word_reason.detail.contains("wanted at least 200"));
    assert!(
        (confidence.score - 0.99 * 0.7).abs() < 0.01,
        "{confidence:?}"
    );

    // A reading level within bounds passes.
    g.policy(|p| {
        p.audit_sample_rate = 0.0;
        p.checks.max_reading_grade = Some(16.0);
    });
    let (_, route) = g.route("plain", Some(0.97), "model").await;
    assert_eq!(route, Route::AutoApproved { audited: false });

    // The queue: lowest confidence first.
    let items = g.core.review_queue(&QueueFilter::default()).unwrap();
    let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
    let scores: Vec<f64> = items.iter().map(|i| i.confidence.unwrap()).collect();
    assert_eq!(items.len(), 6, "{titles:?}");
    assert!(scores.windows(2).all(|w| w[0] <= w[1]), "{scores:?}");
    assert!(items
        .iter()
        .all(|i| i.tier == 1 && i.kind == ReviewKind::Review && i.due_at.is_some()));
    // Most uncertain first: the scores nearest the threshold (0.85) come first.
    let uncertain = g
        .core
        .review_queue(&QueueFilter {
            order: QueueOrder::MostUncertain,
            ..QueueFilter::default()
        })
        .unwrap();
    assert_eq!(
        uncertain[0].title,
        "unsure",
        "{:?}",
        uncertain.iter().map(|i| &i.title).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_provider_that_refuses_logprobs_is_remembered_and_asked_without() {
    let g = gate();
    let (_, route) = g.route("first", None, "picky").await;
    // Asked with, refused, asked without: two requests, the draft scored without them.
    let bodies: Vec<serde_json::Value> = g.server.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0]["logprobs"], true);
    assert!(bodies[1].get("logprobs").is_none());
    assert!(queued(&route)[0].contains("0.50"));
    // The next draft is asked without at once.
    g.route("second", None, "picky").await;
    let bodies: Vec<serde_json::Value> = g.server.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(bodies.len(), 3);
    assert!(bodies[2].get("logprobs").is_none());
}

#[tokio::test]
async fn calibration_and_history_follow_what_reviewers_decided() {
    let g = gate();
    g.policy(|p| p.auto_approve = false);
    // A seeded history: 40 certain drafts, of which reviewers rejected 30.
    for i in 0..40 {
        let (d, _) = g.route(&format!("h{i}"), Some(0.99), "model").await;
        let (verdict, reason) = if i % 4 == 0 {
            (Verdict::Approve, None)
        } else {
            (Verdict::Reject, Some("off-brand".to_owned()))
        };
        g.core
            .review(ReviewDecision {
                document_id: d,
                verdict,
                reason,
                final_text: None,
            })
            .await
            .unwrap();
    }
    let (d, _) = g.route("after", Some(0.99), "model").await;
    let c = g
        .core
        .with(|ws| {
            let item = ws.review_item_of(&d, Utc::now())?.unwrap();
            ws.generation_confidence(item.generation_id.as_deref().unwrap())
        })
        .unwrap()
        .unwrap();
    // History lowers the raw score; calibration brings it to the share approved
    // unchanged (10 of 40).
    let history = c
        .reasons
        .iter()
        .find(|r| r.signal == Signal::History)
        .unwrap();
    assert!(history.detail.contains("30 of 40"), "{history:?}");
    assert!(c.raw < 0.99 * 0.7, "{c:?}");
    assert!((c.score - 0.25).abs() < 0.05, "{c:?}");
    assert!(c.reasons.iter().any(|r| r.signal == Signal::Calibration));
    // The reliability curve shows where the scores given stood against the outcome.
    let curve = g.core.with(|ws| ws.reliability_curve(&g.project)).unwrap();
    let drafts: u32 = curve.iter().map(|b| b.drafts).sum();
    assert_eq!(drafts, 40);
    let approved: f64 = curve
        .iter()
        .map(|b| b.drafts as f64 * b.approved_unchanged)
        .sum();
    assert!((approved - 10.0).abs() < 1e-9, "{curve:?}");
    // The scores fell as the rejections came in: the earliest drafts scored highest.
    assert!(
        curve.last().unwrap().mean_score > 0.95 && curve[0].mean_score < 0.3,
        "{curve:?}"
    );
}

#[tokio::test]
async fn a_rejection_runs_the_fallback_and_routes_its_draft() {
    let g = gate();
    g.policy(|p| {
        p.threshold = 0.9;
        p.fallback = Some(Fallback::LowerTemperature);
    });
    let (d, route) = g.route("unsure", Some(0.8), "model").await;
    queued(&route);
    let rejected = g
        .core
        .with(|ws| ws.review_item_of(&d, Utc::now()))
        .unwrap()
        .unwrap();
    let bad = g
        .core
        .review(ReviewDecision {
            document_id: d.clone(),
            verdict: Verdict::Reject,
            reason: None,
            final_text: None,
        })
        .await
        .unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidInput);
    let before = g.server.completions();
    let reviewed = g
        .core
        .review(ReviewDecision {
            document_id: d.clone(),
            verdict: Verdict::Reject,
            reason: Some("factual-error".into()),
            final_text: None,
        })
        .await
        .unwrap();
    assert_eq!(g.server.completions(), before + 1);
    let asked = g.server.requests().last().unwrap().body.clone();
    assert_eq!(asked["temperature"], 0.5);
    let fallback = reviewed.fallback.unwrap();
    // The new draft is in the document, linked to the rejected one, scored and queued
    // again (same brief, same certainty).
    assert_eq!(reviewed.document.body_markdown, fallback.generation.output);
    queued(&fallback.route);
    assert_eq!(reviewed.document.status, DocumentStatus::InReview);
    let link: String = g
        .db()
        .query_row(
            "SELECT fallback_of FROM generations WHERE id = ?1",
            [&fallback.generation.id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(Some(link), rejected.generation_id);

    // Another provider.
    g.policy(|p| {
        p.threshold = 0.9;
        p.fallback = Some(Fallback::Provider {
            name: "claude".into(),
        });
    });
    let reviewed = g
        .core
        .review(ReviewDecision {
            document_id: d.clone(),
            verdict: Verdict::Reject,
            reason: Some("tone".into()),
            final_text: None,
        })
        .await
        .unwrap();
    assert!(g
        .server
        .requests()
        .last()
        .unwrap()
        .path
        .starts_with("/v1/messages"));
    assert_eq!(reviewed.fallback.unwrap().generation.provider, "claude");

    // A standard text.
    g.policy(|p| {
        p.threshold = 0.4;
        p.fallback = Some(Fallback::Standard {
            text: "Thanks for your patience: our spring offers arrive soon.".into(),
        });
    });
    let calls = g.server.completions();
    let reviewed = g
        .core
        .review(ReviewDecision {
            document_id: d.clone(),
            verdict: Verdict::Reject,
            reason: Some("tone".into()),
            final_text: None,
        })
        .await
        .unwrap();
    assert_eq!(g.server.completions(), calls);
    assert_eq!(
        reviewed.document.body_markdown,
        "Thanks for your patience: our spring offers arrive soon."
    );
    // Without logprobs it scores 0.5, above this policy's 0.4: approved by the gate.
    assert!(matches!(
        reviewed.fallback.unwrap().route,
        Route::AutoApproved { .. }
    ));
    assert_eq!(reviewed.document.status, DocumentStatus::Approved);
}

#[tokio::test]
async fn a_lease_holds_an_item_for_one_reviewer_until_it_expires() {
    let g = gate();
    g.policy(|p| p.auto_approve = false);
    let (d, _) = g.route("held", Some(0.9), "model").await;
    let mut bob = g.person("test:bob", ProfileRole::Reviewer);
    let mut carol = g.person("test:carol", ProfileRole::Reviewer);
    let item = bob
        .review_queue(&QueueFilter::default(), Utc::now())
        .unwrap()[0]
        .clone();
    let now = Utc::now();
    let opened = bob.open_review_item(&item.id, now).unwrap();
    assert_eq!(opened.held_by.as_deref(), Some("bob"));
    // Carol can neither open nor decide it while bob holds it.
    let e = carol.open_review_item(&item.id, now).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(e.to_string().contains("bob is reviewing"), "{e}");
    let e = carol
        .review_document(&ReviewDecision {
            document_id: d.clone(),
            verdict: Verdict::Approve,
            reason: None,
            final_text: None,
        })
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(g.status(&d), DocumentStatus::InReview);
    // Bob's hold lapses after the lease: carol takes it, bob's time is counted.
    let later = now + chrono::Duration::minutes(draftloop_core::review::LEASE_MINUTES + 1);
    let taken = carol.open_review_item(&item.id, later).unwrap();
    assert_eq!(taken.held_by.as_deref(), Some("carol"));
    assert_eq!(
        taken.time_spent_ms,
        draftloop_core::review::LEASE_MINUTES * 60_000
    );
    let e = bob.open_review_item(&item.id, later).unwrap_err();
    assert!(e.to_string().contains("carol is reviewing"), "{e}");
}

#[tokio::test]
async fn an_escalation_goes_to_the_senior_tier_whose_decision_is_final() {
    let g = gate();
    g.policy(|p| p.auto_approve = false);
    let (d, _) = g.route("tricky", Some(0.9), "model").await;
    let mut bob = g.person("test:bob", ProfileRole::Reviewer);
    let mut sam = g.person("test:sam", ProfileRole::SeniorReviewer);
    let mut ann = g.person("test:ann", ProfileRole::Author);
    let decide = |ws: &mut Workspace, verdict, reason: Option<&str>| {
        ws.review_document(&ReviewDecision {
            document_id: d.clone(),
            verdict,
            reason: reason.map(str::to_owned),
            final_text: None,
        })
    };
    // An author cannot decide a queued draft; an escalation needs a note.
    assert_eq!(
        decide(&mut ann, Verdict::Approve, None).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert!(decide(&mut bob, Verdict::Escalate, None)
        .unwrap_err()
        .to_string()
        .contains("note"));
    decide(
        &mut bob,
        Verdict::Escalate,
        Some("Legal should see the pricing claim"),
    )
    .unwrap();
    assert_eq!(g.status(&d), DocumentStatus::InReview);
    // It left tier 1 and waits for a senior with the note.
    assert!(bob
        .review_queue(
            &QueueFilter {
                tier: Some(1),
                ..QueueFilter::default()
            },
            Utc::now()
        )
        .unwrap()
        .is_empty());
    let senior = sam
        .review_queue(
            &QueueFilter {
                tier: Some(2),
                ..QueueFilter::default()
            },
            Utc::now(),
        )
        .unwrap();
    assert_eq!(senior.len(), 1);
    assert_eq!(
        senior[0].note.as_deref(),
        Some("Legal should see the pricing claim")
    );
    // Bob cannot decide it now; the senior cannot pass it on.
    assert!(decide(&mut bob, Verdict::Approve, None)
        .unwrap_err()
        .to_string()
        .contains("senior"));
    assert!(decide(&mut sam, Verdict::Escalate, Some("again"))
        .unwrap_err()
        .to_string()
        .contains("final"));
    let approved = decide(&mut sam, Verdict::Approve, None).unwrap();
    assert_eq!(approved.status, DocumentStatus::Approved);
    assert!(sam
        .review_queue(&QueueFilter::default(), Utc::now())
        .unwrap()
        .is_empty());
    let outcome: String = g
        .db()
        .query_row(
            "SELECT outcome FROM review_items WHERE document_id = ?1",
            [&d],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(outcome, "approved");
}

#[tokio::test]
async fn edit_then_approve_counts_as_edited_and_audits_draw_from_auto_approvals() {
    let g = gate();
    g.policy(|p| p.audit_sample_rate = 1.0);
    let (d, route) = g.route("sure", Some(0.99), "model").await;
    assert_eq!(route, Route::AutoApproved { audited: true });
    let audit = g
        .core
        .review_queue(&QueueFilter {
            kind: Some(ReviewKind::Audit),
            ..QueueFilter::default()
        })
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(audit[0].reasons[0].contains("drawn for audit"));
    // The auditor changes the text before approving: a routing miss, counted as edited.
    g.core
        .review(ReviewDecision {
            document_id: d.clone(),
            verdict: Verdict::Approve,
            reason: None,
            final_text: Some(draftloop_core::review::DocumentTextInput {
                body_json: String::new(),
                body_markdown: "A better email about the spring sale.".into(),
            }),
        })
        .await
        .unwrap();
    let (outcome, kind): (String, String) = g
        .db()
        .query_row(
            "SELECT outcome, kind FROM review_items WHERE document_id = ?1",
            [&d],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((outcome.as_str(), kind.as_str()), ("edited", "audit"));
    assert_eq!(g.status(&d), DocumentStatus::Approved);
    g.policy(|p| p.audit_sample_rate = 0.0);
    let (_, route) = g.route("sure again", Some(0.99), "model").await;
    assert_eq!(route, Route::AutoApproved { audited: false });
}

#[tokio::test]
async fn overdue_items_are_told_once() {
    let g = gate();
    g.policy(|p| {
        p.auto_approve = false;
        p.review_deadline_hours = Some(0.0001);
    });
    g.route("late", Some(0.9), "model").await;
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(g.core.tell_overdue().unwrap(), 1);
    assert!(g.core.review_queue(&QueueFilter::default()).unwrap()[0].overdue);
    assert_eq!(g.core.tell_overdue().unwrap(), 0);
    let notices = g.host.notices.lock().unwrap().clone();
    assert!(
        notices
            .iter()
            .any(|n| n.body.contains("\"late\" has waited")),
        "{notices:?}"
    );
}

fn csv_rows(n: usize) -> Vec<draftloop_core::review::batch::BatchRow> {
    let mut csv = String::from("title,topic\n");
    for i in 0..n {
        // Every third brief makes the model unsure.
        let p: f64 = if i % 3 == 0 { 0.6 } else { 0.99 };
        csv.push_str(&format!(
            "Email {i},\"{LOGPROB_MARKER}{}]] product {i}\"\n",
            p.ln()
        ));
    }
    parse_csv(csv.as_bytes(), &["topic".to_owned()]).unwrap()
}

#[tokio::test]
async fn a_batch_resumes_where_it_stopped_and_generates_nothing_twice() {
    let g = gate();
    g.policy(|p| p.audit_sample_rate = 0.0);
    g.server.set_latency(Duration::from_millis(20));
    let rows = csv_rows(20);
    let core = g.core.clone();
    let request = BatchRequest {
        project_id: g.project.clone(),
        provider: "model".into(),
        rows: rows.clone(),
        concurrency: 2,
    };
    // Cancelled once 5 rows are done.
    let canceller = g.core.clone();
    let first = core
        .batch("b1", request.clone(), move |p| {
            if p.done == 5 {
                canceller.jobs().cancel("b1");
            }
        })
        .await
        .unwrap();
    assert!(first.cancelled);
    assert!(first.generated >= 5 && first.generated < 20, "{first:?}");
    assert_eq!(first.generated + first.not_run, 20, "{first:?}");
    // One row as a kill between its draft and its routing leaves it: drafted, never
    // put in the document nor queued.
    let stopped: String = {
        let db = g.db();
        let id: String = db
            .query_row("SELECT document_id FROM review_items LIMIT 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        db.execute_batch(&format!(
            "DELETE FROM review_items WHERE document_id = '{id}';
             DELETE FROM revisions WHERE document_id = '{id}';
             UPDATE documents SET status = 'draft', body_markdown = '', body_json = '' WHERE id = '{id}';"
        ))
        .unwrap();
        id
    };
    let second = g.core.batch("b2", request, |_| {}).await.unwrap();
    let resumed = g.core.with(|ws| ws.document(&stopped)).unwrap();
    assert_eq!(resumed.status, DocumentStatus::InReview);
    assert!(!resumed.body_markdown.is_empty());
    assert_eq!(second.skipped, first.generated);
    assert_eq!(first.generated + second.generated, 20);
    assert_eq!(second.failed, 0);
    // One request per row in all; every row's document holds one draft.
    assert_eq!(g.server.completions(), 20);
    let per_document: Vec<i64> = {
        let db = g.db();
        let mut stmt = db
            .prepare("SELECT count(g.id) FROM documents d LEFT JOIN generations g ON g.document_id = d.id GROUP BY d.id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    assert_eq!(per_document, vec![1; 20]);
    // Mixed confidence: the unsure third waits for review, the rest passed.
    let queued = g.core.review_queue(&QueueFilter::default()).unwrap();
    assert_eq!(queued.len(), 7);
    // (The stopped row was counted once as queued in each run.)
    assert_eq!(first.queued + second.queued, 8);
    assert_eq!(first.auto_approved + second.auto_approved, 13);
    // A third run has nothing to do.
    let third = g
        .core
        .batch(
            "b3",
            BatchRequest {
                project_id: g.project.clone(),
                provider: "model".into(),
                rows,
                concurrency: 4,
            },
            |_| {},
        )
        .await
        .unwrap();
    assert_eq!((third.skipped, third.generated), (20, 0));
    assert_eq!(g.server.completions(), 20);
}

#[tokio::test]
async fn a_burst_of_rate_limiting_slows_a_batch_without_failing_rows() {
    let g = gate();
    for _ in 0..6 {
        g.server.push_fault(Fault::Status {
            code: 429,
            retry_after_secs: Some(0),
        });
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen_in = seen.clone();
    let summary = g
        .core
        .batch(
            "burst",
            BatchRequest {
                project_id: g.project.clone(),
                provider: "model".into(),
                rows: csv_rows(6),
                concurrency: 3,
            },
            move |p| seen_in.lock().unwrap().push(p.concurrency),
        )
        .await
        .unwrap();
    assert_eq!((summary.generated, summary.failed), (6, 0), "{summary:?}");
    // It went on with fewer requests at once.
    assert!(seen.lock().unwrap().iter().all(|&c| c < 3), "{seen:?}");
}

#[tokio::test]
async fn publishing_writes_approved_copy_only_and_marks_it_published() {
    let g = gate();
    g.policy(|p| p.audit_sample_rate = 0.0);
    let (approved, _) = g.route("Spring sale", Some(0.99), "model").await;
    let (queued, _) = g.route("Unsure one", Some(0.6), "model").await;
    let out = g.dir.path().join("published");
    let summary = g
        .core
        .with(|ws| {
            ws.publish(
                &g.project,
                draftloop_core::review::publish::PublishFormat::Markdown,
                &out,
            )
        })
        .unwrap();
    assert_eq!(summary.documents, 1);
    let file = out.join("spring-sale.md");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("# Spring sale\n\n"), "{text}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    assert_eq!(g.status(&approved), DocumentStatus::Published);
    assert_eq!(g.status(&queued), DocumentStatus::InReview);
    // Nothing approved is left: a second publish says so and writes nothing.
    let e = g
        .core
        .with(|ws| {
            ws.publish(
                &g.project,
                draftloop_core::review::publish::PublishFormat::Csv,
                &out,
            )
        })
        .unwrap_err();
    assert!(e.to_string().contains("approved"), "{e}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
}

#[tokio::test]
async fn a_batch_waits_for_a_reviewer_to_approve_the_prompt_when_the_policy_says_so() {
    let g = gate();
    g.policy(|p| p.approve_prompts = true);
    let request = BatchRequest {
        project_id: g.project.clone(),
        provider: "model".into(),
        rows: csv_rows(2),
        concurrency: 1,
    };
    let e = g
        .core
        .batch("b", request.clone(), |_| {})
        .await
        .unwrap_err();
    assert!(e.to_string().contains("approval"), "{e}");
    assert_eq!(g.server.completions(), 0);
    // An author may not approve it; a reviewer may.
    let mut ann = g.person("test:ann", ProfileRole::Author);
    let version = g
        .core
        .with(|ws| ws.latest_prompt(&g.project))
        .unwrap()
        .unwrap();
    assert!(ann.approve_prompt(&version.id).is_err());
    let mut bob = g.person("test:bob", ProfileRole::Reviewer);
    assert_eq!(bob.approve_prompt(&version.id).unwrap().by, "bob");
    let summary = g.core.batch("b", request, |_| {}).await.unwrap();
    assert_eq!(summary.generated, 2);
    // A new version needs its own approval.
    g.core
        .with(|ws| {
            ws.save_prompt(
                &g.project,
                "You write emails.",
                "Write briefly about {{topic}}.",
            )
        })
        .unwrap();
    let e = g
        .core
        .batch(
            "c",
            BatchRequest {
                project_id: g.project.clone(),
                provider: "model".into(),
                rows: csv_rows(1),
                concurrency: 1,
            },
            |_| {},
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("approval"), "{e}");
}

#[tokio::test]
async fn an_adaptive_threshold_moves_with_what_reviewers_decided_and_says_why() {
    let g = gate();
    g.policy(|p| {
        p.auto_approve = false;
        p.adaptive = Some(draftloop_core::review::Adaptive {
            target_miss_rate: 0.05,
        });
    });
    // Reviewers approve every draft scored 0.8 unchanged: the gate is too strict.
    for i in 0..25 {
        let (d, _) = g.route(&format!("d{i}"), Some(0.8), "model").await;
        g.core
            .review(ReviewDecision {
                document_id: d,
                verdict: Verdict::Approve,
                reason: None,
                final_text: None,
            })
            .await
            .unwrap();
    }
    let policy = g.core.with(|ws| ws.routing_policy(&g.project)).unwrap();
    assert!(policy.threshold < 0.85, "{policy:?}");
    let versions = g.core.with(|ws| ws.routing_versions(&g.project)).unwrap();
    let moved = versions.last().unwrap().reason.clone().unwrap();
    assert!(moved.contains("moved from 0.85"), "{moved}");
    let notices = g.host.notices.lock().unwrap().clone();
    assert!(
        notices.iter().any(|n| n.title == "Routing threshold moved"),
        "{notices:?}"
    );
}

#[tokio::test]
async fn a_judge_from_a_second_provider_rates_routed_drafts() {
    assert!(draftloop_core::prompt::JUDGE_SYSTEM.ends_with(llm_test_server::JUDGE_ASKS));
    let g = gate();
    g.policy(|p| {
        p.audit_sample_rate = 0.0;
        p.judge = Some(draftloop_core::review::Judge {
            provider: "claude".into(),
        });
    });
    // The judge rates this one 2 of 5 (the draft repeats the marker of its brief).
    let d = g.document("weak", "[[judge 2]] the spring sale", Some(0.99));
    let routed = g
        .core
        .draft_and_route(&d, "model", None, None)
        .await
        .unwrap();
    assert!(
        queued(&routed.route)[0].contains("below the threshold"),
        "{routed:?}"
    );
    let judge_call = g.server.requests().last().unwrap().clone();
    assert!(
        judge_call.path.starts_with("/v1/messages"),
        "the judge is the second provider"
    );
    let c = g
        .core
        .with(|ws| ws.generation_confidence(&routed.generation.id))
        .unwrap()
        .unwrap();
    let said = c
        .reasons
        .iter()
        .find(|r| r.signal == Signal::Judge)
        .unwrap();
    assert!(
        !said.passed && said.detail.contains("rated it 2 of 5"),
        "{said:?}"
    );
    assert!((c.score - 0.99 * 0.625).abs() < 0.01, "{c:?}");
    // Rated 5: the score stands.
    let d = g.document("strong", "[[judge 5]] the spring sale", Some(0.99));
    let routed = g
        .core
        .draft_and_route(&d, "model", None, None)
        .await
        .unwrap();
    assert_eq!(routed.route, Route::AutoApproved { audited: false });
    // A judge that fails leaves the draft scored without it, and says so.
    g.core
        .add_provider(
            &NewProvider {
                name: "gone".into(),
                kind: ProviderKind::OpenaiCompatible,
                base_url: g.server.openai_base(),
                default_model: llm_test_server::UNKNOWN_MODEL.into(),
            },
            None,
        )
        .unwrap();
    g.policy(|p| {
        p.audit_sample_rate = 0.0;
        p.judge = Some(draftloop_core::review::Judge {
            provider: "gone".into(),
        });
    });
    let d = g.document("unjudged", "the spring sale", Some(0.99));
    let routed = g
        .core
        .draft_and_route(&d, "model", None, None)
        .await
        .unwrap();
    assert_eq!(routed.route, Route::AutoApproved { audited: false });
    let c = g
        .core
        .with(|ws| ws.generation_confidence(&routed.generation.id))
        .unwrap()
        .unwrap();
    let said = c
        .reasons
        .iter()
        .find(|r| r.signal == Signal::Judge)
        .unwrap();
    assert!(said.detail.contains("gave no rating"), "{said:?}");
}

/// Decides `d` through the core, as the queue's keys and the CLI do.
async fn decide_as(
    core: &Core,
    d: &str,
    verdict: Verdict,
    reason: Option<&str>,
    text: Option<&str>,
) {
    core.review(ReviewDecision {
        document_id: d.to_owned(),
        verdict,
        reason: reason.map(str::to_owned),
        final_text: text.map(|t| draftloop_core::review::DocumentTextInput {
            body_json: String::new(),
            body_markdown: t.to_owned(),
        }),
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_a_seeded_history_as_worked_out_by_hand() {
    use draftloop_core::metrics::MetricsScope;
    let g = gate();
    // Every draft the gate lets through is audited.
    g.policy(|p| p.audit_sample_rate = 1.0);
    let mut sure = Vec::new();
    for i in 0..4 {
        sure.push(g.route(&format!("sure {i}"), Some(0.99), "model").await.0);
    }
    let mut unsure = Vec::new();
    for i in 0..4 {
        unsure.push(g.route(&format!("unsure {i}"), Some(0.5), "model").await.0);
    }
    // Audits: two approved as they were, one rejected (a miss), one still open.
    decide_as(&g.core, &sure[0], Verdict::Approve, None, None).await;
    decide_as(&g.core, &sure[1], Verdict::Approve, None, None).await;
    decide_as(&g.core, &sure[2], Verdict::Reject, Some("off-brand"), None).await;
    // Routed: approved as it was (routed for nothing), approved after an edit,
    // rejected, escalated (still open for the senior tier).
    decide_as(&g.core, &unsure[0], Verdict::Approve, None, None).await;
    decide_as(
        &g.core,
        &unsure[1],
        Verdict::Approve,
        None,
        Some("A text a reviewer rewrote."),
    )
    .await;
    decide_as(&g.core, &unsure[2], Verdict::Reject, Some("tone"), None).await;
    decide_as(
        &g.core,
        &unsure[3],
        Verdict::Escalate,
        Some("legal should look"),
        None,
    )
    .await;
    // Tags and ratings on a few drafts: what the distributions count.
    g.core
        .with(|ws| {
            use draftloop_core::feedback::Feedback;
            let tag = |t: &str| Feedback::Tag {
                tag: t.into(),
                span: None,
                removed: false,
            };
            let rate = |v: i32| Feedback::Rating {
                dimension: "clarity".into(),
                value: v,
            };
            ws.record_feedback(&unsure[2], None, &tag("too-long"))?;
            ws.record_feedback(&unsure[2], None, &tag("tone"))?;
            ws.record_feedback(&sure[2], None, &tag("too-long"))?;
            ws.record_feedback(&sure[0], None, &rate(4))?;
            ws.record_feedback(&sure[1], None, &rate(4))?;
            ws.record_feedback(&unsure[2], None, &rate(1))?;
            Ok(())
        })
        .unwrap();
    // Time spent per decided item, seeded: 10 s … 60 s.
    let db = g.db();
    let ids: Vec<String> = db
        .prepare(
            "SELECT id FROM review_items WHERE resolved_at IS NOT NULL ORDER BY created_at, id",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(ids.len(), 6);
    for (i, id) in ids.iter().enumerate() {
        db.execute(
            "UPDATE review_items SET time_spent_ms = ?1 WHERE id = ?2",
            rusqlite::params![(i as i64 + 1) * 10_000, id],
        )
        .unwrap();
    }

    let m = g.core.metrics(&MetricsScope::default()).unwrap();
    assert_eq!(m.drafts, 8);
    // Approved: two audits, the open audit (the gate's), two routed.
    assert_eq!((m.approved, m.rejected, m.escalated), (5, 2, 1));
    assert_eq!(
        m.reviewed, 7,
        "all but the open audit were decided by a person"
    );
    assert_eq!(
        m.auto_approved, 1,
        "only the open audit stands as the gate left it"
    );
    assert_eq!(
        m.intervention_rate,
        Some(3.0 / 8.0),
        "one edit, two rejections"
    );
    assert_eq!(m.approval_rate, Some(5.0 / 7.0));
    let r = &m.routing;
    assert_eq!((r.audited, r.missed, r.routed, r.over_routed), (3, 1, 3, 1));
    assert_eq!(r.precision, Some(2.0 / 3.0));
    assert_eq!(r.recall, Some(2.0 / 3.0));
    assert_eq!((m.queue.open, m.queue.overdue), (2, 0));
    assert_eq!(m.review_time_ms.items, 6);
    assert_eq!(
        (m.review_time_ms.median, m.review_time_ms.p90),
        (Some(30_000), Some(60_000))
    );
    assert_eq!(m.edit_distance_by_prompt_version.len(), 1);
    let v = &m.edit_distance_by_prompt_version[0];
    assert_eq!((v.label.as_str(), v.drafts), ("Spring · v1", 8));
    // One rewritten draft of eight: Insights' distance of that one edit, over eight.
    let insights = g.core.read(|ws| ws.insights(&g.project)).unwrap();
    assert_eq!(insights.pairs, 1);
    let one = insights.curve[0].mean_edit_distance.unwrap();
    assert!(one > 0.5, "the draft was rewritten: {one}");
    assert!(
        (v.mean - one / 8.0).abs() < 1e-12,
        "{} against {one} / 8",
        v.mean
    );
    assert_eq!(m.agreement.items, 0);
    // All of it this week: eight drafts, one left to the gate, seven decided by a
    // person, three changed or rejected.
    assert_eq!(m.weekly.len(), 1);
    let w = &m.weekly[0];
    assert_eq!(
        (w.drafts, w.auto_approved, w.reviewed, w.intervened),
        (8, 1, 7, 3)
    );
    assert_eq!(v.reviewed, 7);
    let tags: Vec<(&str, u32)> = m.tags.iter().map(|t| (t.tag.as_str(), t.drafts)).collect();
    assert_eq!(tags, [("too-long", 2), ("tone", 1)]);
    assert_eq!(m.ratings.len(), 1);
    assert_eq!(m.ratings[0].dimension, "clarity");
    assert_eq!(m.ratings[0].counts, [(1, 1), (4, 2)]);
    assert!((m.ratings[0].mean - 3.0).abs() < 1e-12);

    // The drafts behind a figure are the ones the figure counted.
    use draftloop_core::metrics::Figure;
    let behind = |figure: Figure| -> Vec<String> {
        let mut docs: Vec<String> = g
            .core
            .metrics_drafts(&MetricsScope::default(), figure)
            .unwrap()
            .into_iter()
            .map(|d| d.document_id)
            .collect();
        docs.sort();
        docs
    };
    let sorted = |mut v: Vec<&String>| -> Vec<String> {
        v.sort();
        v.into_iter().cloned().collect()
    };
    assert_eq!(
        behind(Figure::Intervened),
        sorted(vec![&unsure[1], &unsure[2], &sure[2]])
    );
    assert_eq!(behind(Figure::AutoApproved), sorted(vec![&sure[3]]));
    assert_eq!(behind(Figure::Missed), sorted(vec![&sure[2]]));
    assert_eq!(behind(Figure::OverRouted), sorted(vec![&unsure[0]]));
    assert_eq!(behind(Figure::Escalated), sorted(vec![&unsure[3]]));
    assert_eq!(behind(Figure::Drafts).len(), 8);
    assert_eq!(behind(Figure::Reviewed).len(), 7);

    // A period before any of it has nothing; a bad date is refused.
    let past = MetricsScope {
        until: Some("2020-01-01".into()),
        ..MetricsScope::default()
    };
    let none = g.core.metrics(&past).unwrap();
    assert_eq!(
        (none.drafts, none.intervention_rate, none.approval_rate),
        (0, None, None)
    );
    let bad = MetricsScope {
        since: Some("yesterday".into()),
        ..MetricsScope::default()
    };
    let e = g.core.metrics(&bad).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agreement_between_two_reviewers_is_cohens_kappa_and_krippendorffs_alpha() {
    use draftloop_core::metrics::MetricsScope;
    let g = gate();
    g.policy(|p| p.audit_sample_rate = 0.0);
    let mut docs = Vec::new();
    for i in 0..4 {
        docs.push(g.route(&format!("d{i}"), Some(0.99), "model").await.0);
    }
    let mut bob = g.person("test:bob", ProfileRole::Reviewer);
    let mut carol = g.person("test:carol", ProfileRole::Reviewer);
    // bob: A A R A; carol: A R R A. Observed 3/4; chance 1/2 → κ = 0.5.
    // α (nominal): o(A,A)=4, o(A,R)=o(R,A)=1, o(R,R)=2, n=8 → 1 − 7·2/30 = 0.5333.
    let verdicts = [
        (Verdict::Approve, Verdict::Approve),
        (Verdict::Approve, Verdict::Reject),
        (Verdict::Reject, Verdict::Reject),
        (Verdict::Approve, Verdict::Approve),
    ];
    for (d, (b, c)) in docs.iter().zip(verdicts) {
        for (ws, v) in [(&mut bob, b), (&mut carol, c)] {
            ws.review_document(&ReviewDecision {
                document_id: d.clone(),
                verdict: v,
                reason: (v == Verdict::Reject).then(|| "tone".to_owned()),
                final_text: None,
            })
            .unwrap();
        }
    }
    let m = g.core.metrics(&MetricsScope::default()).unwrap();
    assert_eq!((m.agreement.items, m.agreement.raters), (4, 2));
    assert!(m.agreement.dimensions.is_empty(), "nobody rated yet");
    assert!(
        (m.agreement.kappa.unwrap() - 0.5).abs() < 1e-12,
        "{:?}",
        m.agreement
    );
    assert!(
        (m.agreement.alpha.unwrap() - (1.0 - 14.0 / 30.0)).abs() < 1e-12,
        "{:?}",
        m.agreement
    );
    // The gate's own approvals are not a rater: carol's decisions stand last.
    assert_eq!(
        (m.approved, m.rejected, m.reviewed, m.auto_approved),
        (2, 2, 4, 0)
    );

    // Clarity, rated by both on the first three drafts and by bob alone on the fourth:
    // bob 4, 2, 5 (he first gave the third a 1, then changed it), carol 4, 3, 5, and a
    // rating carol took back does not count. Interval α over (4,4), (2,3), (5,5):
    // n = 6, Σo·δ² = 2, Σn·n·δ² = 82 → 1 − 5·2/82.
    use draftloop_core::feedback::Feedback;
    let rate = |v: i32| Feedback::Rating {
        dimension: "clarity".into(),
        value: v,
    };
    for (i, (b, c)) in [(4, Some(4)), (2, Some(3)), (1, Some(5)), (3, None)]
        .into_iter()
        .enumerate()
    {
        bob.record_feedback(&docs[i], None, &rate(b)).unwrap();
        if let Some(c) = c {
            carol.record_feedback(&docs[i], None, &rate(c)).unwrap();
        }
    }
    bob.record_feedback(&docs[2], None, &rate(5)).unwrap();
    let taken_back = carol.record_feedback(&docs[3], None, &rate(1)).unwrap();
    carol
        .record_feedback(
            &docs[3],
            None,
            &Feedback::Retraction {
                event_id: taken_back.id,
            },
        )
        .unwrap();
    let m = g.core.metrics(&MetricsScope::default()).unwrap();
    assert_eq!(m.agreement.dimensions.len(), 1);
    let clarity = &m.agreement.dimensions[0];
    assert_eq!((clarity.dimension.as_str(), clarity.items), ("clarity", 3));
    assert!(
        (clarity.alpha.unwrap() - (1.0 - 10.0 / 82.0)).abs() < 1e-12,
        "{clarity:?}"
    );
}

/// The dashboard adds up stored per-draft facts; every later write that changes what a
/// draft came to must show in the next figures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_figures_follow_every_later_write() {
    use draftloop_core::document::DocumentText;
    use draftloop_core::metrics::MetricsScope;
    let g = gate();
    g.policy(|p| p.audit_sample_rate = 0.0);
    let (kept, _) = g.route("kept", Some(0.99), "model").await;
    let (queued, _) = g.route("queued", Some(0.2), "model").await;
    let all = MetricsScope::default();
    let m = g.core.metrics(&all).unwrap();
    assert_eq!((m.drafts, m.auto_approved, m.approved), (2, 1, 1));
    assert_eq!(m.intervention_rate, Some(0.0));

    // A person rewrites the queued draft (no decision, no revision: only its text).
    g.core
        .with(|ws| {
            ws.save_document_text(&queued, &DocumentText::markdown("Entirely other words."))
                .map(|_| ())
        })
        .unwrap();
    let m = g.core.metrics(&all).unwrap();
    assert_eq!(m.intervention_rate, Some(0.5), "{m:?}");
    assert!(m.edit_distance_by_prompt_version[0].mean > 0.0);

    // The auto-approved one is rejected after all.
    g.core
        .with(|ws| {
            ws.review_document(&ReviewDecision {
                document_id: kept.clone(),
                verdict: Verdict::Reject,
                reason: Some("tone".into()),
                final_text: None,
            })
            .map(|_| ())
        })
        .unwrap();
    let m = g.core.metrics(&all).unwrap();
    assert_eq!((m.rejected, m.reviewed), (1, 1), "{m:?}");
    assert_eq!(m.intervention_rate, Some(1.0));

    // A deleted document's drafts count no more.
    g.core.with(|ws| ws.delete_document(&kept)).unwrap();
    let m = g.core.metrics(&all).unwrap();
    assert_eq!((m.drafts, m.rejected, m.reviewed), (1, 0, 0), "{m:?}");

    // Nothing is left to work out once the figures were read.
    let stale: i64 = g
        .db()
        .query_row("SELECT count(*) FROM draft_facts_stale", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stale, 0);
}

/// New rows are found by rowid past the last one seen; a cancelled import deletes rows
/// the figures had already seen, and the rowids come back for the next writes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_figures_count_writes_made_after_a_cancelled_import() {
    use draftloop_core::metrics::MetricsScope;
    let g = gate();
    g.policy(|p| p.audit_sample_rate = 0.0);
    let (doc, _) = g.route("queued", Some(0.2), "model").await;
    let all = MetricsScope::default();
    assert_eq!(g.core.metrics(&all).unwrap().rejected, 0);

    // An import whose one chunk (decisions among its feedback) is written, worked out
    // for the figures, then cancelled.
    let lines: String = (0..20)
        .map(|i| {
            serde_json::json!({"project": "Imported", "prompt": format!("p{i}"),
                "draft": format!("d{i}"), "decision": "rejected", "thumb": "down"})
            .to_string()
                + "\n"
        })
        .collect();
    let cancelled = g.core.with(|ws| {
        ws.import_jsonl_with_progress(std::io::Cursor::new(lines), "cut.jsonl", |_| false)
    });
    assert_eq!(
        cancelled.unwrap_err().kind(),
        ErrorKind::Cancelled,
        "the import was cancelled"
    );
    assert_eq!(g.core.metrics(&all).unwrap().drafts, 1);

    // The next decision takes a rowid the import's rows had.
    g.core
        .with(|ws| {
            ws.review_document(&ReviewDecision {
                document_id: doc.clone(),
                verdict: Verdict::Reject,
                reason: Some("tone".into()),
                final_text: None,
            })
            .map(|_| ())
        })
        .unwrap();
    let m = g.core.metrics(&all).unwrap();
    assert_eq!((m.drafts, m.rejected, m.reviewed), (1, 1, 1), "{m:?}");
}

/// A share of queued drafts asks for several reviewers, each deciding without seeing
/// the others' reviews; agreeing reviews decide the draft, disagreeing ones send it to a
/// senior reviewer, and the dashboard measures agreement on what they said blind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_blind_reviews_decide_together_or_go_to_a_senior() {
    use draftloop_core::feedback::Feedback;
    use draftloop_core::metrics::MetricsScope;
    use draftloop_core::review::MultiReview;
    let g = gate();
    g.policy(|p| {
        p.audit_sample_rate = 0.0;
        p.multi_review = Some(MultiReview {
            reviewers: 2,
            share: 1.0,
        });
        p.fallback = Some(draftloop_core::review::Fallback::Standard {
            text: "Our standard text.".into(),
        });
    });
    let (agreed, _) = g.route("agreed", Some(0.2), "model").await;
    let (split, _) = g.route("split", Some(0.2), "model").await;
    let mut bob = g.person("test:bob", ProfileRole::Reviewer);
    let mut carol = g.person("test:carol", ProfileRole::Reviewer);
    let mut sam = g.person("test:sam", ProfileRole::SeniorReviewer);
    let decide = |ws: &mut Workspace, d: &str, verdict: Verdict| {
        ws.review_document(&ReviewDecision {
            document_id: d.to_owned(),
            verdict,
            reason: (verdict == Verdict::Reject).then(|| "off brand".to_owned()),
            final_text: None,
        })
    };
    let item = |ws: &Workspace, d: &str| ws.review_item_of(d, Utc::now()).unwrap().unwrap();
    let bob_id = bob.actor().person().to_owned();
    assert_eq!(item(&bob, &agreed).reviews_wanted, 2);

    // bob's review and rating: the draft is not decided, and carol sees neither.
    decide(&mut bob, &agreed, Verdict::Approve).unwrap();
    bob.record_feedback(
        &agreed,
        None,
        &Feedback::Rating {
            dimension: "clarity".into(),
            value: 4,
        },
    )
    .unwrap();
    assert_eq!(g.status(&agreed), DocumentStatus::InReview);
    let (mine, theirs) = (item(&bob, &agreed), item(&carol, &agreed));
    assert_eq!((mine.reviews_in, mine.reviewed_by_me), (1, true));
    assert_eq!((theirs.reviews_in, theirs.reviewed_by_me), (1, false));
    let seen = carol.document_feedback(&agreed).unwrap();
    assert!(
        seen.timeline.iter().all(|t| t.event.person_id != bob_id),
        "carol saw bob's review before giving hers: {:?}",
        seen.timeline
    );
    assert!(seen.ratings.is_empty(), "{:?}", seen.ratings);
    // bob sees his own; a second review of his is refused, changing nothing.
    assert!(bob
        .document_feedback(&agreed)
        .unwrap()
        .timeline
        .iter()
        .any(|t| matches!(t.event.feedback, Feedback::Review { .. })));
    let again = decide(&mut bob, &agreed, Verdict::Reject).unwrap_err();
    assert_eq!(again.kind(), ErrorKind::Conflict, "{again}");

    // carol agrees: that is the decision.
    decide(&mut carol, &agreed, Verdict::Approve).unwrap();
    assert_eq!(g.status(&agreed), DocumentStatus::Approved);
    assert!(bob.review_item_of(&agreed, Utc::now()).unwrap().is_none());
    let said = carol.document_feedback(&agreed).unwrap();
    assert!(said.timeline.iter().any(|t| t.event.person_id == bob_id));
    match &said.decision.unwrap().feedback {
        Feedback::Decision { verdict, reason } => {
            assert_eq!(*verdict, Verdict::Approve);
            assert_eq!(reason.as_deref(), Some("2 reviewers agreed"));
        }
        other => panic!("{other:?}"),
    }

    // On the other they disagree: to a senior, no fallback, and the senior decides.
    decide(&mut bob, &split, Verdict::Approve).unwrap();
    let rejected = g
        .core
        .review(ReviewDecision {
            document_id: split.clone(),
            verdict: Verdict::Reject,
            reason: Some("off brand".into()),
            final_text: None,
        })
        .await;
    // alice (an admin) is the second reviewer here, through the use case the app calls.
    let rejected = rejected.unwrap();
    assert!(rejected.fallback.is_none(), "{rejected:?}");
    let flagged = item(&sam, &split);
    assert_eq!(flagged.tier, 2);
    let note = flagged.note.unwrap();
    assert!(
        note.starts_with("Reviewers disagreed: 1 approved, 1 rejected (")
            && note.contains("rejected: off brand"),
        "{note}"
    );
    assert_eq!(g.status(&split), DocumentStatus::InReview);
    decide(&mut carol, &split, Verdict::Approve).unwrap_err();
    decide(&mut sam, &split, Verdict::Approve).unwrap();
    assert_eq!(g.status(&split), DocumentStatus::Approved);

    // Agreement on what they said blind: (A, A) and (A, R), the senior left out.
    // κ: observed 1/2, by chance 1 · 1/2 = 1/2 → 0. α (nominal): 1 − 3·2/(3·1·2) = 0.
    let m = g.core.metrics(&MetricsScope::default()).unwrap();
    assert_eq!((m.agreement.items, m.agreement.raters), (2, 3), "{m:?}");
    assert_eq!(m.agreement.kappa, None, "three raters: no κ");
    assert!(
        m.agreement.alpha.unwrap().abs() < 1e-12,
        "{:?}",
        m.agreement
    );
    assert_eq!((m.approved, m.reviewed), (2, 2));
}

#[tokio::test]
async fn the_learning_curve_shows_the_share_of_drafts_that_needed_a_person() {
    let g = gate();
    g.policy(|p| p.audit_sample_rate = 0.0);
    // v1: three drafts the gate is sure of, one it sends to a person.
    let mut first = None;
    for (i, p) in [0.99, 0.99, 0.99, 0.5].into_iter().enumerate() {
        let (doc, _) = g.route(&format!("v1 draft {i}"), Some(p), "model").await;
        first.get_or_insert(doc);
    }
    g.core
        .with(|ws| {
            ws.save_prompt(
                &g.project,
                "You write short emails.",
                "Write about {{topic}}.",
            )
        })
        .unwrap();
    // v2: both sent to a person; a third, on a deleted document, is left out.
    for i in 0..2 {
        g.route(&format!("v2 draft {i}"), Some(0.5), "model").await;
    }
    let (gone, _) = g.route("v2 deleted", Some(0.99), "model").await;
    g.core.with(|ws| ws.delete_document(&gone)).unwrap();

    let curve = g.core.read(|ws| ws.insights(&g.project)).unwrap().curve;
    let shares: Vec<(u32, Option<f64>)> =
        curve.iter().map(|c| (c.version, c.needed_person)).collect();
    assert_eq!(shares, [(1, Some(0.25)), (2, Some(1.0))]);

    // Scoped to an author, the shares are of their drafts: all of these, or none.
    let shares_of = |author: &str| -> Vec<(u32, Option<f64>)> {
        let insights = g.core.read(|ws| ws.insights_for(&g.project, Some(author)));
        insights
            .unwrap()
            .curve
            .iter()
            .map(|c| (c.version, c.needed_person))
            .collect()
    };
    let author = g
        .core
        .read(|ws| ws.document_author(first.as_deref().unwrap()))
        .unwrap()
        .unwrap();
    assert_eq!(shares_of(&author), shares);
    assert_eq!(shares_of("local:nobody"), [(1, None), (2, None)]);
}
