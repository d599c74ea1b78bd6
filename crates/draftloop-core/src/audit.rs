//! The audit log: every state change, append-only and hash-chained per device.
//!
//! Each workspace is a device, and each device's entries form a chain of their own:
//! an entry's hash is SHA-256 over the previous entry's hash (of the same device) and
//! the entry's own fields, so editing, reordering or removing an entry is detectable by
//! [`verify`], and two devices' logs merged by id still verify.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::actor::Actor;
use crate::error::{Error, Result};
use crate::ids::{new_id, now};
use crate::store::Workspace;

/// The `prev_hash` of a device's first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Entries written before devices (schema 4 and earlier) hash without the device;
/// every later entry hashes its device, its place in the device's chain and its person
/// too.
const FORMAT_WITHOUT_DEVICE: i64 = 1;
const FORMAT_WITH_DEVICE: i64 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AuditEntry {
    /// Where it stands in this workspace's file (merged entries get a local one).
    #[ts(type = "number")]
    pub seq: i64,
    pub id: String,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity_kind: String,
    pub entity_id: String,
    pub detail: String,
    /// The device that wrote it, and its place in that device's chain (from 1).
    pub device_id: String,
    #[ts(type = "number")]
    pub device_seq: i64,
    /// The person's profile (empty for entries written before profiles).
    pub person_id: String,
    #[ts(type = "number")]
    pub hash_format: i64,
    pub prev_hash: String,
    pub hash: String,
}

/// Where a chain first fails to verify.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ChainBreak {
    #[ts(type = "number")]
    pub seq: i64,
    pub id: String,
    pub device_id: String,
    #[ts(type = "number")]
    pub device_seq: i64,
    pub reason: String,
}

/// What the audit trail view asks for: every filter optional, newest first, a page
/// at a time (`before`: the `seq` the last page ended at).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, TS)]
pub struct AuditFilter {
    /// A person's handle (`local:alice`).
    pub actor: Option<String>,
    /// An action or its start (`document.` for every change to documents).
    pub action: Option<String>,
    pub entity_id: Option<String>,
    /// A date (YYYY-MM-DD, UTC) or an RFC 3339 time; `until` is excluded.
    pub since: Option<String>,
    pub until: Option<String>,
    #[ts(type = "number | null")]
    pub before: Option<i64>,
    pub limit: u32,
}

/// One entry as a person reads it: who by name, the rest as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AuditRow {
    pub entry: AuditEntry,
    /// The person's display name, else the handle.
    pub who: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// Entries matching the filter, all pages together.
    pub total: u32,
}

/// The outcome of "Verify": how many entries, and the first bad one if any.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AuditCheck {
    pub entries: u32,
    pub first_bad: Option<ChainBreak>,
}

/// Most entries one page holds.
pub const AUDIT_PAGE_MAX: u32 = 500;

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "audit entry {} (number {} of device {}): {}",
            self.id, self.device_seq, self.device_id, self.reason
        )
    }
}

