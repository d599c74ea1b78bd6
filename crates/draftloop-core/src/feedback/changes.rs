//! The changes view: the document's text against the model's first draft, every word
//! marked with who put it there or took it out. Each revision after the draft is
//! diffed against the text before it, so a word keeps the author who wrote it.

use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{capture_diff_slices_deadline, Algorithm, DiffTag};
use ts_rs::TS;

use crate::diff;
use crate::error::Result;
use crate::store::Workspace;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Still as the model's draft had it.
    Draft,
    Inserted,
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Change {
    pub kind: ChangeKind,
    pub text: String,
    /// Who wrote it (draft, inserted) or took it out (deleted): an index into `authors`.
    pub author: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Author {
    pub name: String,
    /// `human` or `model`.
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DocumentChanges {
    /// The generation of the model's first draft, when there is one.
    pub draft_generation_id: Option<String>,
    pub authors: Vec<Author>,
    pub changes: Vec<Change>,
}

struct Piece {
    text: String,
    author: usize,
    deleted_by: Option<usize>,
}

/// Each step's text with its author index; the first is the base draft.
pub fn blame(steps: &[(&str, usize)], deadline: Duration) -> Vec<Change> {
    let Some(((first, base_author), rest)) = steps.split_first() else {
        return Vec::new();
    };
    let mut pieces: Vec<Piece> = diff::tokens(first)
        .into_iter()
        .map(|t| Piece {
            text: t.to_owned(),
            author: *base_author,
            deleted_by: None,
        })
        .collect();
    let until = Instant::now() + deadline;
    for (text, author) in rest {
        let live: Vec<usize> = (0..pieces.len())
            .filter(|&i| pieces[i].deleted_by.is_none())
            .collect();
        let old: Vec<&str> = live.iter().map(|&i| pieces[i].text.as_str()).collect();
        let new = diff::tokens(text);
        let ops = capture_diff_slices_deadline(Algorithm::Myers, &old, &new, Some(until));
        let mut next: Vec<Piece> = Vec::with_capacity(pieces.len() + new.len());
        let mut taken = pieces.into_iter().map(Some).collect::<Vec<_>>();
        let mut cursor = 0;
        // Moves the pieces before live piece `k` (deleted earlier) across, then `k`.
        let mut take = |k: usize, next: &mut Vec<Piece>, cursor: &mut usize| -> Piece {
            let target = live[k];
            while *cursor < target {
                if let Some(p) = taken[*cursor].take() {
                    next.push(p);
                }
                *cursor += 1;
            }
            *cursor = target + 1;
            taken[target].take().expect("each live piece is taken once")
        };
        for op in ops {
            let (tag, old_range, new_range) = op.as_tag_tuple();
            match tag {
                DiffTag::Equal => {
                    for k in old_range {
                        let p = take(k, &mut next, &mut cursor);
                        next.push(p);
                    }
                }
                DiffTag::Delete | DiffTag::Insert | DiffTag::Replace => {
                    for k in old_range {
                        let mut p = take(k, &mut next, &mut cursor);
                        // Typing taken back by its own author leaves no trace.
                        if p.author != *author || p.author == *base_author {
                            p.deleted_by = Some(*author);
                            next.push(p);
                        }
                    }
                    next.extend(new[new_range].iter().map(|t| Piece {
                        text: (*t).to_owned(),
                        author: *author,
                        deleted_by: None,
                    }));
                }
            }
        }
        next.extend(taken.into_iter().flatten());
        pieces = next;
    }
    let mut out: Vec<Change> = Vec::new();
    for p in pieces {
        let (kind, author) = match p.deleted_by {
            Some(by) => (ChangeKind::Deleted, by),
            None if p.author == *base_author => (ChangeKind::Draft, p.author),
            None => (ChangeKind::Inserted, p.author),
        };
        let author = author as u32;
        match out.last_mut() {
            Some(last) if last.kind == kind && last.author == author => last.text.push_str(&p.text),
            _ => out.push(Change {
                kind,
                text: p.text,
                author,
            }),
        }
    }
    out
}

impl Workspace {
    /// The current text against the model's first draft, by author. Empty when the
    /// model never wrote in this document.
    pub fn document_changes(&self, document_id: &str) -> Result<DocumentChanges> {
        let document = self.document(document_id)?;
        let revisions = self.revisions(document_id)?;
        let Some(start) = revisions.iter().position(|r| r.author_kind == "model") else {
            return Ok(DocumentChanges {
                draft_generation_id: None,
                authors: Vec::new(),
                changes: Vec::new(),
            });
        };
        let mut authors: Vec<Author> = Vec::new();
        let mut author_of = |name: String, kind: &str| -> usize {
            match authors
                .iter()
                .position(|a| a.name == name && a.kind == kind)
            {
                Some(i) => i,
                None => {
                    authors.push(Author {
                        name,
                        kind: kind.to_owned(),
                    });
                    authors.len() - 1
                }
            }
        };
        let mut steps: Vec<(&str, usize)> = Vec::new();
        for r in &revisions[start..] {
            let name = match (&r.generation_id, r.author_kind.as_str()) {
                (Some(g), "model") => self.generation(g).map(|g| g.model)?,
                _ => r.actor.clone(),
            };
            steps.push((r.body_markdown.as_str(), author_of(name, &r.author_kind)));
        }
        if steps.last().map(|s| s.0) != Some(document.body_markdown.as_str()) {
            let me = author_of(self.actor().as_str().to_owned(), "human");
            steps.push((document.body_markdown.as_str(), me));
        }
        let changes = blame(&steps, diff::DEADLINE);
        Ok(DocumentChanges {
            draft_generation_id: revisions[start].generation_id.clone(),
            authors,
            changes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(changes: &[Change]) -> String {
        changes
            .iter()
            .map(|c| match c.kind {
                ChangeKind::Draft => c.text.clone(),
                ChangeKind::Inserted => format!("[+{}:{}]", c.author, c.text),
                ChangeKind::Deleted => format!("[-{}:{}]", c.author, c.text),
            })
            .collect()
    }

    #[test]
    fn words_keep_the_author_who_wrote_them() {
        let steps = [
            ("The launch is on Monday.", 0),
            ("The big launch is on Monday.", 1),
            ("The big launch is on Tuesday.", 2),
        ];
        assert_eq!(
            render(&blame(&steps, diff::DEADLINE)),
            "The [+1:big ]launch is on [-2:Monday][+2:Tuesday]."
        );
    }

    #[test]
    fn own_typing_taken_back_leaves_no_trace_but_others_words_do() {
        let steps = [
            ("Hello world.", 0),
            ("Hello brave world.", 1),
            ("Hello world.", 1),
            ("Hello.", 2),
        ];
        assert_eq!(render(&blame(&steps, diff::DEADLINE)), "Hello[-2: world].");
    }

    #[test]
    fn no_steps_no_changes() {
        assert!(blame(&[], diff::DEADLINE).is_empty());
        assert_eq!(
            render(&blame(&[("Only the draft.", 0)], diff::DEADLINE)),
            "Only the draft."
        );
    }
}
