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
        /// Start the document with this Markdown file's text.
        #[arg(long, value_name = "FILE")]
        text: Option<std::path::PathBuf>,
    },
    /// List documents, of one project or of all.
    List {
        #[arg(long)]
        project: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Find documents whose title or text hold every word (the last as a prefix).
    Search {
        query: String,
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
        DocumentsCommand::Add {
            title,
            project,
            text,
        } => {
            // Read first: a missing or non-UTF-8 file leaves the workspace untouched.
            let text = text
                .map(|path| {
                    std::fs::read_to_string(&path).map_err(|e| {
                        draftloop_core::Error::InvalidInput(format!(
                            "could not read {}: {e}",
                            path.display()
                        ))
                    })
                })
                .transpose()?;
            let project = ws.project_named(&project)?;
            let doc = ws.create_document(&project.id, &title)?;
            if let Some(markdown) = text {
                ws.save_document_text(
                    &doc.id,
                    &draftloop_core::document::DocumentText::markdown(markdown),
                )?;
            }
            println!(
                "added document \"{}\" ({}) to \"{}\"",
                doc.title, doc.id, project.name
            );
        }
        DocumentsCommand::Search { query, format } => {
            let hits = ws.search_documents(&query, draftloop_core::search::MAX_HITS)?;
            match format {
                Format::Json => output::json(&hits)?,
                Format::Table => {
                    let rows: Vec<Vec<String>> = hits
                        .iter()
                        .map(|h| {
                            let passage: String =
                                h.snippet.iter().map(|p| p.text.as_str()).collect();
                            vec![
                                h.title.clone(),
                                h.project.clone(),
                                passage.replace('\n', " "),
                                h.document_id.clone(),
                            ]
                        })
                        .collect();
                    output::table(&["TITLE", "PROJECT", "PASSAGE", "ID"], &rows)?;
                }
            }
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
                    output::table(&["TITLE", "PROJECT", "STATUS", "WORDS", "ID"], &rows)?;
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
