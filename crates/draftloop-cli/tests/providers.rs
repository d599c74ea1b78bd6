//! Providers and generation through the CLI, against a real test LLM server and the
//! real OS keychain (GNOME Keyring in the test run's private D-Bus session).

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use draftloop_core::{Actor, NewProject, Workspace};
use llm_test_server::{reply_text, Fault, TestLlmServer};
use serde_json::json;

fn draftloop(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_draftloop"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DRAFTLOOP_DATA_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run draftloop")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (String, String) {
    let out = draftloop(dir, args, env);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "draftloop {args:?} failed: {stderr}");
    (stdout, stderr)
}

fn provider_id(dir: &Path, name: &str) -> String {
    let (listed, _) = ok(dir, &["providers", "list", "--format", "json"], &[]);
    let json: serde_json::Value = serde_json::from_str(&listed).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .expect("provider listed")
}

fn keychain_lookup(account: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "draftloop", "username", account])
        .output()
        .expect("secret-tool (package libsecret-tools)");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Every byte under `dir`, for scanning.
fn all_bytes(dir: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_bytes(&path));
        } else {
            out.extend(std::fs::read(&path).unwrap());
        }
    }
    out
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn the_key_round_trips_through_the_os_keychain_and_appears_nowhere_else() {
    let key = format!("sk-draftloop-test-{}", std::process::id());
    let server = TestLlmServer::start_on(0, Some(key.clone())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = server.openai_base();
    let mut seen = String::new();

    let (o, e) = ok(
        d,
        &[
            "providers",
            "add",
            "Local",
            "--kind",
            "openai-compatible",
            "--base-url",
            &base,
            "--model",
            "test-model",
            "--api-key-env",
            "DL_KEY",
        ],
        &[("DL_KEY", &key)],
    );
    seen += &(o + &e);
    let id = provider_id(d, "Local");
    assert_eq!(
        keychain_lookup(&format!("provider:{id}")).as_deref(),
        Some(key.as_str())
    );

    let (o, e) = ok(d, &["providers", "test", "Local"], &[]);
    assert!(
        o.starts_with("works: \"Local\" answered with model test-model"),
        "{o}"
    );
    seen += &(o + &e);

    let prompt = "Write a two-line launch email for the spring planner";
    let (o, e) = ok(
        d,
        &[
            "generate",
            "--provider",
            "Local",
            "--system",
            "Be brief.",
            "--prompt",
            prompt,
        ],
        &[],
    );
    assert_eq!(o.trim_end(), reply_text(0, prompt));
    assert!(e.starts_with("recorded generation group"), "{e}");
    seen += &(o + &e);
    let last = server.requests().pop().unwrap();
    assert_eq!(
        last.header("authorization"),
        Some(format!("Bearer {key}").as_str())
    );
    assert_eq!(
        last.body["messages"],
        json!([{"role": "system", "content": "Be brief."}, {"role": "user", "content": prompt}])
    );

    let (o, e) = ok(
        d,
        &[
            "generate",
            "--provider",
            "Local",
            "--prompt",
            prompt,
            "-n",
            "2",
        ],
        &[],
    );
    assert_eq!(
        o,
        format!(
            "=== variant 1 ===\n{}\n\n=== variant 2 ===\n{}\n",
            reply_text(0, prompt),
            reply_text(1, prompt)
        )
    );
    seen += &(o + &e);

    // Nowhere but the keychain: not the database, its WAL, the CLI's output.
    assert!(!contains(&all_bytes(d), &key), "the key is in the data dir");
    assert!(!seen.contains(&key), "the key was printed");

    ok(d, &["providers", "remove", "Local"], &[]);
    assert_eq!(
        keychain_lookup(&format!("provider:{id}")),
        None,
        "removing forgets the key"
    );
}

#[test]
fn the_key_can_come_from_stdin() {
    let server = TestLlmServer::start_on(0, Some("stdin-key".into())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_draftloop"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "providers",
            "add",
            "Claude",
            "--kind",
            "anthropic",
            "--base-url",
            &server.anthropic_base(),
            "--model",
            "test-model",
            "--api-key-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"stdin-key\n")
        .unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    let (o, _) = ok(
        dir.path(),
        &[
            "generate",
            "--provider",
            "Claude",
            "--prompt",
            "Hello there",
            "--no-stream",
        ],
        &[],
    );
    assert_eq!(o.trim_end(), reply_text(0, "Hello there"));
    assert_eq!(server.requests()[0].header("x-api-key"), Some("stdin-key"));
    ok(dir.path(), &["providers", "remove", "Claude"], &[]);
}

#[test]
fn providers_test_says_what_is_wrong_in_plain_words() {
    let server = TestLlmServer::start_on(0, Some("right".into())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let base = server.openai_base();
    let add = |name: &str, base: &str, model: &str, key: &str| {
        ok(
            d,
            &[
                "providers",
                "add",
                name,
                "--kind",
                "openai",
                "--base-url",
                base,
                "--model",
                model,
                "--api-key-env",
                "K",
            ],
            &[("K", key)],
        );
    };
    add("wrong-key", &base, "test-model", "wrong");
    add(
        "wrong-model",
        &base,
        llm_test_server::UNKNOWN_MODEL,
        "right",
    );
    add(
        "nobody-home",
        "http://127.0.0.1:9/v1",
        "test-model",
        "right",
    );
    add("busy", &base, "test-model", "right");
    let cases = [
        ("wrong-key", "error: bad key: "),
        ("wrong-model", "error: unknown model: "),
        ("nobody-home", "error: unreachable: "),
    ];
    for (name, start) in cases {
        let out = draftloop(d, &["providers", "test", name], &[]);
        let (_, e) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {e}");
        assert!(e.starts_with(start), "{name}: {e}");
        assert_eq!(e.lines().count(), 1);
    }
    server.push_fault(Fault::Status {
        code: 429,
        retry_after_secs: Some(1),
    });
    let (_, e) = text(&draftloop(d, &["providers", "test", "busy"], &[]));
    assert!(e.starts_with("error: rate limited: "), "{e}");
    for name in ["wrong-key", "wrong-model", "nobody-home", "busy"] {
        ok(d, &["providers", "remove", name], &[]);
    }
}

#[test]
fn generate_sends_the_projects_prompt_version_filled_with_variables() {
    let server = TestLlmServer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (v1, v2) = {
        let mut ws = Workspace::open(d, Actor::new("test:alice")).unwrap();
        let p = ws
            .create_project(&NewProject {
                name: "Spring".into(),
                content_type: "email".into(),
            })
            .unwrap();
        let v1 = ws
            .save_prompt(
                &p.id,
                "You write for {{brand}}.",
                "Write an email about {{topic}}.",
            )
            .unwrap();
        (v1.id, p.id)
    };
    ok(
        d,
        &[
            "providers",
            "add",
            "Local",
            "--kind",
            "openai-compatible",
            "--base-url",
            &server.openai_base(),
            "--model",
            "test-model",
        ],
        &[],
    );
    ok(
        d,
        &[
            "generate",
            "--provider",
            "Local",
            "--project",
            "Spring",
            "--var",
            "brand=Acme",
            "--var",
            "topic=the planner",
        ],
        &[],
    );
    assert_eq!(
        server.requests()[0].body["messages"],
        json!([{"role": "system", "content": "You write for Acme."}, {"role": "user", "content": "Write an email about the planner."}])
    );
    let out = draftloop(
        d,
        &[
            "generate",
            "--provider",
            "Local",
            "--project",
            "Spring",
            "--var",
            "brand=Acme",
        ],
        &[],
    );
    assert_eq!(
        text(&out).1.trim_end(),
        "error: the prompt needs a value for {{topic}}"
    );
    assert_eq!(server.requests().len(), 1, "nothing sent for a bad input");

    let v2_id = {
        let mut ws = Workspace::open(d, Actor::new("test:alice")).unwrap();
        ws.save_prompt(
            &v2,
            "You write for {{brand}}. Keep it under 100 words.",
            "Write an email about {{topic}}.",
        )
        .unwrap()
        .id
    };
    ok(
        d,
        &[
            "generate",
            "--provider",
            "Local",
            "--project",
            "Spring",
            "--var",
            "brand=Acme",
            "--var",
            "topic=tea",
        ],
        &[],
    );
    assert_eq!(
        server.requests()[1].body["messages"][0]["content"],
        "You write for Acme. Keep it under 100 words."
    );
    let ws = Workspace::open(d, Actor::new("test:alice")).unwrap();
    let versions: Vec<String> = ws
        .prompt_versions(&v2)
        .unwrap()
        .into_iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(versions, [v2_id, v1]);
}

#[test]
fn a_cut_stream_prints_what_arrived_and_fails_clearly() {
    let server = TestLlmServer::start().unwrap();
    server.push_fault(Fault::CutStream { after_events: 5 });
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        d,
        &[
            "providers",
            "add",
            "Local",
            "--kind",
            "openai",
            "--base-url",
            &server.openai_base(),
            "--model",
            "test-model",
        ],
        &[],
    );
    let out = draftloop(
        d,
        &[
            "generate",
            "--provider",
            "Local",
            "--prompt",
            "Tell me about tea",
        ],
        &[],
    );
    let (o, e) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        reply_text(0, "Tell me about tea").starts_with(o.trim_end()),
        "{o}"
    );
    assert!(!o.trim().is_empty());
    assert!(e.starts_with("error: the answer is incomplete"), "{e}");
}

#[test]
fn a_provider_is_changed_in_place_its_key_replaced_or_removed_in_the_os_keychain() {
    let server = TestLlmServer::start_on(0, Some("new-key".into())).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        d,
        &[
            "providers",
            "add",
            "Cloud",
            "--kind",
            "openai",
            "--base-url",
            "http://127.0.0.1:9/v1",
            "--model",
            "old-model",
            "--api-key-env",
            "K",
        ],
        &[("K", "old-key")],
    );
    let account = format!("provider:{}", provider_id(d, "Cloud"));
    let listed = || -> serde_json::Value {
        let (o, _) = ok(d, &["providers", "list", "--format", "json"], &[]);
        serde_json::from_str::<serde_json::Value>(&o).unwrap()[0].clone()
    };

    // Bad input: one line, exit 2, nothing changed (the row nor the key).
    for (args, says) in [
        (vec!["--base-url", "not a url"], "is not a web address"),
        (vec!["--model", " "], "needs a default model"),
    ] {
        let mut all = vec!["providers", "set", "Cloud"];
        all.extend(args);
        let out = draftloop(d, &all, &[]);
        let (_, e) = text(&out);
        assert_eq!(out.status.code(), Some(2), "{e}");
        assert!(e.contains(says) && e.lines().count() == 1, "{e}");
    }
    let out = draftloop(d, &["providers", "set", "Ghost", "--model", "m"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out).1);
    assert_eq!(listed()["default_model"], "old-model");
    assert_eq!(keychain_lookup(&account).as_deref(), Some("old-key"));

    // A new address, model and key: the next request uses all three.
    ok(
        d,
        &[
            "providers",
            "set",
            "Cloud",
            "--base-url",
            &server.openai_base(),
            "--model",
            "test-model",
            "--api-key-env",
            "K",
        ],
        &[("K", "new-key")],
    );
    assert_eq!(keychain_lookup(&account).as_deref(), Some("new-key"));
    let p = listed();
    assert_eq!(
        (
            p["base_url"].as_str(),
            p["default_model"].as_str(),
            p["has_key"].as_bool()
        ),
        (
            Some(server.openai_base().as_str()),
            Some("test-model"),
            Some(true)
        )
    );
    ok(d, &["providers", "test", "Cloud"], &[]);
    assert_eq!(
        server.requests().last().unwrap().header("authorization"),
        Some("Bearer new-key")
    );
    let (o, _) = ok(
        d,
        &["providers", "set", "Cloud", "--model", "test-model"],
        &[],
    );
    assert!(o.contains("unchanged"), "{o}");
    // A new key alone is a change too.
    ok(
        d,
        &["providers", "set", "Cloud", "--api-key-env", "K"],
        &[("K", "newer-key")],
    );
    assert_eq!(keychain_lookup(&account).as_deref(), Some("newer-key"));

    // Removing the key takes it out of the keychain; the server then refuses.
    ok(d, &["providers", "set", "Cloud", "--remove-key"], &[]);
    assert_eq!(keychain_lookup(&account), None);
    assert_eq!(listed()["has_key"], false);
    let out = draftloop(d, &["providers", "test", "Cloud"], &[]);
    assert!(
        text(&out).1.starts_with("error: bad key: "),
        "{}",
        text(&out).1
    );
    let bytes = all_bytes(d);
    for key in ["old-key", "new-key", "newer-key"] {
        assert!(!contains(&bytes, key), "{key} is in the data dir");
    }
    ok(d, &["providers", "remove", "Cloud"], &[]);
}
