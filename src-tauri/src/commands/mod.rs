//! One module per domain; each command is a thin adapter to the core.

pub mod documents;
pub mod feedback;
pub mod generation;
pub mod insights;
pub mod projects;
pub mod prompts;
pub mod providers;
pub mod workspace;
