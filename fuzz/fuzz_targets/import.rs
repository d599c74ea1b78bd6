//! History lines imported into a real workspace: imported, or refused as bad input with
//! nothing kept; never a panic, never an internal error.
#![no_main]

use std::sync::{Mutex, OnceLock};

use draftloop_core::actor::Actor;
use draftloop_core::error::ErrorKind;
use draftloop_core::Workspace;
use libfuzzer_sys::fuzz_target;

fn workspace() -> &'static Mutex<(tempfile::TempDir, Workspace)> {
    static WS: OnceLock<Mutex<(tempfile::TempDir, Workspace)>> = OnceLock::new();
    WS.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temp dir");
        let ws = Workspace::open(dir.path(), Actor::new("fuzz:importer")).expect("a workspace");
        Mutex::new((dir, ws))
    })
}

fuzz_target!(|data: &[u8]| {
    let mut held = workspace().lock().unwrap_or_else(|e| e.into_inner());
    let ws = &mut held.1;
    let count = |ws: &Workspace| ws.documents(None).map(|d| d.len()).unwrap_or(0);
    let before = count(ws);
    match ws.import_jsonl(std::io::Cursor::new(data), "fuzz.jsonl") {
        Ok(_) => {}
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
            assert_eq!(count(ws), before, "a refused import kept something");
        }
    }
});
