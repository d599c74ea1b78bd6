//! The `draftloop` binary as a pipeline would run it, on temp data dirs.

use std::path::Path;
use std::process::{Command, Output};

fn draftloop(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_draftloop"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DRAFTLOOP_DATA_DIR")
        .output()
        .expect("run draftloop")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = draftloop(dir, args);
    assert!(
        out.status.success(),
        "draftloop {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// Asserts a failure with exactly one line on stderr and nothing on stdout.
fn fails(dir: &Path, args: &[&str], code: i32) -> String {
    let out = draftloop(dir, args);
    assert_eq!(out.status.code(), Some(code), "draftloop {args:?}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let stderr = String::from_utf8(out.stderr).expect("utf-8 stderr");
    assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr:?}");
    stderr.trim_end().to_owned()
}

fn database_bytes(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("draftloop.db")).expect("read db")
}

#[test]
fn prints_its_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = ok(dir.path(), &["--version"]);
    assert_eq!(
        out.trim(),
        format!("draftloop {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn manages_projects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let added = ok(
        d,
        &[
            "projects",
            "add",
            "Spring launch",
            "--content-type",
            "email",
        ],
    );
    assert!(
        added.starts_with("added project \"Spring launch\""),
        "{added}"
    );
    ok(
        d,
        &[
            "projects",
            "add",
            "Catalogue",
            "--content-type",
            "product description",
        ],
    );

    let json: serde_json::Value =
        serde_json::from_str(&ok(d, &["projects", "list", "--format", "json"])).expect("json");
    let names: Vec<&str> = json
        .as_array()
        .expect("array")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Catalogue", "Spring launch"]);
    assert_eq!(json[1]["content_type"], "email");
    assert_eq!(json[1]["rubric"][0]["name"], "accuracy");

    for title in ["Launch email", "Follow-up"] {
        ok(
            d,
            &["documents", "add", title, "--project", "Spring launch"],
        );
    }
    let table = ok(d, &["projects", "list"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("NAME"), "{table}");
    assert!(lines[2].starts_with("Spring launch"), "{table}");
    // Name (two words), content type, documents, id.
    let documents = |line: &str| line.split_whitespace().nth_back(1).map(str::to_owned);
    assert_eq!(lines[2].split_whitespace().nth(2), Some("email"), "{table}");
    assert_eq!(documents(lines[2]).as_deref(), Some("2"), "{table}");
    assert_eq!(documents(lines[1]).as_deref(), Some("0"), "{table}");

    ok(d, &["projects", "rename", "spring launch", "Summer launch"]);
    ok(d, &["projects", "remove", "Catalogue"]);
    let json: serde_json::Value =
        serde_json::from_str(&ok(d, &["projects", "list", "--format", "json"])).expect("json");
    assert_eq!(json.as_array().expect("array").len(), 1);
    assert_eq!(json[0]["name"], "Summer launch");
}

#[test]
fn manages_documents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    ok(
        d,
        &["projects", "add", "Blog", "--content-type", "blog post"],
    );
    ok(
        d,
        &["documents", "add", "Why drafts matter", "--project", "Blog"],
    );
    let json: serde_json::Value = serde_json::from_str(&ok(
        d,
        &["documents", "list", "--project", "blog", "--format", "json"],
    ))
    .expect("json");
    assert_eq!(json[0]["title"], "Why drafts matter");
    assert_eq!(json[0]["status"], "draft");
    let id = json[0]["id"].as_str().expect("id");

    let shown = ok(d, &["documents", "show", id]);
    assert_eq!(shown.lines().next(), Some("# Why drafts matter"));
    let table = ok(d, &["documents", "list"]);
    assert!(
        table
            .lines()
            .nth(1)
            .expect("row")
            .starts_with("Why drafts matter  Blog"),
        "{table}"
    );

    let file = d.join("launch.md");
    std::fs::write(&file, "## Spring\n\nThe sale starts Monday.\n").expect("write");
    ok(
        d,
        &[
            "documents",
            "add",
            "Launch",
            "--project",
            "Blog",
            "--text",
            file.to_str().expect("utf-8 path"),
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&ok(
        d,
        &["documents", "list", "--project", "blog", "--format", "json"],
    ))
    .expect("json");
    let launch = json
        .as_array()
        .expect("list")
        .iter()
        .find(|doc| doc["title"] == "Launch")
        .expect("the new document");
    assert_eq!(launch["words"], 5);
}

#[test]
fn bad_input_says_one_clear_line_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    ok(
        d,
        &[
            "projects",
            "add",
            "Spring launch",
            "--content-type",
            "email",
        ],
    );
    let before = database_bytes(d);

    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "projects",
                "add",
                "SPRING LAUNCH",
                "--content-type",
                "email",
            ],
            "error: a project named \"SPRING LAUNCH\" already exists",
        ),
        (
            &["projects", "add", " ", "--content-type", "email"],
            "error: a project needs a name",
        ),
        (
            &["projects", "rename", "Nope", "Other"],
            "error: project \"Nope\" not found",
        ),
        (
            &["documents", "add", "Draft", "--project", "Nope"],
            "error: project \"Nope\" not found",
        ),
        (
            &["documents", "show", "no-such-id"],
            "error: document no-such-id not found",
        ),
        (
            &[
                "documents",
                "add",
                "Draft",
                "--project",
                "Spring launch",
                "--text",
                "/no/such/file.md",
            ],
            "error: could not read /no/such/file.md: No such file or directory (os error 2)",
        ),
    ];
    for (args, message) in cases {
        assert_eq!(fails(d, args, 2), message);
    }
    assert_eq!(
        database_bytes(d),
        before,
        "the database is byte-for-byte unchanged"
    );
}

