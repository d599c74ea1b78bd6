use clap::{Subcommand, ValueEnum};
use draftloop_core::profile::ProfileRole;
use draftloop_core::{Result, Workspace};

use crate::output::{self, Format};

#[derive(Clone, Copy, ValueEnum)]
pub enum Role {
    Admin,
    SeniorReviewer,
    Reviewer,
    Author,
    Viewer,
}

#[derive(Subcommand)]
pub enum PeopleCommand {
    /// Everyone this workspace knows, with their roles.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Give a person a role (admins only): reviewers decide tier 1, senior reviewers
    /// and admins decide escalated drafts too.
    SetRole {
        /// How events name the person, e.g. local:sam.
        handle: String,
        #[arg(value_enum)]
        role: Role,
    },
}

pub fn run(ws: &mut Workspace, cmd: PeopleCommand) -> Result<()> {
    match cmd {
        PeopleCommand::List { format } => {
            let people = ws.profiles()?;
            match format {
                Format::Json => output::json(&people)?,
                Format::Table => {
                    let rows: Vec<Vec<String>> = people
                        .iter()
                        .map(|p| {
                            vec![
                                p.handle.clone(),
                                p.display_name.clone(),
                                p.role.as_str().into(),
                            ]
                        })
                        .collect();
                    output::table(&["HANDLE", "NAME", "ROLE"], &rows)?;
                }
            }
        }
        PeopleCommand::SetRole { handle, role } => {
            let role = match role {
                Role::Admin => ProfileRole::Admin,
                Role::SeniorReviewer => ProfileRole::SeniorReviewer,
                Role::Reviewer => ProfileRole::Reviewer,
                Role::Author => ProfileRole::Author,
                Role::Viewer => ProfileRole::Viewer,
            };
            let p = ws.set_role(&handle, role)?;
            println!("{} is now {}", p.handle, p.role.as_str().replace('_', " "));
        }
    }
    Ok(())
}
