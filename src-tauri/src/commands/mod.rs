//! One module per domain; each command is a thin adapter to the core.

pub mod documents;
pub mod projects;
pub mod workspace;
