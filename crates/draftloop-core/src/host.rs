//! What the core needs from the machine it runs on: the OS keychain, a clock, and a way
//! to tell the person something. The desktop app, the CLI and tests each bring their
//! own, so every use case runs without a window.

use chrono::{DateTime, Utc};

use crate::keychain::{Keychain, OsKeychain};
use crate::store::Changed;

/// Something to tell the person, outside whatever they are looking at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Notice {
    pub title: String,
    pub body: String,
}

pub trait Host: Send + Sync + 'static {
    fn keychain(&self) -> &dyn Keychain;

    /// Now. Recorded generations and jobs take their times from here.
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    /// Tells the person, when a long piece of work ends (say, while they are in
    /// another window). Never blocks.
    fn notify(&self, notice: Notice);

    /// Tells the person something that should reach them away from the window too (a
    /// draft waiting past its review deadline): the desktop also shows it as the OS's
    /// own notification. Elsewhere it is a notice like any other. Never blocks.
    fn alert(&self, notice: Notice) {
        self.notify(notice);
    }

    /// Tells the windows what a committed write changed, so they show it. Never blocks;
    /// a host with nothing on screen ignores it.
    fn changed(&self, _changed: &Changed) {}
}

/// The machine as a command-line run sees it: the OS keychain and the system clock.
/// A command prints its own outcome when it ends, so notices would only repeat it on
/// stderr, which scripts read for errors alone.
pub struct TerminalHost;

impl Host for TerminalHost {
    fn keychain(&self) -> &dyn Keychain {
        &OsKeychain
    }

    fn notify(&self, _notice: Notice) {}
}

/// RFC 3339 UTC with milliseconds, as every time in the workspace is written.
pub(crate) fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A period's bound as the workspace writes times: a date (YYYY-MM-DD, the start of
/// that day in UTC) or an RFC 3339 time; blank is no bound. `what` names it in the error.
pub(crate) fn period_bound(
    value: &Option<String>,
    what: &str,
) -> crate::error::Result<Option<String>> {
    let Some(s) = value.as_deref().map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(Some(stamp(t.with_timezone(&Utc))));
    }
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| Some(format!("{d}T00:00:00.000Z")))
        .map_err(|_| {
            crate::error::Error::invalid(format!(
                "{what} must be a date (YYYY-MM-DD) or an RFC 3339 time, not \"{s}\""
            ))
        })
}