#[test]
fn refuses_a_workspace_from_a_newer_draftloop() {
    let newer = draftloop_core::SCHEMA_VERSION + 1;
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    {
        let conn = rusqlite::Connection::open(d.join("draftloop.db")).expect("create");
        conn.pragma_update(None, "user_version", newer)
            .expect("version");
    }
    let before = database_bytes(d);
    let message = fails(d, &["projects", "list"], 1);
    assert!(
        message.contains(&format!(
            "written by a newer Draftloop (schema version {newer}"
        )),
        "{message}"
    );
    assert_eq!(database_bytes(d), before);
}

#[test]
fn takes_the_data_dir_from_the_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_draftloop"))
        .args(["projects", "add", "Env", "--content-type", "email"])
        .env("DRAFTLOOP_DATA_DIR", dir.path())
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(dir.path().join("draftloop.db").exists());
    let listed = ok(dir.path(), &["projects", "list", "--format", "json"]);
    assert!(listed.contains("\"Env\""));
}

#[test]
fn imports_history_once_and_exports_datasets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let history = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/interop/history.jsonl");
    let history = history.to_str().expect("utf-8 path");
    assert_eq!(
        ok(d, &["import", history]).lines().next(),
        Some("imported 40 of 40 records (0 already imported), 179 feedback events; new projects: Spring launch, Product pages")
    );
    assert!(
        ok(d, &["import", history]).starts_with("imported 0 of 40 records (40 already imported)")
    );

    let out = d.join("kto.jsonl");
    let said = ok(
        d,
        &[
            "export",
            "--format",
            "kto",
            "--out",
            out.to_str().expect("path"),
            "--project",
            "Spring launch",
            "--min-rating",
            "clarity=3",
        ],
    );
    assert!(said.starts_with("wrote "), "{said}");
    // The filter keeps exactly the rows whose draft was rated 3 or more on clarity:
    // checked against every row of the unfiltered export and the ratings table.
    let lines = |path: &Path| -> Vec<serde_json::Value> {
        std::fs::read_to_string(path)
            .expect("export")
            .lines()
            .map(|l| serde_json::from_str(l).expect("json line"))
            .collect()
    };
    let export = |format: &str, file: &str| -> Vec<serde_json::Value> {
        let path = d.join(file);
        let args = [
            "export",
            "--format",
            format,
            "--out",
            path.to_str().expect("path"),
            "--project",
            "Spring launch",
        ];
        ok(d, &args);
        lines(&path)
    };
    let clarity: std::collections::HashMap<String, i64> = export("ratings", "ratings.jsonl")
        .iter()
        .filter_map(|r| {
            Some((
                r["generation_id"].as_str()?.to_owned(),
                r["ratings"]["clarity"].as_i64()?,
            ))
        })
        .collect();
    let generation = |row: &serde_json::Value| {
        row["metadata"]["generation_id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let expected: Vec<String> = export("kto", "kto-all.jsonl")
        .iter()
        .filter(|row| clarity.get(&generation(row)).is_some_and(|c| *c >= 3))
        .map(generation)
        .collect();
    let filtered = lines(&out);
    assert!(filtered.iter().all(|row| row["label"].is_boolean()));
    assert_eq!(
        filtered.iter().map(generation).collect::<Vec<_>>(),
        expected
    );
    assert!(!expected.is_empty(), "some rows pass the filter");
    assert!(
        export("kto", "kto-all.jsonl").len() > expected.len(),
        "and some do not, so the filter is seen working"
    );

    // Several formats in one pass: one file each in the --out folder.
    let folder = d.join("datasets");
    let said = ok(
        d,
        &[
            "export",
            "--format",
            "dpo,parquet",
            "--format",
            "kto",
            "--out",
            folder.to_str().expect("path"),
        ],
    );
    assert_eq!(said.lines().count(), 3, "{said}");
    for file in ["dpo.jsonl", "parquet.parquet", "kto.jsonl"] {
        assert!(folder.join(file).is_file(), "{file}: {said}");
    }

    // A bad import wrote its first records out of sight and took them back: nothing
    // visible changed. Every other failure leaves the file byte for byte as it was.
    let visible = |d: &Path| {
        let audit: i64 = rusqlite::Connection::open(d.join("draftloop.db"))
            .expect("db")
            .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
            .expect("audit");
        (
            ok(d, &["projects", "list", "--format", "json"]),
            ok(d, &["documents", "list", "--format", "json"]),
            audit,
        )
    };
    let shown = visible(d);
    let bad = d.join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"project\": \"P\", \"prompt\": \"p\", \"draft\": \"d\"}\n{\"project\": \"P\"}\n",
    )
    .expect("write");
    assert_eq!(
        fails(d, &["import", bad.to_str().expect("path")], 2),
        "error: line 2: missing field `prompt`"
    );
    assert_eq!(visible(d), shown, "a bad import leaves nothing visible");
    let before = database_bytes(d);
    assert_eq!(
        fails(d, &["export", "--format", "alpaca", "--out", "x.jsonl"], 2),
        "error: unknown format \"alpaca\": one of sft, openai-sft, dpo, openai-dpo, kto, ratings, csv, parquet"
    );
    assert_eq!(
        fails(
            d,
            &[
                "export",
                "--format",
                "sft",
                "--out",
                d.to_str().expect("path")
            ],
            2
        ),
        format!(
            "error: {} is a folder: without --split, --out names a file",
            d.display()
        )
    );
    assert_eq!(
        fails(
            d,
            &[
                "export",
                "--format",
                "sft",
                "--out",
                "x.jsonl",
                "--min-rating",
                "clarity"
            ],
            2
        ),
        "error: --min-rating takes DIM=N, not \"clarity\""
    );
    assert_eq!(database_bytes(d), before, "failed commands change nothing");
}

