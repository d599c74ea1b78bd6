//! The miner's analysis of a (draft, kept text) pair: never a panic, and its counts
//! stay within the texts.
#![no_main]

use draftloop_core::fuzzing::analyze;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (draft, kept) = text.split_once('\u{0}').unwrap_or((text, ""));
    let (edits, draft_words, final_words, _) = analyze(draft, kept);
    assert!(
        edits <= draft_words + final_words,
        "{edits} edits in {draft_words} + {final_words} words"
    );
});
