//! Exports under way, written down beside the workspace: an export cut off (the process
//! killed, the power gone) leaves `.partial` files that a person could take for a
//! result, and the next start removes them.
//!
//! Each export holds a marker in `exports-under-way/` naming its `.partial` files, with
//! an OS lock on it that dies with the process. A marker nobody holds belongs to an
//! export that was cut off; one still held is an export running in another process
//! (the CLI beside the app) and is left alone.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::ids::new_id;

const FOLDER: &str = "exports-under-way";

/// The marker of one export; dropping it (the export finished, failed or was
/// cancelled, its partial files already gone) removes it.
pub(super) struct UnderWay {
    marker: PathBuf,
    _lock: File,
}

impl UnderWay {
    /// Writes down `partials` before any of them is created.
    pub(super) fn begin(data_dir: &Path, partials: &[PathBuf]) -> Result<UnderWay> {
        let folder = data_dir.join(FOLDER);
        std::fs::create_dir_all(&folder)?;
        let id = new_id();
        // Locked under a hidden name first, so a sweep never sees it unheld.
        let fresh = folder.join(format!(".{id}"));
        let mut lock = File::create(&fresh)?;
        lock.try_lock().map_err(|e| {
            crate::error::Error::Internal(format!("could not hold the export's marker: {e}"))
        })?;
        for p in partials {
            lock.write_all(p.as_os_str().as_encoded_bytes())?;
            lock.write_all(b"\n")?;
        }
        lock.sync_all()?;
        let marker = folder.join(&id);
        std::fs::rename(&fresh, &marker)?;
        Ok(UnderWay {
            marker,
            _lock: lock,
        })
    }
}

impl Drop for UnderWay {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.marker);
    }
}

/// Removes the `.partial` files of exports that were cut off; returns them.
pub fn sweep(data_dir: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(data_dir.join(FOLDER)) else {
        return removed;
    };
    for entry in entries.flatten() {
        let marker = entry.path();
        let Ok(file) = File::open(&marker) else {
            continue;
        };
        if file.try_lock().is_err() {
            continue; // an export under way in another process
        }
        if entry.file_name().as_encoded_bytes().starts_with(b".") {
            // Being made, or cut off before it listed anything that was then created.
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 60);
            if old {
                let _ = std::fs::remove_file(&marker);
            }
            continue;
        }
        let listed = std::fs::read(&marker).unwrap_or_default();
        for line in listed.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let path = PathBuf::from(os_string(line));
            // Only what `begin` wrote down, and only partial files.
            if path.extension().is_some_and(|e| e == "partial")
                && std::fs::remove_file(&path).is_ok()
            {
                removed.push(path);
            }
        }
        let _ = std::fs::remove_file(&marker);
    }
    removed
}

#[cfg(unix)]
fn os_string(bytes: &[u8]) -> std::ffi::OsString {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(bytes).to_owned()
}

#[cfg(not(unix))]
fn os_string(bytes: &[u8]) -> std::ffi::OsString {
    String::from_utf8_lossy(bytes).into_owned().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_off_export_loses_its_partial_files_and_a_running_one_keeps_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = tempfile::tempdir().expect("tempdir");
        let cut = out.path().join("dpo.jsonl.partial");
        let running = out.path().join("sft.jsonl.partial");
        let finished = out.path().join("dpo.jsonl");
        for p in [&cut, &running, &finished] {
            std::fs::write(p, "{}\n").expect("write");
        }
        // What a killed export leaves: a marker nobody holds.
        let folder = dir.path().join(FOLDER);
        std::fs::create_dir_all(&folder).expect("folder");
        let marker = folder.join("cut-off");
        let listed = format!("{}\n{}\n", cut.display(), finished.display());
        std::fs::write(&marker, listed).expect("marker");
        let held = UnderWay::begin(dir.path(), std::slice::from_ref(&running)).expect("begin");

        assert_eq!(sweep(dir.path()), vec![cut.clone()]);
        assert!(!cut.exists() && !marker.exists());
        assert!(finished.exists(), "only .partial files are removed");
        assert!(running.exists() && held.marker.exists());
        drop(held);
        assert_eq!(
            std::fs::read_dir(dir.path().join(FOLDER))
                .expect("dir")
                .count(),
            0
        );
    }
}
