//! The workspace as the app and the CLI use it, on real SQLite files in temp dirs.

use draftloop_core::document::DocumentText;
use draftloop_core::{Actor, Error, ErrorKind, NewProject, Workspace, DATABASE_FILE};
use rusqlite::Connection;

fn open(dir: &tempfile::TempDir) -> Workspace {
    Workspace::open(dir.path(), Actor::new("test:alice")).expect("open workspace")
}

fn new_project(name: &str, content_type: &str) -> NewProject {
    NewProject {
        name: name.into(),
        content_type: content_type.into(),
    }
}

fn text(markdown: &str) -> DocumentText {
    DocumentText {
        body_json: format!(
            r#"{{"type":"doc","content":[{{"type":"paragraph","content":[{{"type":"text","text":{}}}]}}]}}"#,
            serde_json::to_string(markdown).expect("json")
        ),
        body_markdown: markdown.into(),
    }
}

#[test]
fn projects_are_created_listed_renamed_and_deleted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(&dir);
    let spring = ws
        .create_project(&new_project("  Spring launch ", "Email"))
        .expect("create");
    assert_eq!(spring.name, "Spring launch");
    assert_eq!(spring.content_type, "email");
    assert_eq!(spring.rubric.len(), 4);
    assert!(spring.tags.contains(&"missing-cta".to_owned()));
    ws.create_project(&new_project("Autumn catalogue", "product description"))
        .expect("create");

    let names: Vec<String> = ws
        .projects()
        .expect("list")
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["Autumn catalogue", "Spring launch"]);

    let renamed = ws
        .rename_project(&spring.id, "Spring 2027 launch")
        .expect("rename");
    assert_eq!(renamed.name, "Spring 2027 launch");
    assert_eq!(
        ws.project_named("spring 2027 LAUNCH").expect("by name").id,
        spring.id
    );

    ws.delete_project(&spring.id).expect("delete");
    let names: Vec<String> = ws
        .projects()
        .expect("list")
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["Autumn catalogue"]);
    assert_eq!(
        ws.project(&spring.id).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn bad_project_input_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(&dir);
    let p = ws
        .create_project(&new_project("Spring launch", "email"))
        .expect("create");
    let audit_before = ws.audit_log().expect("audit").len();

    let dup = ws
        .create_project(&new_project("SPRING LAUNCH", "blog post"))
        .unwrap_err();
    assert_eq!(dup.kind(), ErrorKind::Conflict);
    assert_eq!(
        dup.to_string(),
        "a project named \"SPRING LAUNCH\" already exists"
    );
    for bad in [
        new_project("   ", "email"),
        new_project("Ok", " "),
        new_project(&"x".repeat(121), "email"),
    ] {
        assert_eq!(
            ws.create_project(&bad).unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
    }
    let other = ws
        .create_project(&new_project("Other", "email"))
        .expect("create");
    let audit_mid = ws.audit_log().expect("audit").len();
    assert_eq!(
        ws.rename_project(&other.id, "spring launch")
            .unwrap_err()
            .kind(),
        ErrorKind::Conflict
    );
    assert_eq!(
        ws.rename_project(&p.id, "").unwrap_err().kind(),
        ErrorKind::InvalidInput
    );

    assert_eq!(ws.projects().expect("list").len(), 2);
    assert_eq!(ws.project(&p.id).expect("get").name, "Spring launch");
    assert_eq!(
        audit_before + 1,
        audit_mid,
        "only the one good create was logged"
    );
    assert_eq!(ws.audit_log().expect("audit").len(), audit_mid);
}

#[test]
fn document_text_survives_reopening_the_workspace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let doc_id = {
        let mut ws = open(&dir);
        let p = ws
            .create_project(&new_project("Blog", "blog post"))
            .expect("project");
        let doc = ws
            .create_document(&p.id, "Why drafts matter")
            .expect("document");
        assert_eq!(doc.body_markdown, "");
        ws.save_document_text(&doc.id, &text("First words."))
            .expect("save");
        ws.save_document_text(&doc.id, &text("First words, then more words."))
            .expect("save again");
        doc.id
    };
    let ws = open(&dir);
    let doc = ws.document(&doc_id).expect("document");
    assert_eq!(doc.title, "Why drafts matter");
    assert_eq!(doc.body_markdown, "First words, then more words.");
    assert!(doc.body_json.contains("then more words"));
    let listed = ws.documents(Some(&doc.project_id)).expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].words, 5);
}

