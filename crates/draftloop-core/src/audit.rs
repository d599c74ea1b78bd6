//! The audit log: every state change, append-only and hash-chained.
//!
//! Each entry's hash is SHA-256 over the previous entry's hash and the entry's own
//! fields, so editing, reordering or removing an entry is detectable by [`verify`].

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::actor::Actor;
use crate::error::Result;
use crate::ids::{new_id, now};
use crate::store::Workspace;

/// The `prev_hash` of the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub seq: i64,
    pub id: String,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity_kind: String,
    pub entity_id: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Where the chain first fails to verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: i64,
    pub reason: String,
}

/// Appends one entry inside the caller's transaction, so the change and its record
/// commit together.
pub(crate) fn record(
    tx: &Transaction,
    actor: &Actor,
    action: &str,
    entity_kind: &str,
    entity_id: &str,
    detail: serde_json::Value,
) -> Result<()> {
    let prev_hash: String = tx
        .query_row(
            "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |row| row.get(0),
        )
        .optional()?
        .unwrap_or_else(|| GENESIS.to_owned());
    let id = new_id();
    let at = now();
    let detail = detail.to_string();
    let hash = entry_hash(
        &prev_hash,
        &id,
        &at,
        actor.as_str(),
        action,
        entity_kind,
        entity_id,
        &detail,
    );
    tx.execute(
        "INSERT INTO audit_log (id, at, actor, action, entity_kind, entity_id, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![id, at, actor.as_str(), action, entity_kind, entity_id, detail, prev_hash, hash],
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    prev_hash: &str,
    id: &str,
    at: &str,
    actor: &str,
    action: &str,
    entity_kind: &str,
    entity_id: &str,
    detail: &str,
) -> String {
    let mut hasher = Sha256::new();
    // Length-prefix each field so no two different entries hash the same bytes.
    for field in [
        prev_hash,
        id,
        at,
        actor,
        action,
        entity_kind,
        entity_id,
        detail,
    ] {
        hasher.update((field.len() as u64).to_le_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

fn entries(conn: &Connection) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT seq, id, at, actor, action, entity_kind, entity_id, detail, prev_hash, hash
         FROM audit_log ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok(AuditEntry {
            seq: row.get(0)?,
            id: row.get(1)?,
            at: row.get(2)?,
            actor: row.get(3)?,
            action: row.get(4)?,
            entity_kind: row.get(5)?,
            entity_id: row.get(6)?,
            detail: row.get(7)?,
            prev_hash: row.get(8)?,
            hash: row.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Workspace {
    pub fn audit_log(&self) -> Result<Vec<AuditEntry>> {
        entries(self.conn())
    }

    /// Walks the chain; `Ok(None)` when intact.
    pub fn verify_audit_log(&self) -> Result<Option<ChainBreak>> {
        Ok(verify(&entries(self.conn())?))
    }
}

pub fn verify(entries: &[AuditEntry]) -> Option<ChainBreak> {
    let mut prev = GENESIS.to_owned();
    for e in entries {
        if e.prev_hash != prev {
            return Some(ChainBreak {
                seq: e.seq,
                reason: "its previous-hash does not match the entry before it".into(),
            });
        }
        let expected = entry_hash(
            &e.prev_hash,
            &e.id,
            &e.at,
            &e.actor,
            &e.action,
            &e.entity_kind,
            &e.entity_id,
            &e.detail,
        );
        if e.hash != expected {
            return Some(ChainBreak {
                seq: e.seq,
                reason: "its contents do not match its hash".into(),
            });
        }
        prev = e.hash.clone();
    }
    None
}
