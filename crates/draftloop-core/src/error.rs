//! Errors with a stable kind the UI and the CLI branch on; never the message text.

use serde::Serialize;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error(
        "{path} was written by a newer Draftloop (schema version {found}; this build knows \
         up to {supported}). Update Draftloop to open it; the file was left unchanged."
    )]
    DatabaseTooNew {
        path: String,
        found: i64,
        supported: i64,
    },
    #[error("{path} is not a Draftloop workspace: {reason}. The file was left unchanged.")]
    NotAWorkspace { path: String, reason: String },
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored data is malformed: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("{0}")]
    Llm(#[from] crate::llm::LlmError),
    #[error("{0}")]
    Keychain(String),
    #[error("could not write the Parquet file: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// The person stopped it; nothing of it was kept.
    #[error("{0}")]
    Cancelled(String),
    /// Draftloop's own fault, never the person's input.
    #[error("{0}")]
    Internal(String),
}

/// What kind of failure this is; part of the contract with the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    InvalidInput,
    NotFound,
    Conflict,
    DatabaseTooNew,
    NotAWorkspace,
    Database,
    Io,
    Internal,
    Keychain,
    Auth,
    ModelNotFound,
    RateLimited,
    Unreachable,
    Timeout,
    ContextTooLong,
    MalformedResponse,
    ResponseTooLarge,
    Provider,
    Cancelled,
}

/// An error as it crosses to the UI: `{kind, message}`.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ErrorPayload {
    pub kind: ErrorKind,
    pub message: String,
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::DatabaseTooNew { .. } => ErrorKind::DatabaseTooNew,
            Error::NotAWorkspace { .. } => ErrorKind::NotAWorkspace,
            Error::Database(_) => ErrorKind::Database,
            Error::Io(_) => ErrorKind::Io,
            Error::Malformed(_) => ErrorKind::Internal,
            Error::Keychain(_) => ErrorKind::Keychain,
            Error::Parquet(_) => ErrorKind::Io,
            Error::Internal(_) => ErrorKind::Internal,
            Error::Cancelled(_) => ErrorKind::Cancelled,
            Error::Llm(e) => e.kind,
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload {
            kind: self.kind(),
            message: self.to_string(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput(message.into())
    }
}

impl Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.payload().serialize(serializer)
    }
}