#[test]
fn documents_are_renamed_deleted_and_go_with_their_project() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(&dir);
    let p = ws
        .create_project(&new_project("Copy", "landing page"))
        .expect("project");
    let a = ws.create_document(&p.id, "Hero").expect("a");
    let b = ws.create_document(&p.id, "Pricing").expect("b");
    assert_eq!(
        ws.rename_document(&a.id, "Hero section")
            .expect("rename")
            .title,
        "Hero section"
    );
    assert_eq!(
        ws.rename_document(&a.id, "  ").unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    let titles: Vec<String> = ws
        .documents(None)
        .expect("list")
        .into_iter()
        .map(|d| d.title)
        .collect();
    assert_eq!(titles, ["Pricing", "Hero section"], "newest first");

    ws.delete_document(&b.id).expect("delete");
    assert_eq!(ws.documents(None).expect("list").len(), 1);
    ws.delete_project(&p.id).expect("delete project");
    assert!(ws.documents(None).expect("list").is_empty());
    assert_eq!(
        ws.create_document(&p.id, "Orphan").unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn malformed_editor_json_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(&dir);
    let p = ws
        .create_project(&new_project("P", "email"))
        .expect("project");
    let d = ws.create_document(&p.id, "D").expect("doc");
    let bad = DocumentText {
        body_json: "{not json".into(),
        body_markdown: "text".into(),
    };
    assert_eq!(
        ws.save_document_text(&d.id, &bad).unwrap_err().kind(),
        ErrorKind::InvalidInput
    );
    assert_eq!(ws.document(&d.id).expect("doc").body_markdown, "");
}

#[test]
fn every_change_is_in_a_verifiable_audit_chain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(&dir);
    let p = ws
        .create_project(&new_project("P", "email"))
        .expect("project");
    ws.rename_project(&p.id, "Q").expect("rename");
    let d = ws.create_document(&p.id, "D").expect("doc");
    ws.save_document_text(&d.id, &text("hello")).expect("save");
    ws.rename_document(&d.id, "E").expect("rename doc");
    ws.delete_document(&d.id).expect("delete doc");
    ws.delete_project(&p.id).expect("delete project");

    let actions: Vec<String> = ws
        .audit_log()
        .expect("log")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "project.created",
            "project.renamed",
            "document.created",
            "document.text_saved",
            "document.renamed",
            "document.deleted",
            "project.deleted"
        ]
    );
    assert!(ws
        .audit_log()
        .expect("log")
        .iter()
        .all(|e| e.actor == "test:alice"));
    assert_eq!(ws.verify_audit_log().expect("verify"), None);

    // The log refuses edits through SQL...
    let conn = Connection::open(dir.path().join(DATABASE_FILE)).expect("raw");
    assert!(conn
        .execute("UPDATE audit_log SET actor = 'mallory'", [])
        .is_err());
    assert!(conn.execute("DELETE FROM audit_log", []).is_err());
    // ...and someone who drops the guard is still caught by the chain.
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update;
         UPDATE audit_log SET detail = '{\"name\":\"forged\"}' WHERE seq = 2;",
    )
    .expect("tamper");
    let broken = ws.verify_audit_log().expect("verify").expect("a break");
    assert_eq!(broken.seq, 2);
}

#[test]
fn feedback_events_cannot_be_updated_in_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = open(&dir);
    drop(ws);
    let conn = Connection::open(dir.path().join(DATABASE_FILE)).expect("raw");
    conn.execute(
        "INSERT INTO feedback_events (id, actor, kind, payload, created_at)
         VALUES ('e1', 'test:alice', 'thumb', '{\"up\":true}', '2026-11-22T00:00:00.000Z')",
        [],
    )
    .expect("append");
    let err = conn
        .execute("UPDATE feedback_events SET payload = '{\"up\":false}'", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
}

fn file_bytes(path: &std::path::Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}

#[test]
fn a_database_from_a_newer_draftloop_is_refused_byte_for_byte_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DATABASE_FILE);
    {
        let conn = Connection::open(&path).expect("create");
        conn.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 999;")
            .expect("future schema");
    }
    let before = file_bytes(&path);

    let err = Workspace::open(dir.path(), Actor::new("test:alice")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DatabaseTooNew);
    let message = err.to_string();
    assert!(message.contains("newer Draftloop"), "{message}");
    assert!(message.contains("schema version 999"), "{message}");
    assert!(message.contains("left unchanged"), "{message}");
    assert!(matches!(err, Error::DatabaseTooNew { found: 999, .. }));

    assert_eq!(file_bytes(&path), before);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [DATABASE_FILE], "no -wal or -shm file was created");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DATABASE_FILE);
    let junk = b"these are my notes, not a database".repeat(200);
    std::fs::write(&path, &junk).expect("write");
    let err = Workspace::open(dir.path(), Actor::new("test:alice")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotAWorkspace);
    assert_eq!(file_bytes(&path), junk);
}

