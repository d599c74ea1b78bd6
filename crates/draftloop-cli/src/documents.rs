use clap::Subcommand;
use draftloop_core::{Result, Workspace};

use crate::output::{self, Format};

#[derive(Subcommand)]
pub enum DocumentsCommand {
    /// Create a document in a project.
    Add {
        title: String,
        #[arg(long)]
        project: String,
    },
    /// List documents, of one project or of all.
    List {
        #[arg(long)]
        project: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Print a document's text as Markdown (or all of it as JSON).
    Show {
        id: String,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}

pub fn run(ws: &mut Workspace, cmd: DocumentsCommand) -> Result<()> {
    match cmd {
        DocumentsCommand::Add { title, project } => {
            let project = ws.project_named(&project)?;
            let doc = ws.create_document(&project.id, &title)?;
            println!(
                "added document \"{}\" ({}) to \"{}\"",
                doc.title, doc.id, project.name
            );
        }
        DocumentsCommand::List { project, format } => {
            let project = project.map(|name| ws.project_named(&name)).transpose()?;
            let docs = ws.documents(project.as_ref().map(|p| p.id.as_str()))?;
            match format {
                Format::Json => output::json(&docs)?,
                Format::Table => {
                    let projects = ws.projects()?;
                    let rows: Vec<Vec<String>> = docs
                        .iter()
                        .map(|d| {
                            let project = projects
                                .iter()
                                .find(|p| p.id == d.project_id)
                                .map(|p| p.name.clone())
                                .unwrap_or_default();
                            vec![
                                d.title.clone(),
                                project,
                                d.status.as_str().to_owned(),
                                d.words.to_string(),
                                d.id.clone(),
                            ]
                        })
                        .collect();
                    output::table(&["TITLE", "PROJECT", "STATUS", "WORDS", "ID"], &rows);
                }
            }
        }
        DocumentsCommand::Show { id, format } => {
            let doc = ws.document(&id)?;
            match format {
                Format::Json => output::json(&doc)?,
                Format::Table => {
                    println!("# {}\n", doc.title);
                    println!("{}", doc.body_markdown);
                }
            }
        }
    }
    Ok(())
}
