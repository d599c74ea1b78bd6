//! Who did something. Every feedback event and audit entry names its actor.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor(String);

impl Actor {
    pub fn new(id: impl Into<String>) -> Self {
        Actor(id.into())
    }

    /// The person at this machine: `local:<os user>`.
    pub fn local_user() -> Self {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "user".to_owned());
        Actor(format!("local:{user}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}
