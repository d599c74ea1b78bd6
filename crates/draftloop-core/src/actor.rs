//! Who did something. Every feedback event and audit entry names its actor.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    id: String,
    /// The workspace (device) acting and the person's profile; set when the
    /// workspace opens.
    #[serde(skip)]
    device: String,
    #[serde(skip)]
    person: String,
}

impl Actor {
    pub fn new(id: impl Into<String>) -> Self {
        Actor {
            id: id.into(),
            device: String::new(),
            person: String::new(),
        }
    }

    /// This actor, acting from device `device`.
    pub(crate) fn on_device(self, device: &str) -> Self {
        Actor {
            device: device.to_owned(),
            ..self
        }
    }

    /// The device acting (empty before a workspace is open).
    pub fn device(&self) -> &str {
        &self.device
    }

    /// This actor as the person with profile `person`.
    pub(crate) fn for_person(self, person: &str) -> Self {
        Actor {
            person: person.to_owned(),
            ..self
        }
    }

    /// The person's profile id (empty before a workspace is open).
    pub fn person(&self) -> &str {
        &self.person
    }

    /// The person at this machine: `local:<os user>`.
    pub fn local_user() -> Self {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "user".to_owned());
        Actor::new(format!("local:{user}"))
    }

    pub fn as_str(&self) -> &str {
        &self.id
    }
}
