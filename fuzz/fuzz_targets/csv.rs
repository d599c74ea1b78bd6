//! A CSV of batch briefs: rows or a clear refusal, never a panic; every row read has
//! a value for each of the template's variables.
#![no_main]

use draftloop_core::review::batch::parse_csv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let variables = vec!["topic".to_owned(), "product".to_owned()];
    if let Ok(rows) = parse_csv(data, &variables) {
        for row in rows {
            for v in &variables {
                assert!(row.brief.contains_key(v), "row {} lacks {v}", row.number);
            }
        }
    }
});
