//! A provider's stream, cut into chunks anywhere: never a panic, and where the cuts
//! fall changes nothing (the same texts, the same end, the same error).
#![no_main]

use arbitrary::Arbitrary;
use draftloop_core::fuzzing::decode_stream;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
struct Input {
    anthropic: bool,
    variants: u8,
    cuts: Vec<u16>,
    stream: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let variants = usize::from(input.variants % 4) + 1;
    let whole = decode_stream(input.anthropic, &[&input.stream], variants);
    let mut cuts: Vec<usize> = input
        .cuts
        .iter()
        .map(|c| usize::from(*c) % (input.stream.len() + 1))
        .collect();
    cuts.sort_unstable();
    let mut chunks: Vec<&[u8]> = Vec::new();
    let mut at = 0;
    for c in cuts {
        chunks.push(&input.stream[at..c]);
        at = c;
    }
    chunks.push(&input.stream[at..]);
    let cut = decode_stream(input.anthropic, &chunks, variants);
    assert_eq!(whole, cut, "the cuts changed what the stream said");
    if whole.error.is_none() {
        assert_eq!(
            whole.streamed, whole.kept,
            "what was shown is not what was kept"
        );
    }
});