/// Appends one entry to the actor's device chain inside the caller's transaction, so
/// the change and its record commit together.
pub(crate) fn record(
    tx: &Transaction,
    actor: &Actor,
    action: &str,
    entity_kind: &str,
    entity_id: &str,
    detail: serde_json::Value,
) -> Result<()> {
    let device = actor.device();
    let (prev_hash, prev_seq): (String, i64) = tx
        .prepare_cached(
            "SELECT hash, device_seq FROM audit_log WHERE device_id = ?1
             ORDER BY device_seq DESC LIMIT 1",
        )?
        .query_row([device], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?
        .unwrap_or_else(|| (GENESIS.to_owned(), 0));
    let mut entry = AuditEntry {
        seq: 0,
        id: new_id(),
        at: now(),
        actor: actor.as_str().to_owned(),
        action: action.to_owned(),
        entity_kind: entity_kind.to_owned(),
        entity_id: entity_id.to_owned(),
        detail: detail.to_string(),
        device_id: device.to_owned(),
        device_seq: prev_seq + 1,
        person_id: actor.person().to_owned(),
        hash_format: FORMAT_WITH_DEVICE,
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    insert(tx, &entry)
}

/// Whether this device's latest entry is `action` on `entity_id` by `actor`, written
/// less than `within_ms` ago: the burst it opened is still going on.
pub(crate) fn recent(
    tx: &Transaction,
    actor: &Actor,
    action: &str,
    entity_id: &str,
    within_ms: i64,
) -> Result<bool> {
    let latest: Option<(String, String, String, String)> = tx
        .prepare_cached(
            "SELECT action, entity_id, actor, at FROM audit_log WHERE device_id = ?1
             ORDER BY device_seq DESC LIMIT 1",
        )?
        .query_row([actor.device()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((a, e, who, at)) = latest else {
        return Ok(false);
    };
    if a != action || e != entity_id || who != actor.as_str() {
        return Ok(false);
    }
    let age = chrono::DateTime::parse_from_rfc3339(&at)
        .map(|at| (chrono::Utc::now() - at.with_timezone(&chrono::Utc)).num_milliseconds());
    Ok(age.is_ok_and(|ms| (0..within_ms).contains(&ms)))
}

fn insert(tx: &Transaction, e: &AuditEntry) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO audit_log (id, at, actor, action, entity_kind, entity_id, detail,
             device_id, device_seq, person_id, hash_format, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        e.id,
        e.at,
        e.actor,
        e.action,
        e.entity_kind,
        e.entity_id,
        e.detail,
        e.device_id,
        e.device_seq,
        e.person_id,
        e.hash_format,
        e.prev_hash,
        e.hash
    ])?;
    Ok(())
}

fn entry_hash(e: &AuditEntry) -> String {
    let mut hasher = Sha256::new();
    let seq = e.device_seq.to_string();
    let mut fields = vec![
        e.prev_hash.as_str(),
        &e.id,
        &e.at,
        &e.actor,
        &e.action,
        &e.entity_kind,
        &e.entity_id,
        &e.detail,
    ];
    if e.hash_format != FORMAT_WITHOUT_DEVICE {
        fields.extend([e.device_id.as_str(), &seq, &e.person_id]);
    }
    // Length-prefix each field so no two different entries hash the same bytes.
    for field in fields {
        hasher.update((field.len() as u64).to_le_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// The hash an entry written before devices has (for tests of those workspaces).
#[cfg(test)]
pub(crate) fn legacy_hash(e: &AuditEntry) -> String {
    entry_hash(&AuditEntry {
        hash_format: FORMAT_WITHOUT_DEVICE,
        ..e.clone()
    })
}

fn entries(conn: &Connection) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT seq, id, at, actor, action, entity_kind, entity_id, detail,
                device_id, device_seq, person_id, hash_format, prev_hash, hash
         FROM audit_log ORDER BY seq",
    )?;
    let rows = stmt.query_map([], entry_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn entry_from_row(row: &rusqlite::Row) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: row.get(0)?,
        id: row.get(1)?,
        at: row.get(2)?,
        actor: row.get(3)?,
        action: row.get(4)?,
        entity_kind: row.get(5)?,
        entity_id: row.get(6)?,
        detail: row.get(7)?,
        device_id: row.get(8)?,
        device_seq: row.get(9)?,
        person_id: row.get(10)?,
        hash_format: row.get(11)?,
        prev_hash: row.get(12)?,
        hash: row.get(13)?,
    })
}

impl Workspace {
    /// Every entry, in the order this workspace received them.
    pub fn audit_log(&self) -> Result<Vec<AuditEntry>> {
        entries(self.conn())
    }

    /// A page of the trail, newest first.
    pub fn audit_trail(&self, filter: &AuditFilter) -> Result<AuditPage> {
        let since = crate::host::period_bound(&filter.since, "the start date")?;
        let until = crate::host::period_bound(&filter.until, "the end date")?;
        let blank = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let (actor, action, entity) = (
            blank(&filter.actor),
            blank(&filter.action),
            blank(&filter.entity_id),
        );
        // LIKE with the person's text escaped: an underscore in an action is itself.
        let action = action.map(|a| {
            format!(
                "{}%",
                a.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
        let filters = "(?1 IS NULL OR a.actor = ?1)
               AND (?2 IS NULL OR a.action LIKE ?2 ESCAPE '\\')
               AND (?3 IS NULL OR a.entity_id = ?3)
               AND (?4 IS NULL OR a.at >= ?4) AND (?5 IS NULL OR a.at < ?5)";
        let total: u32 = self.conn().query_row(
            &format!("SELECT count(*) FROM audit_log a WHERE {filters}"),
            rusqlite::params![actor, action, entity, since, until],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn().prepare(&format!(
            "SELECT a.seq, a.id, a.at, a.actor, a.action, a.entity_kind, a.entity_id, a.detail,
                    a.device_id, a.device_seq, a.person_id, a.hash_format, a.prev_hash, a.hash,
                    coalesce(p.display_name, a.actor)
             FROM audit_log a LEFT JOIN profiles p ON p.id = a.person_id
             WHERE {filters} AND (?6 IS NULL OR a.seq < ?6)
             ORDER BY a.seq DESC LIMIT ?7"
        ))?;
        let limit = filter.limit.clamp(1, AUDIT_PAGE_MAX);
        let rows = stmt.query_map(
            rusqlite::params![actor, action, entity, since, until, filter.before, limit],
            |row| {
                Ok(AuditRow {
                    entry: entry_from_row(row)?,
                    who: row.get(14)?,
                })
            },
        )?;
        Ok(AuditPage {
            rows: rows.collect::<rusqlite::Result<_>>()?,
            total,
        })
    }

    /// "Verify": every chain walked; the first bad entry named.
    pub fn check_audit_log(&self) -> Result<AuditCheck> {
        let all = entries(self.conn())?;
        Ok(AuditCheck {
            entries: all.len() as u32,
            first_bad: verify(&all),
        })
    }

    /// Every entry as one JSON line in `path`, written whole or not at all; how many.
    pub fn export_audit_log(&self, path: &std::path::Path) -> Result<usize> {
        let all = entries(self.conn())?;
        let mut text = String::new();
        for e in &all {
            text.push_str(&serde_json::to_string(e)?);
            text.push('\n');
        }
        crate::export::make_folder_for(path)?;
        crate::review::publish::write_whole(path, text.as_bytes())?;
        Ok(all.len())
    }

    /// Walks every device's chain; `Ok(None)` when all are intact.
    pub fn verify_audit_log(&self) -> Result<Option<ChainBreak>> {
        Ok(verify(&entries(self.conn())?))
    }

    /// Merges another workspace's entries into this log, a set union by id: the ones
    /// already here are left alone, the others keep their device, place and hashes.
    /// Nothing is merged when the result would not verify (the error names the first
    /// bad entry) or when an entry would write into this device's own chain. Returns
    /// how many entries were new.
    pub fn merge_audit_log(&mut self, incoming: &[AuditEntry]) -> Result<usize> {
        let own = self.device_id().to_owned();
        self.write(|tx, _| {
            let mut added = 0;
            for e in incoming {
                let known: Option<String> = tx
                    .prepare_cached("SELECT hash FROM audit_log WHERE id = ?1")?
                    .query_row([&e.id], |r| r.get(0))
                    .optional()?;
                match known {
                    Some(hash) if hash == e.hash => continue,
                    Some(_) => {
                        return Err(Error::Conflict(format!(
                            "audit entry {} differs from the one already here",
                            e.id
                        )))
                    }
                    None if e.device_id == own => {
                        return Err(Error::Conflict(format!(
                            "audit entry {} claims this workspace's own device",
                            e.id
                        )))
                    }
                    None => {}
                }
                insert(tx, e).map_err(|err| match err {
                    Error::Database(_) => Error::Conflict(format!(
                        "audit entry {} takes a place in device {}'s chain that another entry holds",
                        e.id, e.device_id
                    )),
                    other => other,
                })?;
                added += 1;
            }
            match verify(&entries(tx)?) {
                None => Ok(added),
                Some(broken) => Err(Error::Conflict(format!("nothing was merged: {broken}"))),
            }
        })
    }
}

/// Walks each device's chain in its own order. A device's entries must run 1, 2, 3…
/// with each naming the hash of the one before, and each hash must match its entry.
pub fn verify(entries: &[AuditEntry]) -> Option<ChainBreak> {
    let mut chains: BTreeMap<&str, Vec<&AuditEntry>> = BTreeMap::new();
    for e in entries {
        chains.entry(&e.device_id).or_default().push(e);
    }
    let mut first: Option<ChainBreak> = None;
    for chain in chains.values_mut() {
        chain.sort_by_key(|e| e.device_seq);
        let mut prev = GENESIS;
        for (i, e) in chain.iter().enumerate() {
            let reason = if e.device_seq != i as i64 + 1 {
                Some("an entry before it in its device's chain is missing")
            } else if e.prev_hash != prev {
                Some("its previous-hash does not match the entry before it")
            } else if e.hash != entry_hash(e) {
                Some("its contents do not match its hash")
            } else {
                None
            };
            if let Some(reason) = reason {
                let broken = ChainBreak {
                    seq: e.seq,
                    id: e.id.clone(),
                    device_id: e.device_id.clone(),
                    device_seq: e.device_seq,
                    reason: reason.into(),
                };
                // The earliest break in this workspace's own order is named.
                if first.as_ref().is_none_or(|f| broken.seq < f.seq) {
                    first = Some(broken);
                }
                break;
            }
            prev = &e.hash;
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace from before devices keeps its chain through the migration, and its
    /// next entries continue it under the device the migration gave it.
    #[test]
    fn an_old_chain_still_verifies_and_goes_on_under_its_device() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(crate::DATABASE_FILE);
        {
            let mut conn = Connection::open(&path).unwrap();
            crate::store::migrate_to_version(&mut conn, 4).unwrap();
            let mut prev = GENESIS.to_owned();
            for (i, action) in ["project.created", "project.renamed"].iter().enumerate() {
                let mut e = AuditEntry {
                    seq: i as i64 + 1,
                    id: format!("old-{i}"),
                    at: "2026-01-01T00:00:00.000Z".into(),
                    actor: "local:alice".into(),
                    action: (*action).into(),
                    entity_kind: "project".into(),
                    entity_id: "p1".into(),
                    detail: "{}".into(),
                    device_id: String::new(),
                    device_seq: 0,
                    person_id: String::new(),
                    hash_format: FORMAT_WITHOUT_DEVICE,
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = entry_hash(&e);
                conn.execute(
                    "INSERT INTO audit_log (id, at, actor, action, entity_kind, entity_id, detail, prev_hash, hash)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    params![e.id, e.at, e.actor, e.action, e.entity_kind, e.entity_id, e.detail, e.prev_hash, e.hash],
                )
                .unwrap();
                prev = e.hash;
            }
        }
        let mut ws = Workspace::open(dir.path(), Actor::new("local:alice")).unwrap();
        assert_eq!(ws.verify_audit_log().unwrap(), None);
        ws.create_project(&crate::NewProject {
            name: "Spring".into(),
            content_type: "email".into(),
        })
        .unwrap();
        let log = ws.audit_log().unwrap();
        assert_eq!(log.len(), 3);
        assert!(log.iter().all(|e| e.device_id == ws.device_id()));
        assert_eq!(
            log.iter().map(|e| e.device_seq).collect::<Vec<_>>(),
            [1, 2, 3]
        );
        assert_eq!(log[2].prev_hash, log[1].hash);
        assert_eq!(ws.verify_audit_log().unwrap(), None);
    }
}
