//! One module per domain; each command is a thin adapter to the core.

pub mod audit;
pub mod dataset;
pub mod documents;
pub mod feedback;
pub mod generation;
pub mod insights;
pub mod metrics;
pub mod projects;
pub mod prompts;
pub mod providers;
pub mod review;
pub mod workspace;

/// `~/…` is the home folder, as people type paths.
pub fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.trim().strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::PathBuf::from(home).join(rest),
        _ => std::path::PathBuf::from(path.trim()),
    }
}
