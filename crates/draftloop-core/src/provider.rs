//! LLM providers: where to send requests, which model by default, and (in the OS
//! keychain, never here) the API key.

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::audit;
use crate::error::{Error, Result};
use crate::ids::{new_id, now};
use crate::keychain::Keychain;
use crate::llm::{Endpoint, ProviderKind};
use crate::secret::Secret;
use crate::store::Workspace;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub kind: ProviderKind,
    pub base_url: String,
    pub default_model: String,
    /// Whether a key is filed in the OS keychain (the key itself never leaves it).
    pub has_key: bool,
    pub created_at: String,
}

/// The answer to "Test connection", in plain words.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProviderCheck {
    pub works: bool,
    /// works, bad key, unknown model, unreachable, rate limited or failed.
    pub verdict: String,
    pub message: String,
}

impl ProviderCheck {
    pub fn from_outcome(
        model: &str,
        outcome: &std::result::Result<crate::llm::Completion, crate::llm::LlmError>,
    ) -> Self {
        use crate::llm::LlmErrorKind as K;
        match outcome {
            Ok(c) => ProviderCheck {
                works: true,
                verdict: "works".into(),
                message: format!("answered with model {model} in {} ms", c.latency_ms),
            },
            Err(e) => ProviderCheck {
                works: false,
                verdict: match e.kind {
                    K::Auth => "bad key",
                    K::ModelNotFound => "unknown model",
                    K::Unreachable | K::Timeout => "unreachable",
                    K::RateLimited => "rate limited",
                    _ => "failed",
                }
                .into(),
                message: e.message.clone(),
            },
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
pub struct NewProvider {
    pub name: String,
    pub kind: ProviderKind,
    pub base_url: String,
    pub default_model: String,
}

/// What becomes of a provider's key when it is changed.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyChange {
    Keep,
    Set(Secret),
    Remove,
}

/// Where a provider's key is filed in the keychain.
fn key_account(provider_id: &str) -> String {
    format!("provider:{provider_id}")
}

fn clean(new: &NewProvider) -> Result<NewProvider> {
    let name = new.name.trim();
    if name.is_empty() {
        return Err(Error::invalid("a provider needs a name"));
    }
    let base_url = new.base_url.trim().trim_end_matches('/');
    // The parser's own words ("relative URL without a base") help nobody.
    let parsed = reqwest::Url::parse(base_url).map_err(|_| {
        Error::invalid(format!(
            "\"{base_url}\" is not a web address: write it whole, like https://api.openai.com/v1"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::invalid(
            "a provider's base URL starts with http:// or https://",
        ));
    }
    let model = new.default_model.trim();
    if model.is_empty() {
        return Err(Error::invalid("a provider needs a default model"));
    }
    Ok(NewProvider {
        name: name.to_owned(),
        kind: new.kind,
        base_url: base_url.to_owned(),
        default_model: model.to_owned(),
    })
}

const COLUMNS: &str = "id, name, kind, base_url, default_model, key_account, created_at";

fn from_row(row: &Row) -> rusqlite::Result<Provider> {
    let kind: String = row.get(2)?;
    Ok(Provider {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: ProviderKind::parse(&kind).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                format!("unknown provider kind {kind:?}").into(),
            )
        })?,
        base_url: row.get(3)?,
        default_model: row.get(4)?,
        has_key: row.get::<_, Option<String>>(5)?.is_some(),
        created_at: row.get(6)?,
    })
}

impl Workspace {
    /// Adds a provider; its key, if any, goes to the keychain before the row is written,
    /// and is taken back out if the row cannot be written.
    pub fn add_provider(
        &mut self,
        new: &NewProvider,
        key: Option<&Secret>,
        keychain: &dyn Keychain,
    ) -> Result<Provider> {
        let new = clean(new)?;
        if self.provider_named(&new.name).is_ok() {
            return Err(Error::Conflict(format!(
                "a provider named \"{}\" already exists",
                new.name
            )));
        }
        let provider = Provider {
            id: new_id(),
            name: new.name,
            kind: new.kind,
            base_url: new.base_url,
            default_model: new.default_model,
            has_key: key.is_some(),
            created_at: now(),
        };
        let account = key.map(|_| key_account(&provider.id));
        if let (Some(key), Some(account)) = (key, &account) {
            keychain.set(account, key)?;
        }
        let written = self.write(|tx, actor| {
            tx.execute(
                &format!("INSERT INTO providers ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
                params![
                    provider.id,
                    provider.name,
                    provider.kind.as_str(),
                    provider.base_url,
                    provider.default_model,
                    account,
                    provider.created_at,
                ],
            )?;
            audit::record(
                tx,
                actor,
                "provider.added",
                "provider",
                &provider.id,
                json!({"name": provider.name, "kind": provider.kind.as_str(),
                       "base_url": provider.base_url, "has_key": provider.has_key}),
            )
        });
        if let Err(e) = written {
            if let Some(account) = &account {
                let _ = keychain.delete(account);
            }
            return Err(e);
        }
        Ok(provider)
    }

    pub fn providers(&self) -> Result<Vec<Provider>> {
        let mut stmt = self.conn().prepare(&format!(
            "SELECT {COLUMNS} FROM providers ORDER BY name COLLATE NOCASE"
        ))?;
        let rows = stmt.query_map([], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn provider_named(&self, name: &str) -> Result<Provider> {
        self.conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM providers WHERE name = ?1"),
                [name.trim()],
                from_row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("provider \"{}\"", name.trim())))
    }

    /// Changes a provider's kind, address or default model, and its key: a new key
    /// goes to the keychain (the old one is put back if the row cannot be written); a
    /// removed key leaves the keychain once the row no longer names it. Its name stays:
    /// routing policies (a judge, a fallback) and recorded generations name it.
    pub fn change_provider(
        &mut self,
        name: &str,
        change: &NewProvider,
        key: &KeyChange,
        keychain: &dyn Keychain,
    ) -> Result<Provider> {
        let before = self.provider_named(name)?;
        let new = clean(&NewProvider {
            name: before.name.clone(),
            ..change.clone()
        })?;
        if change.name.trim() != before.name {
            return Err(Error::invalid(format!(
                "a provider keeps its name (\"{}\"): routing policies and recorded drafts name it; add a new provider instead",
                before.name
            )));
        }
        let account = key_account(&before.id);
        let has_key = match key {
            KeyChange::Keep => before.has_key,
            KeyChange::Set(_) => true,
            KeyChange::Remove => false,
        };
        let after = Provider {
            kind: new.kind,
            base_url: new.base_url,
            default_model: new.default_model,
            has_key,
            ..before.clone()
        };
        // A new key changes nothing the row shows, but it is a change all the same.
        if after == before && !matches!(key, KeyChange::Set(_)) {
            return Ok(before);
        }
        // The old key, to put back should the row not be written.
        let old_key = match key {
            KeyChange::Set(secret) => {
                let old = if before.has_key {
                    keychain.get(&account)?
                } else {
                    None
                };
                keychain.set(&account, secret)?;
                Some(old)
            }
            _ => None,
        };
        let written = self.write(|tx, actor| {
            tx.execute(
                "UPDATE providers SET kind = ?1, base_url = ?2, default_model = ?3, key_account = ?4
                 WHERE id = ?5",
                params![
                    after.kind.as_str(),
                    after.base_url,
                    after.default_model,
                    has_key.then_some(&account),
                    after.id,
                ],
            )?;
            audit::record(
                tx,
                actor,
                "provider.changed",
                "provider",
                &after.id,
                json!({"name": after.name, "kind": after.kind.as_str(), "base_url": after.base_url,
                       "default_model": after.default_model, "has_key": after.has_key,
                       "key_replaced": matches!(key, KeyChange::Set(_))}),
            )
        });
        match (written, old_key) {
            (Err(e), Some(old)) => {
                let _ = match old {
                    Some(old) => keychain.set(&account, &old),
                    None => keychain.delete(&account),
                };
                Err(e)
            }
            (Err(e), None) => Err(e),
            (Ok(()), _) => {
                if before.has_key && !has_key {
                    keychain.delete(&account)?;
                }
                Ok(after)
            }
        }
    }

    /// Removes the provider and its key from the keychain.
    pub fn remove_provider(&mut self, name: &str, keychain: &dyn Keychain) -> Result<()> {
        let provider = self.provider_named(name)?;
        self.write(|tx, actor| {
            tx.execute("DELETE FROM providers WHERE id = ?1", [&provider.id])?;
            audit::record(
                tx,
                actor,
                "provider.removed",
                "provider",
                &provider.id,
                json!({"name": provider.name}),
            )
        })?;
        if provider.has_key {
            keychain.delete(&key_account(&provider.id))?;
        }
        Ok(())
    }

    /// The provider's address with its key fetched from the keychain.
    pub fn endpoint(&self, provider: &Provider, keychain: &dyn Keychain) -> Result<Endpoint> {
        let api_key = if provider.has_key {
            Some(keychain.get(&key_account(&provider.id))?.ok_or_else(|| {
                Error::Keychain(format!(
                    "the API key of provider \"{}\" is missing from the OS keychain; remove the provider and add it again",
                    provider.name
                ))
            })?)
        } else {
            None
        };
        Ok(Endpoint {
            kind: provider.kind,
            base_url: provider.base_url.clone(),
            api_key,
        })
    }
}

pub use crate::llm::local::LocalServer;

impl crate::Core {
    /// Adds a provider, its key (if any) going to the host's keychain only.
    pub fn add_provider(&self, new: &NewProvider, key: Option<&Secret>) -> Result<Provider> {
        self.with(|ws| ws.add_provider(new, key, self.host().keychain()))
    }

    /// Changes a provider's kind, address, model or key.
    pub fn change_provider(
        &self,
        name: &str,
        change: &NewProvider,
        key: &KeyChange,
    ) -> Result<Provider> {
        self.with(|ws| ws.change_provider(name, change, key, self.host().keychain()))
    }

    /// Removes a provider and its key.
    pub fn remove_provider(&self, name: &str) -> Result<()> {
        self.with(|ws| ws.remove_provider(name, self.host().keychain()))
    }

    /// Local OpenAI-compatible servers answering on their usual ports.
    pub async fn local_providers(&self) -> Vec<LocalServer> {
        crate::llm::local::detect(crate::llm::local::KNOWN).await
    }
}
