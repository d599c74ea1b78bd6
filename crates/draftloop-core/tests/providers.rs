//! Providers in the workspace, with a keychain that can be told to fail. The real OS
//! keychain is tested through the CLI (crates/draftloop-cli/tests/providers.rs).

#![allow(clippy::unwrap_used)] // a test that unwraps fails with the value it got

use std::collections::HashMap;
use std::sync::Mutex;

use draftloop_core::keychain::Keychain;
use draftloop_core::llm::ProviderKind;
use draftloop_core::provider::{KeyChange, NewProvider};
use draftloop_core::{Actor, Error, ErrorKind, Result, Secret, Workspace};

#[derive(Default)]
struct MemoryKeychain {
    items: Mutex<HashMap<String, Secret>>,
    broken: bool,
}

impl Keychain for MemoryKeychain {
    fn set(&self, account: &str, secret: &Secret) -> Result<()> {
        if self.broken {
            return Err(Error::Keychain("the keychain is locked".into()));
        }
        self.items
            .lock()
            .unwrap()
            .insert(account.into(), secret.clone());
        Ok(())
    }
    fn get(&self, account: &str) -> Result<Option<Secret>> {
        Ok(self.items.lock().unwrap().get(account).cloned())
    }
    fn delete(&self, account: &str) -> Result<()> {
        self.items.lock().unwrap().remove(account);
        Ok(())
    }
}

fn local(name: &str, base_url: &str) -> NewProvider {
    NewProvider {
        name: name.into(),
        kind: ProviderKind::OpenaiCompatible,
        base_url: base_url.into(),
        default_model: "llama3".into(),
    }
}

#[test]
fn providers_are_added_listed_and_removed_with_their_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path(), Actor::new("test:alice")).unwrap();
    let keychain = MemoryKeychain::default();
    let key = Secret::new("sk-secret");
    let p = ws
        .add_provider(
            &local("Ollama", "http://localhost:11434/v1/"),
            Some(&key),
            &keychain,
        )
        .unwrap();
    assert_eq!(
        p.base_url, "http://localhost:11434/v1",
        "trailing slash dropped"
    );
    assert!(p.has_key);
    ws.add_provider(
        &local("LM Studio", "http://localhost:1234/v1"),
        None,
        &keychain,
    )
    .unwrap();
    let names: Vec<String> = ws
        .providers()
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["LM Studio", "Ollama"]);
    assert_eq!(ws.endpoint(&p, &keychain).unwrap().api_key, Some(key));

    ws.remove_provider("ollama", &keychain).unwrap();
    assert!(keychain.items.lock().unwrap().is_empty());
    assert_eq!(
        ws.provider_named("Ollama").unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn bad_provider_input_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path(), Actor::new("test:alice")).unwrap();
    let keychain = MemoryKeychain::default();
    ws.add_provider(
        &local("Ollama", "http://localhost:11434/v1"),
        None,
        &keychain,
    )
    .unwrap();
    let audit = ws.audit_log().unwrap().len();
    let key = Secret::new("k");
    for (bad, kind) in [
        (
            local("ollama", "http://localhost:1/v1"),
            ErrorKind::Conflict,
        ),
        (local("X", "localhost:11434"), ErrorKind::InvalidInput),
        (local("X", "ftp://example.com"), ErrorKind::InvalidInput),
        (local(" ", "http://localhost/v1"), ErrorKind::InvalidInput),
        (
            NewProvider {
                default_model: " ".into(),
                ..local("X", "http://localhost/v1")
            },
            ErrorKind::InvalidInput,
        ),
    ] {
        assert_eq!(
            ws.add_provider(&bad, Some(&key), &keychain)
                .unwrap_err()
                .kind(),
            kind
        );
    }
    let broken = MemoryKeychain {
        broken: true,
        ..Default::default()
    };
    let err = ws
        .add_provider(&local("Y", "http://localhost/v1"), Some(&key), &broken)
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Keychain);
    assert_eq!(ws.providers().unwrap().len(), 1);
    assert_eq!(ws.audit_log().unwrap().len(), audit);
    assert!(keychain.items.lock().unwrap().is_empty());
}

#[test]
fn a_key_missing_from_the_keychain_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path(), Actor::new("test:alice")).unwrap();
    let keychain = MemoryKeychain::default();
    let p = ws
        .add_provider(
            &local("Ollama", "http://localhost:11434/v1"),
            Some(&Secret::new("k")),
            &keychain,
        )
        .unwrap();
    keychain.items.lock().unwrap().clear();
    let err = ws.endpoint(&p, &keychain).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Keychain);
    assert!(err.to_string().contains("missing from the OS keychain"));
}

#[test]
fn a_change_that_cannot_be_made_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(dir.path(), Actor::new("test:alice")).unwrap();
    let keychain = MemoryKeychain::default();
    let before = ws
        .add_provider(
            &local("Ollama", "http://localhost:11434/v1"),
            Some(&Secret::new("k1")),
            &keychain,
        )
        .unwrap();
    let audit = ws.audit_log().unwrap().len();
    // A provider keeps its name: policies and recorded drafts name it.
    let err = ws
        .change_provider(
            "Ollama",
            &local("Llama", "http://localhost:8080/v1"),
            &KeyChange::Keep,
            &keychain,
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(err.to_string().contains("keeps its name"), "{err}");
    // A keychain that refuses the new key leaves the row and the old key as they were.
    let locked = MemoryKeychain {
        broken: true,
        ..MemoryKeychain::default()
    };
    locked
        .items
        .lock()
        .unwrap()
        .insert(format!("provider:{}", before.id), Secret::new("k1"));
    let err = ws
        .change_provider(
            "Ollama",
            &local("Ollama", "http://localhost:8080/v1"),
            &KeyChange::Set(Secret::new("k2")),
            &locked,
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Keychain);
    assert_eq!(ws.provider_named("Ollama").unwrap(), before);
    assert_eq!(ws.audit_log().unwrap().len(), audit);
    // Once it works, the change is one audited entry.
    let after = ws
        .change_provider(
            "Ollama",
            &local("Ollama", "http://localhost:8080/v1/"),
            &KeyChange::Keep,
            &keychain,
        )
        .unwrap();
    assert_eq!(after.base_url, "http://localhost:8080/v1");
    assert!(after.has_key);
    let log = ws.audit_log().unwrap();
    assert_eq!(log.len(), audit + 1);
    assert_eq!(log.last().unwrap().action, "provider.changed");
    assert!(!log.last().unwrap().detail.contains("k1"));
}
