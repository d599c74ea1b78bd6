//! Pre-inference approval: when a project's policy asks for it, a new prompt version
//! must be approved by a reviewer before a batch may draft with it.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::json;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::ids::now;
use crate::profile::ProfileRole;
use crate::store::Workspace;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PromptApproval {
    pub prompt_version_id: String,
    /// The reviewer's display name.
    pub by: String,
    pub approved_at: String,
}

impl Workspace {
    /// Approves a prompt version for batches; reviewers, senior reviewers and admins
    /// may. Approving it again changes nothing.
    pub fn approve_prompt(&mut self, prompt_version_id: &str) -> Result<PromptApproval> {
        let version = self.prompt_version(prompt_version_id)?;
        let me = self.profile()?;
        if !matches!(
            me.role,
            ProfileRole::Reviewer | ProfileRole::SeniorReviewer | ProfileRole::Admin
        ) {
            return Err(Error::invalid(
                "only a reviewer can approve a prompt version",
            ));
        }
        if let Some(done) = self.prompt_approval(&version.id)? {
            return Ok(done);
        }
        let at = now();
        self.write(|tx, actor| {
            tx.execute(
                "INSERT INTO prompt_approvals (prompt_version_id, person_id, actor, approved_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![version.id, actor.person(), actor.as_str(), at],
            )?;
            crate::audit::record(
                tx,
                actor,
                "prompt.approved",
                "prompt_version",
                &version.id,
                json!({"project_id": version.project_id}),
            )
        })?;
        self.prompt_approval(&version.id)?
            .ok_or_else(|| Error::Internal("the approval was not recorded".into()))
    }

    pub fn prompt_approval(&self, prompt_version_id: &str) -> Result<Option<PromptApproval>> {
        Ok(self
            .conn()
            .query_row(
                "SELECT a.prompt_version_id, coalesce(p.display_name, a.actor), a.approved_at
                 FROM prompt_approvals a LEFT JOIN profiles p ON p.id = a.person_id
                 WHERE a.prompt_version_id = ?1",
                [prompt_version_id],
                |r| {
                    Ok(PromptApproval {
                        prompt_version_id: r.get(0)?,
                        by: r.get(1)?,
                        approved_at: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    /// Refuses a batch on a prompt version the policy wants approved and nobody has.
    pub(crate) fn check_batch_prompt(
        &self,
        project_id: &str,
        prompt_version_id: &str,
    ) -> Result<()> {
        let policy = self.routing_policy(project_id)?;
        if policy.approve_prompts && self.prompt_approval(prompt_version_id)?.is_none() {
            return Err(Error::invalid(
                "this project's prompt version waits for a reviewer's approval before a batch may use it (Prompt, then Approve for batches; or draftloop prompts approve)",
            ));
        }
        Ok(())
    }
}
