//! Publishing: a project's approved copy written out, one Markdown file a document or
//! one CSV for them all, and those documents marked published. Nothing else leaves:
//! a draft, a document in review or a rejected one is never written.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use crate::document::{DocumentStatus, EmailFields};
use crate::error::{Error, Result};
use crate::ids::now;
use crate::store::Workspace;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PublishFormat {
    /// One `.md` file a document, named after its title.
    Markdown,
    /// One CSV (title, text; subject and preheader too when emails have them) for
    /// the project.
    Csv,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PublishSummary {
    pub documents: u32,
    pub files: Vec<String>,
}

/// A file name from a title: letters, digits and hyphens.
fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out
        .trim_end_matches('-')
        .chars()
        .take(80)
        .collect::<String>();
    if out.is_empty() {
        "document".into()
    } else {
        out
    }
}

/// Writes `text` to `path` whole or not at all (also the dashboard's files).
pub(crate) fn write_whole(path: &Path, text: &[u8]) -> Result<()> {
    let temp = path.with_extension("draftloop-tmp");
    let written = std::fs::write(&temp, text)
        .and_then(|()| std::fs::File::open(&temp)?.sync_all())
        .and_then(|()| std::fs::rename(&temp, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        Error::invalid(format!("could not write {}: {e}", path.display()))
    })
}

impl Workspace {
    /// Writes the project's approved documents into `folder` and marks them published
    /// (audited, each with the file it went to).
    pub fn publish(
        &mut self,
        project_id: &str,
        format: PublishFormat,
        folder: &Path,
    ) -> Result<PublishSummary> {
        let project = self.project(project_id)?;
        let approved: Vec<(String, String, String, EmailFields)> = {
            let mut stmt = self.conn().prepare(
                "SELECT id, title, body_markdown, subject, preheader FROM live_documents
                 WHERE project_id = ?1 AND status = 'approved' ORDER BY created_at, id",
            )?;
            let rows = stmt.query_map([project_id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    EmailFields {
                        subject: r.get(3)?,
                        preheader: r.get(4)?,
                    },
                ))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        // An email's subject and preheader get columns of their own when any has one.
        let with_email = approved.iter().any(|(_, _, _, e)| !e.is_empty());
        if approved.is_empty() {
            return Err(Error::invalid(format!(
                "nothing in \"{}\" is approved yet: only approved copy is published",
                project.name
            )));
        }
        if folder.exists() && !folder.is_dir() {
            return Err(Error::invalid(format!(
                "{} is a file, not a folder",
                folder.display()
            )));
        }
        std::fs::create_dir_all(folder).map_err(|e| {
            Error::invalid(format!("cannot make the folder {}: {e}", folder.display()))
        })?;
        let mut files: Vec<PathBuf> = Vec::new();
        let mut file_of: Vec<PathBuf> = Vec::new();
        match format {
            PublishFormat::Markdown => {
                for (_, title, body, email) in &approved {
                    let base = slug(title);
                    let mut path = folder.join(format!("{base}.md"));
                    let mut n = 2;
                    while files.contains(&path) {
                        path = folder.join(format!("{base}-{n}.md"));
                        n += 1;
                    }
                    write_whole(
                        &path,
                        crate::feedback::markdown_file(title, email, body).as_bytes(),
                    )?;
                    files.push(path.clone());
                    file_of.push(path);
                }
            }
            PublishFormat::Csv => {
                let path = folder.join(format!("{}.csv", slug(&project.name)));
                let mut out = csv::Writer::from_writer(Vec::new());
                let header: &[&str] = if with_email {
                    &["title", "subject", "preheader", "text"]
                } else {
                    &["title", "text"]
                };
                out.write_record(header)
                    .and_then(|()| {
                        approved.iter().try_for_each(|(_, title, body, email)| {
                            if with_email {
                                out.write_record([
                                    title.as_str(),
                                    email.subject.as_str(),
                                    email.preheader.as_str(),
                                    body.trim(),
                                ])
                            } else {
                                out.write_record([title.as_str(), body.trim()])
                            }
                        })
                    })
                    .map_err(|e| Error::Internal(format!("could not write the CSV: {e}")))?;
                let bytes = out
                    .into_inner()
                    .map_err(|e| Error::Internal(format!("could not write the CSV: {e}")))?;
                write_whole(&path, &bytes)?;
                file_of = vec![path.clone(); approved.len()];
                files.push(path);
            }
        }
        let at = now();
        self.write(|tx, actor| {
            for ((id, _, _, _), file) in approved.iter().zip(&file_of) {
                crate::document::set_status(tx, id, DocumentStatus::Published, &at)?;
                crate::audit::record(
                    tx,
                    actor,
                    "document.published",
                    "document",
                    id,
                    json!({"format": format, "file": file.display().to_string()}),
                )?;
            }
            Ok(())
        })?;
        Ok(PublishSummary {
            documents: approved.len() as u32,
            files: files.iter().map(|f| f.display().to_string()).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_titles() {
        assert_eq!(slug("Spring sale: 20% off!"), "spring-sale-20-off");
        assert_eq!(slug("  ***  "), "document");
        assert_eq!(slug("Café crème"), "café-crème");
    }
}
