//! Ids and timestamps. Ids are UUIDv7: time-ordered, so they sort by creation and
//! merge cleanly when workspaces are later synced as a set union.

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Now, as RFC 3339 UTC with milliseconds: sortable as text.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
