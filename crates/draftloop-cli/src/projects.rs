use clap::Subcommand;
use draftloop_core::{NewProject, Result, Workspace};

use crate::output::{self, Format};

#[derive(Subcommand)]
pub enum ProjectsCommand {
    /// Create a project.
    Add {
        name: String,
        /// What the project writes: email, blog post, product description, …
        #[arg(long)]
        content_type: String,
    },
    /// List projects.
    List {
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Rename a project.
    Rename { name: String, new_name: String },
    /// Delete a project with all its documents.
    Remove { name: String },
}

pub fn run(ws: &mut Workspace, cmd: ProjectsCommand) -> Result<()> {
    match cmd {
        ProjectsCommand::Add { name, content_type } => {
            let project = ws.create_project(&NewProject { name, content_type })?;
            println!("added project \"{}\" ({})", project.name, project.id);
        }
        ProjectsCommand::List { format } => {
            let projects = ws.projects()?;
            match format {
                Format::Json => output::json(&projects)?,
                Format::Table => {
                    // Counted on the index, as the sidebar counts them: reading every
                    // document's summary took seconds on a large workspace.
                    let counts = ws.document_list(0)?.counts;
                    let rows: Vec<Vec<String>> = projects
                        .iter()
                        .map(|p| {
                            let docs = counts
                                .iter()
                                .find(|c| c.project_id == p.id)
                                .map_or(0, |c| c.documents);
                            vec![
                                p.name.clone(),
                                p.content_type.clone(),
                                docs.to_string(),
                                p.id.clone(),
                            ]
                        })
                        .collect();
                    output::table(&["NAME", "CONTENT TYPE", "DOCUMENTS", "ID"], &rows)?;
                }
            }
        }
        ProjectsCommand::Rename { name, new_name } => {
            let project = ws.project_named(&name)?;
            let renamed = ws.rename_project(&project.id, &new_name)?;
            println!(
                "renamed project \"{}\" to \"{}\"",
                project.name, renamed.name
            );
        }
        ProjectsCommand::Remove { name } => {
            let project = ws.project_named(&name)?;
            ws.delete_project(&project.id)?;
            println!("removed project \"{}\"", project.name);
        }
    }
    Ok(())
}