#[test]
fn search_finds_documents_by_title_and_text_as_they_change_and_never_deleted_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(&dir);
    let spring = ws
        .create_project(&new_project("Spring", "email"))
        .expect("project");
    let autumn = ws
        .create_project(&new_project("Autumn", "email"))
        .expect("project");
    let launch = ws.create_document(&spring.id, "Launch").expect("doc");
    ws.save_document_text(&launch.id, &text("Our spring sale starts on Monday."))
        .expect("save");
    let boots = ws
        .create_document(&autumn.id, "Boots for the sale")
        .expect("doc");
    ws.save_document_text(&boots.id, &text("Walk in the rain."))
        .expect("save");
    let ids = |hits: Vec<draftloop_core::search::SearchHit>| -> Vec<String> {
        hits.into_iter().map(|h| h.title).collect()
    };

    // The title weighs more than the text; every word must be there; the last is a prefix.
    assert_eq!(
        ids(ws.search_documents("sale", 10).expect("search")),
        ["Boots for the sale", "Launch"]
    );
    assert_eq!(
        ids(ws.search_documents("spring mon", 10).expect("search")),
        ["Launch"]
    );
    assert!(ws
        .search_documents("spring rain", 10)
        .expect("search")
        .is_empty());
    let hit = ws.search_documents("monday", 10).expect("search").remove(0);
    assert_eq!(
        (hit.project.as_str(), hit.document_id.as_str()),
        ("Spring", launch.id.as_str())
    );
    let marked: Vec<&str> = hit
        .snippet
        .iter()
        .filter(|p| p.hit)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(marked, ["Monday"]);
    let whole: String = hit.snippet.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(whole, "Our spring sale starts on Monday.");

    // What a person types is never syntax: quotes, operators and nothing at all.
    for typed in ["\"sale", "sale OR", "NEAR(", "*", "  ", "sale\" AND \"x"] {
        ws.search_documents(typed, 10)
            .unwrap_or_else(|e| panic!("{typed:?}: {e}"));
    }

    // New text and a new title are found, the old ones no longer.
    ws.save_document_text(&launch.id, &text("Our autumn offer ends Friday."))
        .expect("save");
    assert!(ws
        .search_documents("monday", 10)
        .expect("search")
        .is_empty());
    assert_eq!(
        ids(ws.search_documents("fri", 10).expect("search")),
        ["Launch"]
    );
    ws.rename_document(&launch.id, "Offer").expect("rename");
    assert_eq!(
        ids(ws.search_documents("offer", 10).expect("search")),
        ["Offer"]
    );
    assert!(ws
        .search_documents("launch", 10)
        .expect("search")
        .is_empty());

    // Deleted documents, and the documents of a deleted project, are never found.
    ws.delete_document(&launch.id).expect("delete");
    assert!(ws.search_documents("offer", 10).expect("search").is_empty());
    ws.delete_project(&autumn.id).expect("delete");
    assert!(ws.search_documents("boots", 10).expect("search").is_empty());
    ws.purge_document(&launch.id).expect("purge");
    assert!(ws.search_documents("offer", 10).expect("search").is_empty());
}

