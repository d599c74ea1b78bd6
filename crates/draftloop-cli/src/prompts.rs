use clap::Subcommand;
use draftloop_core::{Project, Result, Workspace};

use crate::output::{self, Format};

#[derive(Subcommand)]
pub enum PromptsCommand {
    /// Save a new prompt version for a project (nothing changes when it equals the latest).
    Set {
        #[arg(long)]
        project: String,
        #[arg(long, default_value = "")]
        system: String,
        /// The user message, with {{variables}} a document's brief fills in.
        #[arg(long)]
        template: String,
    },
    /// Approve the project's latest prompt version for batches (reviewers).
    Approve {
        #[arg(long)]
        project: String,
    },
    /// List a project's prompt versions, newest first.
    List {
        #[arg(long)]
        project: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

/// A project as people name it on the command line: by name, else by id.
pub fn project_of(ws: &Workspace, name_or_id: &str) -> Result<Project> {
    ws.project_named(name_or_id)
        .or_else(|named| ws.project(name_or_id.trim()).map_err(|_| named))
}

pub fn run(ws: &mut Workspace, cmd: PromptsCommand) -> Result<()> {
    match cmd {
        PromptsCommand::Set {
            project,
            system,
            template,
        } => {
            let project = project_of(ws, &project)?;
            let before = ws.latest_prompt(&project.id)?.map(|v| v.id);
            let version = ws.save_prompt(&project.id, &system, &template)?;
            if before.as_deref() == Some(version.id.as_str()) {
                println!(
                    "the prompt of \"{}\" is unchanged ({})",
                    project.name, version.id
                );
            } else {
                println!(
                    "saved a prompt version of \"{}\" ({})",
                    project.name, version.id
                );
            }
        }
        PromptsCommand::Approve { project } => {
            let project = project_of(ws, &project)?;
            let version = ws.latest_prompt(&project.id)?.ok_or_else(|| {
                draftloop_core::Error::InvalidInput(format!(
                    "\"{}\" has no prompt yet",
                    project.name
                ))
            })?;
            let approval = ws.approve_prompt(&version.id)?;
            println!(
                "approved the prompt of \"{}\" ({}) for batches, by {}",
                project.name, version.id, approval.by
            );
        }
        PromptsCommand::List { project, format } => {
            let project = project_of(ws, &project)?;
            let versions = ws.prompt_versions(&project.id)?;
            match format {
                Format::Json => output::json(&versions)?,
                Format::Table => {
                    let rows: Vec<Vec<String>> = versions
                        .iter()
                        .map(|v| {
                            vec![
                                v.id.clone(),
                                v.created_at.clone(),
                                v.origin.clone(),
                                v.variables.join(", "),
                                v.user_template
                                    .lines()
                                    .next()
                                    .unwrap_or_default()
                                    .to_owned(),
                            ]
                        })
                        .collect();
                    output::table(&["ID", "CREATED", "ORIGIN", "VARIABLES", "TEMPLATE"], &rows)?;
                }
            }
        }
    }
    Ok(())
}
