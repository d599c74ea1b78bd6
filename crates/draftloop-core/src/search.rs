//! Search across every document a person can see, by title and text, through the
//! workspace's full-text index (SQLite FTS5, migration 0010). What a person types is
//! taken as words, never as FTS5 syntax: each word must appear, the last one as a
//! prefix (so results come while typing), and a quote or an operator is just text.

use serde::Serialize;
use ts_rs::TS;

use crate::document::DocumentStatus;
use crate::error::Result;
use crate::store::Workspace;

/// Most results a search returns.
pub const MAX_HITS: usize = 50;

/// A document that matches, with the words around the match.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SearchHit {
    pub document_id: String,
    pub project_id: String,
    pub project: String,
    pub title: String,
    pub status: DocumentStatus,
    /// The best passage of the text (or the title, when only it matched), in pieces;
    /// the matched words are the pieces with `hit`.
    pub snippet: Vec<SnippetPiece>,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SnippetPiece {
    pub text: String,
    pub hit: bool,
}

// Marks FTS5 puts around matched words in a snippet: control characters no document
// holds as text, so the pieces split cleanly.
const OPEN: char = '\u{2}';
const CLOSE: char = '\u{3}';

/// The FTS5 query for what a person typed: every word quoted (quotes inside doubled),
/// the last one a prefix. `None` when there are no words.
pub fn match_query(typed: &str) -> Option<String> {
    let words: Vec<&str> = typed
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let last = words.len().checked_sub(1)?;
    Some(
        words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let quoted = format!("\"{}\"", w.replace('"', "\"\""));
                if i == last {
                    quoted + "*"
                } else {
                    quoted
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn pieces(marked: &str) -> Vec<SnippetPiece> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut hit = false;
    for c in marked.chars() {
        if c == OPEN || c == CLOSE {
            if !text.is_empty() {
                out.push(SnippetPiece {
                    text: std::mem::take(&mut text),
                    hit,
                });
            }
            hit = c == OPEN;
        } else {
            text.push(c);
        }
    }
    if !text.is_empty() {
        out.push(SnippetPiece { text, hit });
    }
    out
}

impl Workspace {
    /// Documents whose title or text hold every word of `typed`, best first (a match
    /// in the title weighs more), at most `limit` (up to [`MAX_HITS`]). Deleted
    /// documents and unfinished imports are never found.
    pub fn search_documents(&self, typed: &str, limit: usize) -> Result<Vec<SearchHit>> {
        let Some(query) = match_query(typed) else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn().prepare_cached(
            "SELECT d.id, d.project_id, p.name, d.title, d.status, d.updated_at,
                    snippet(documents_search, 1, char(2), char(3), '…', 16),
                    snippet(documents_search, 0, char(2), char(3), '…', 16)
             FROM documents_search s
             JOIN documents d ON d.rowid = s.rowid
             JOIN projects p ON p.id = d.project_id
             WHERE documents_search MATCH ?1
               AND EXISTS (SELECT 1 FROM live_documents l WHERE l.id = d.id)
             ORDER BY bm25(documents_search, 4.0, 1.0), d.updated_at DESC
             LIMIT ?2",
        )?;
        let rows = stmt.query_map(rusqlite::params![query, limit.min(MAX_HITS) as i64], |r| {
            let body: String = r.get(6)?;
            let title: String = r.get(7)?;
            // A body passage with no match says nothing: show the title's then.
            let snippet = if body.contains(OPEN) || !title.contains(OPEN) {
                body
            } else {
                title
            };
            Ok(SearchHit {
                document_id: r.get(0)?,
                project_id: r.get(1)?,
                project: r.get(2)?,
                title: r.get(3)?,
                status: DocumentStatus::parse(&r.get::<_, String>(4)?)?,
                updated_at: r.get(5)?,
                snippet: pieces(&snippet),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_are_words_never_syntax() {
        assert_eq!(match_query("  "), None);
        assert_eq!(match_query("- * ()"), None);
        assert_eq!(
            match_query("spring sal").as_deref(),
            Some("\"spring\" \"sal\"*")
        );
        assert_eq!(
            match_query("say \"hi\" OR NEAR(x)").as_deref(),
            Some("\"say\" \"\"\"hi\"\"\" \"OR\" \"NEAR(x)\"*")
        );
    }

    #[test]
    fn a_snippet_splits_at_its_marks() {
        let p = pieces("…the \u{2}spring\u{3} sale \u{2}now\u{3}");
        let texts: Vec<(&str, bool)> = p.iter().map(|p| (p.text.as_str(), p.hit)).collect();
        assert_eq!(
            texts,
            [
                ("…the ", false),
                ("spring", true),
                (" sale ", false),
                ("now", true)
            ]
        );
    }
}
