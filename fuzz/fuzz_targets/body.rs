//! A whole answer body of either API: read or refused, never a panic.
#![no_main]

use draftloop_core::fuzzing::read_body;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let variants = usize::from(first % 4) + 1;
    if let Ok(texts) = read_body(first & 0x80 != 0, body, variants) {
        assert_eq!(texts.len(), variants);
    }
});