#[test]
fn an_emails_subject_and_preheader_fill_the_template_travel_with_it_and_reopen_approval() {
    use draftloop_core::document::{DocumentStatus, EmailFields};
    use draftloop_core::feedback::{Feedback, Verdict};
    use draftloop_core::review::publish::PublishFormat;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(&dir);
    let p = ws
        .create_project(&new_project("Spring", "email"))
        .expect("project");
    let d = ws.create_document(&p.id, "Launch").expect("doc");
    ws.save_document_text(&d.id, &text("Our planner ships Monday."))
        .expect("save");
    let fields = |subject: &str, preheader: &str| EmailFields {
        subject: subject.into(),
        preheader: preheader.into(),
    };

    // One line each, and not past what any inbox takes: bad input changes nothing.
    let audit = ws.audit_log().expect("audit").len();
    let e = ws
        .set_email_fields(&d.id, &fields(&"x".repeat(301), ""))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert_eq!(ws.audit_log().expect("audit").len(), audit);
    let doc = ws
        .set_email_fields(&d.id, &fields("  The planner\n is here ", "Ships Monday"))
        .expect("set");
    assert_eq!(doc.email, fields("The planner is here", "Ships Monday"));
    assert_eq!(ws.document(&d.id).expect("doc").email, doc.email);

    // The template takes them as {{subject}} and {{preheader}}, over brief values.
    let version = ws
        .save_prompt(
            &p.id,
            "",
            "Write the email \"{{subject}}\" ({{preheader}}) about {{topic}}.",
        )
        .expect("prompt");
    let mut brief = std::collections::BTreeMap::new();
    brief.insert("topic".to_owned(), "the planner".to_owned());
    brief.insert("subject".to_owned(), "stale".to_owned());
    let doc = ws.set_document_brief(&d.id, &brief).expect("brief");
    let messages = version.messages(&doc.values()).expect("render");
    assert_eq!(
        messages[0].content,
        "Write the email \"The planner is here\" (Ships Monday) about the planner."
    );

    // The Markdown file and the published CSV carry them.
    let file = dir.path().join("out/launch.md");
    ws.export_document(&d.id, &file).expect("export");
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "# Launch\n\n**Subject:** The planner is here  \n**Preheader:** Ships Monday\n\nOur planner ships Monday.\n"
    );
    let approve = Feedback::Decision {
        verdict: Verdict::Approve,
        reason: None,
    };
    ws.record_feedback(&d.id, None, &approve).expect("approve");
    let published = ws
        .publish(&p.id, PublishFormat::Csv, &dir.path().join("pub"))
        .expect("publish");
    let csv = std::fs::read_to_string(&published.files[0]).expect("csv");
    assert_eq!(
        csv,
        "title,subject,preheader,text\nLaunch,The planner is here,Ships Monday,Our planner ships Monday.\n"
    );

    // Approved copy includes its subject: changing it returns the email to draft.
    ws.record_feedback(&d.id, None, &approve)
        .expect("approve again");
    assert_eq!(
        ws.document(&d.id).expect("doc").status,
        DocumentStatus::Approved
    );
    let doc = ws
        .set_email_fields(&d.id, &fields("The planner is here!", "Ships Monday"))
        .expect("set");
    assert_eq!(doc.status, DocumentStatus::Draft);
    let panel = ws.document_feedback(&d.id).expect("feedback");
    assert!(
        panel.decision.is_none(),
        "no decision stands after the change"
    );
}

/// The sidebar reads a page of each project's newest documents and how many each holds,
/// counting only what people can see.
#[test]
fn the_document_list_pages_each_project_and_counts_what_shows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(&dir);
    let a = ws.create_project(&new_project("A", "email")).unwrap();
    let b = ws.create_project(&new_project("B", "blog")).unwrap();
    let mut made = Vec::new();
    for i in 0..7 {
        made.push(ws.create_document(&a.id, &format!("a{i}")).unwrap().id);
    }
    ws.create_document(&b.id, "b0").unwrap();
    ws.delete_document(&made[0]).unwrap();
    ws.import_jsonl(
        std::io::Cursor::new("{\"project\": \"A\", \"prompt\": \"p\", \"draft\": \"d\"}\n"),
        "history.jsonl",
    )
    .unwrap();
    // An import cut off before it finished holds documents nobody sees yet: a1 is made
    // one of those.
    let db = rusqlite::Connection::open(dir.path().join("draftloop.db")).unwrap();
    db.execute_batch(&format!(
        "INSERT INTO imports (id, source, started_at) VALUES ('cut', 'cut.jsonl', '2026-12-02');
         UPDATE documents SET import_id = 'cut' WHERE id = '{}';",
        made[1]
    ))
    .unwrap();
    let list = ws.document_list(3).unwrap();
    let counts: Vec<(String, u32)> = list
        .counts
        .iter()
        .map(|c| (c.project_id.clone(), c.documents))
        .collect();
    // A: seven made, one deleted, one in the cut import, one imported.
    assert_eq!(counts, [(a.id.clone(), 6), (b.id.clone(), 1)]);
    let titles = |docs: &[draftloop_core::DocumentSummary]| -> Vec<String> {
        docs.iter().map(|d| d.title.clone()).collect()
    };
    let first = titles(&list.documents);
    assert_eq!(first.len(), 4, "three of A, one of B: {first:?}");
    assert_eq!(&first[3], "b0");
    let rest = ws.project_documents(&a.id, 3, 10).unwrap();
    assert_eq!(rest.len(), 3);
    let mut all: Vec<String> = first[..3].to_vec();
    all.extend(titles(&rest));
    assert!(!all.contains(&"a0".to_owned()), "the deleted one is gone");
    assert!(
        !all.contains(&"a1".to_owned()),
        "the cut import's is not shown"
    );
    for i in 2..7 {
        assert!(all.contains(&format!("a{i}")), "a{i} in {all:?}");
    }
}
