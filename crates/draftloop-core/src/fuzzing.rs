//! Entry points for the fuzz targets (`fuzz/`, see its README): parsers and passes that
//! take what nobody here wrote. Not an API; nothing in the app calls it.

pub use crate::llm::fuzzing::{decode_stream, read_body, Decoded};

/// The miner's analysis of one (draft, kept text) pair: (edits, draft words, final
/// words, patterns found).
pub fn analyze(draft: &str, final_text: &str) -> (usize, usize, usize, usize) {
    let a = crate::mining::extract::analyze(
        draft,
        final_text,
        std::time::Instant::now() + crate::mining::MineOptions::default().diff_deadline,
    );
    (a.edits, a.draft_words, a.final_words, a.found.len())
}
