//! People: a profile is a person (a display name and a role); events name them by
//! handle and profile id. The first start of a workspace makes a profile of the person
//! at the machine, an admin of a team of one; the CLI acts as that same profile.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::ids::{new_id, now};
use crate::store::Workspace;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProfileRole {
    Admin,
    SeniorReviewer,
    Reviewer,
    Author,
    Viewer,
}

impl ProfileRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileRole::Admin => "admin",
            ProfileRole::SeniorReviewer => "senior_reviewer",
            ProfileRole::Reviewer => "reviewer",
            ProfileRole::Author => "author",
            ProfileRole::Viewer => "viewer",
        }
    }

    fn parse(s: &str) -> Result<ProfileRole> {
        Ok(match s {
            "admin" => ProfileRole::Admin,
            "senior_reviewer" => ProfileRole::SeniorReviewer,
            "reviewer" => ProfileRole::Reviewer,
            "author" => ProfileRole::Author,
            "viewer" => ProfileRole::Viewer,
            other => return Err(Error::Internal(format!("unknown role \"{other}\""))),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Profile {
    pub id: String,
    /// How events name the person, e.g. `local:alice`.
    pub handle: String,
    pub display_name: String,
    pub role: ProfileRole,
    pub created_at: String,
}

/// `local:alice` → `alice`: what a handle shows as before anyone names the person.
fn name_of(handle: &str) -> &str {
    handle.split_once(':').map_or(handle, |(_, name)| name)
}

/// The profile with `handle`, made (with `role`, or admin when it is the workspace's
/// first person) when there is none yet; its id.
pub(crate) fn ensure(conn: &Connection, handle: &str, role: ProfileRole) -> Result<String> {
    let found: Option<String> = conn
        .prepare_cached("SELECT id FROM profiles WHERE handle = ?1")?
        .query_row([handle], |r| r.get(0))
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let first: bool = conn.query_row("SELECT NOT EXISTS(SELECT 1 FROM profiles)", [], |r| {
        r.get(0)
    })?;
    let role = if first { ProfileRole::Admin } else { role };
    let id = new_id();
    conn.prepare_cached(
        "INSERT INTO profiles (id, handle, display_name, role, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, handle, name_of(handle), role.as_str(), now()])?;
    Ok(id)
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Profile, String)> {
    Ok((
        Profile {
            id: r.get(0)?,
            handle: r.get(1)?,
            display_name: r.get(2)?,
            role: ProfileRole::Viewer,
            created_at: r.get(4)?,
        },
        r.get(3)?,
    ))
}

fn decode((mut p, role): (Profile, String)) -> Result<Profile> {
    p.role = ProfileRole::parse(&role)?;
    Ok(p)
}

impl Workspace {
    /// The person acting in this workspace.
    pub fn profile(&self) -> Result<Profile> {
        let row = self
            .conn()
            .query_row(
                "SELECT id, handle, display_name, role, created_at FROM profiles WHERE id = ?1",
                [self.actor().person()],
                from_row,
            )
            .optional()?
            .ok_or_else(|| Error::NotFound("the acting profile".into()))?;
        decode(row)
    }

    /// Sets the acting person's display name (what the app shows for what they did);
    /// events keep naming them by their handle, so nothing already said changes.
    pub fn set_display_name(&mut self, name: &str) -> Result<Profile> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 80 {
            return Err(Error::invalid("a name has 1 to 80 characters"));
        }
        let before = self.profile()?;
        if before.display_name == name {
            return Ok(before);
        }
        self.write(|tx, actor| {
            tx.execute(
                "UPDATE profiles SET display_name = ?1 WHERE id = ?2",
                [name, actor.person()],
            )?;
            crate::audit::record(
                tx,
                actor,
                "profile.renamed",
                "profile",
                actor.person(),
                serde_json::json!({"from": before.display_name, "to": name}),
            )
        })?;
        self.profile()
    }

    /// Gives the person with `handle` a role (a reviewer, a senior reviewer…); only an
    /// admin may, and the last admin stays one. Audited.
    pub fn set_role(&mut self, handle: &str, role: ProfileRole) -> Result<Profile> {
        if self.profile()?.role != ProfileRole::Admin {
            return Err(Error::invalid("only an admin can change someone's role"));
        }
        let target = self
            .profiles()?
            .into_iter()
            .find(|p| p.handle == handle.trim())
            .ok_or_else(|| Error::NotFound(format!("person {}", handle.trim())))?;
        if target.role == role {
            return Ok(target);
        }
        let admins = self
            .profiles()?
            .iter()
            .filter(|p| p.role == ProfileRole::Admin)
            .count();
        if target.role == ProfileRole::Admin && admins == 1 {
            return Err(Error::invalid("the workspace needs at least one admin"));
        }
        self.write(|tx, actor| {
            tx.execute(
                "UPDATE profiles SET role = ?1 WHERE id = ?2",
                [role.as_str(), &target.id],
            )?;
            crate::audit::record(
                tx,
                actor,
                "profile.role_set",
                "profile",
                &target.id,
                serde_json::json!({"from": target.role.as_str(), "to": role.as_str()}),
            )
        })?;
        self.profiles()?
            .into_iter()
            .find(|p| p.id == target.id)
            .ok_or_else(|| Error::NotFound(format!("person {handle}")))
    }

    /// Everyone this workspace knows, by name.
    pub fn profiles(&self) -> Result<Vec<Profile>> {
        let mut stmt = self.conn().prepare(
            "SELECT id, handle, display_name, role, created_at FROM profiles
             ORDER BY display_name COLLATE NOCASE, id",
        )?;
        let rows = stmt.query_map([], from_row)?;
        rows.map(|r| decode(r?)).collect()
    }
}