#[test]
fn an_import_killed_midway_shows_nothing_and_running_it_again_completes_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let file = d.join("big.jsonl");
    let lines: String = (0..12_000)
        .map(|i| {
            serde_json::json!({
                "project": "Bulk",
                "prompt": format!("Write email {i}."),
                "draft": format!("Draft {i} of the email."),
                // Tags the project does not have yet: one on the first records, which
                // the cut-off run added; one on the last, which the run that completes
                // the import adds to what the first run staged, losing neither.
                "tags": [match i {
                    0..5 => "needs-source",
                    11_000.. => "needs-legal",
                    _ => "tone",
                }],
            })
            .to_string()
                + "\n"
        })
        .collect();
    std::fs::write(&file, lines).expect("write history");
    let mut child = Command::new(env!("CARGO_BIN_EXE_draftloop"))
        .arg("--data-dir")
        .arg(d)
        .arg("import")
        .arg(&file)
        .env_remove("DRAFTLOOP_DATA_DIR")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("start the import");
    // Killed once it has committed a chunk (out of sight) and before it finishes.
    let db = d.join("draftloop.db");
    let staged = || -> (i64, i64) {
        let Ok(conn) =
            rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        else {
            return (0, 0);
        };
        conn.query_row(
            "SELECT (SELECT count(*) FROM documents WHERE import_id IS NOT NULL),
                    (SELECT count(*) FROM imports WHERE finished_at IS NOT NULL)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap_or((0, 0))
    };
    loop {
        let (documents, finished) = staged();
        assert_eq!(finished, 0, "the import finished before it could be killed");
        if documents > 0 {
            break;
        }
        assert!(
            child.try_wait().expect("poll").is_none(),
            "the import ended early"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().expect("kill");
    child.wait().expect("reap");
    let (documents, _) = staged();
    assert!(documents > 0 && documents < 12_000, "{documents} staged");

    // Nothing of it shows.
    assert_eq!(
        ok(d, &["projects", "list", "--format", "json"]).trim(),
        "[]"
    );
    assert_eq!(
        ok(d, &["documents", "list", "--format", "json"]).trim(),
        "[]"
    );
    // Nor in an export (the ratings table has a row for every draft).
    let rows = |name: &str| {
        let out = d.join(name);
        ok(
            d,
            &[
                "export",
                "--format",
                "ratings",
                "--out",
                out.to_str().expect("path"),
            ],
        );
        std::fs::read_to_string(&out)
            .expect("export")
            .lines()
            .count()
    };
    assert_eq!(rows("cut-off.jsonl"), 0);

    // Run again: it carries on and finishes, nothing twice.
    let said = ok(d, &["import", file.to_str().expect("path")]);
    assert!(
        said.starts_with("imported 12000 of 12000 records (0 already imported)"),
        "{said}"
    );
    let listed: serde_json::Value =
        serde_json::from_str(&ok(d, &["documents", "list", "--format", "json"])).expect("json");
    assert_eq!(listed.as_array().expect("list").len(), 12_000);
    assert_eq!(rows("completed.jsonl"), 12_000);
    let projects: serde_json::Value =
        serde_json::from_str(&ok(d, &["projects", "list", "--format", "json"])).expect("json");
    let tags = projects[0]["tags"].as_array().expect("tags");
    for tag in ["needs-source", "needs-legal"] {
        assert!(tags.iter().any(|t| t == tag), "{tag}: {projects}");
    }
    assert!(ok(d, &["import", file.to_str().expect("path")])
        .starts_with("imported 0 of 12000 records (12000 already imported)"));
}

#[test]
fn the_cli_acts_as_the_profile_of_the_person_at_the_machine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let out = Command::new(env!("CARGO_BIN_EXE_draftloop"))
        .arg("--data-dir")
        .arg(d)
        .args(["projects", "add", "Spring", "--content-type", "email"])
        .env("USER", "dana")
        .output()
        .expect("run");
    assert!(out.status.success());
    let conn = rusqlite::Connection::open(d.join("draftloop.db")).expect("db");
    let (id, handle, role): (String, String, String) = conn
        .query_row("SELECT id, handle, role FROM profiles", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("one profile");
    assert_eq!((handle.as_str(), role.as_str()), ("local:dana", "admin"));
    let person: String = conn
        .query_row(
            "SELECT person_id FROM audit_log WHERE action = 'project.created'",
            [],
            |r| r.get(0),
        )
        .expect("audited");
    assert_eq!(person, id);
}

#[test]
fn a_listing_read_by_a_reader_that_stops_early_ends_quietly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // More than a pipe holds (64 KiB), so the listing meets the closed pipe however
    // soon it starts writing.
    {
        let mut ws = draftloop_core::Workspace::open(d, draftloop_core::Actor::new("test:alice"))
            .expect("open");
        for i in 0..500 {
            ws.create_project(&draftloop_core::NewProject {
                name: format!("Project {i} {}", "with a long name ".repeat(6)),
                content_type: "email".into(),
            })
            .expect("project");
        }
    }
    for format in ["table", "json"] {
        // The reader goes away at once (`draftloop … | head -0`).
        let mut child = Command::new(env!("CARGO_BIN_EXE_draftloop"))
            .arg("--data-dir")
            .arg(d)
            .args(["projects", "list", "--format", format])
            .env_remove("DRAFTLOOP_DATA_DIR")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{format}: {stderr}");
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
    }
}
