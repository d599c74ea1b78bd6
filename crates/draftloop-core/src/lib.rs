//! Draftloop's core: everything the desktop app and the `draftloop` CLI share.
//!
//! The core owns the workspace (one SQLite file), the domain (projects, documents,
//! feedback, audit log) and its rules. It has no Tauri dependency: the desktop shell
//! and the CLI are thin adapters over [`Workspace`].

pub mod actor;
pub mod audit;
pub mod bindings;
pub mod data_dir;
pub mod diff;
pub mod document;
pub mod error;
pub mod export;
pub mod feedback;
pub mod generation;
mod ids;
pub mod import;
pub mod insights;
pub mod keychain;
pub mod llm;
pub mod mining;
pub mod project;
pub mod prompt;
pub mod provider;
pub mod revision;
pub mod secret;
mod store;

pub use actor::Actor;
pub use document::{Document, DocumentStatus, DocumentSummary};
pub use error::{Error, ErrorKind, ErrorPayload, Result};
pub use project::{NewProject, Project, RoutingPolicy, RubricDimension};
pub use secret::Secret;
pub use store::{Workspace, WorkspaceInfo, DATABASE_FILE, SCHEMA_VERSION};
