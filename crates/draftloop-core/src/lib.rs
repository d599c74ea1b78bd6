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
pub mod drafting;
pub mod error;
pub mod export;
pub mod feedback;
#[doc(hidden)]
pub mod fuzzing;
pub mod host;
mod ids;
pub mod import;
pub mod insights;
pub mod jobs;
pub mod keychain;
pub mod llm;
pub mod metrics;
pub mod mining;
pub mod profile;
pub mod project;
pub mod provider;
pub mod review;
pub mod search;
pub mod secret;
mod services;
mod store;

pub use actor::Actor;
// Drafting's parts, where the rest of the core has always found them.
pub use document::{Document, DocumentStatus, DocumentSummary};
pub use drafting::{generation, prompt, revision};
pub use error::{Error, ErrorKind, ErrorPayload, Result};
pub use project::{NewProject, Project, RubricDimension};
pub use review::RoutingPolicy;
pub use secret::Secret;
pub use services::Core;
pub use store::{Changed, Workspace, WorkspaceInfo, DATABASE_FILE, SCHEMA_VERSION};
