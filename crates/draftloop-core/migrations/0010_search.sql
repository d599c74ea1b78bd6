-- Search across every document's title and text: an FTS5 index over the documents
-- table itself (external content, so the text is stored once), kept in step by
-- triggers on every write path: saves, renames, imports, batches and purges alike.
CREATE VIRTUAL TABLE documents_search USING fts5(
    title, body_markdown,
    content = 'documents', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER documents_search_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_search(rowid, title, body_markdown)
    VALUES (new.rowid, new.title, new.body_markdown);
END;

CREATE TRIGGER documents_search_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_search(documents_search, rowid, title, body_markdown)
    VALUES ('delete', old.rowid, old.title, old.body_markdown);
END;

CREATE TRIGGER documents_search_update AFTER UPDATE OF title, body_markdown ON documents
WHEN old.title IS NOT new.title OR old.body_markdown IS NOT new.body_markdown BEGIN
    INSERT INTO documents_search(documents_search, rowid, title, body_markdown)
    VALUES ('delete', old.rowid, old.title, old.body_markdown);
    INSERT INTO documents_search(rowid, title, body_markdown)
    VALUES (new.rowid, new.title, new.body_markdown);
END;

INSERT INTO documents_search(documents_search) VALUES ('rebuild');
