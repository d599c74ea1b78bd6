-- What each model draft came to, kept for the dashboard: its standing decision, whether
-- the gate or a person made it, whether people changed it and by how much, and what
-- was said about it. Worked out from the feedback log, the revisions and the text by
-- metrics::facts; this table is only a cache of that fold, never a source.
CREATE TABLE draft_facts (
    generation_id      TEXT PRIMARY KEY,
    document_id        TEXT NOT NULL,
    -- The document's, so the figures need not look up 200,000 documents to scope
    -- and hide them (see metrics::facts::Workspace::stored_facts).
    project_id         TEXT NOT NULL,
    import_id          TEXT,
    created_at         TEXT NOT NULL,
    prompt_version_id  TEXT,
    verdict            TEXT,              -- the standing decision, if any
    by_person          INTEGER NOT NULL,  -- that decision is a person's
    auto_approved      INTEGER NOT NULL,  -- approved by the gate, nobody since
    intervened         INTEGER NOT NULL,  -- a person changed or rejected it
    distance           REAL,              -- to the text kept, when it went into a document
    said               TEXT               -- JSON: metrics::facts::Said, NULL when nothing
) WITHOUT ROWID;
CREATE INDEX draft_facts_document ON draft_facts(document_id);

-- What is new since the facts were last worked out. Feedback, revisions and drafts are
-- appended, never changed: the rows past the last rowid seen are the new ones, found by
-- a range scan when the figures are read. (A trigger on every insert cost an import of
-- 215,000 records 80% more time.) A deleted row takes the mark back below it, so a
-- rowid used again is not taken for seen. (VACUUM may renumber rowids: anything that
-- ever vacuums the workspace must set every last_rowid back to 0.)
CREATE TABLE draft_facts_seen (
    source      TEXT PRIMARY KEY,   -- the table
    last_rowid  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO draft_facts_seen VALUES ('feedback_events', 0), ('revisions', 0), ('generations', 0);

CREATE TRIGGER draft_facts_feedback_gone AFTER DELETE ON feedback_events BEGIN
    UPDATE draft_facts_seen SET last_rowid = min(last_rowid, OLD.rowid - 1)
    WHERE source = 'feedback_events';
END;
CREATE TRIGGER draft_facts_revision_gone AFTER DELETE ON revisions BEGIN
    UPDATE draft_facts_seen SET last_rowid = min(last_rowid, OLD.rowid - 1)
    WHERE source = 'revisions';
END;
CREATE TRIGGER draft_facts_generation_gone AFTER DELETE ON generations BEGIN
    UPDATE draft_facts_seen SET last_rowid = min(last_rowid, OLD.rowid - 1)
    WHERE source = 'generations';
    DELETE FROM draft_facts WHERE generation_id = OLD.id;
END;

-- The few changes made in place: a document's text, and a draft's routing (or its
-- end, when it streamed). Each marks its document in the same transaction.
CREATE TABLE draft_facts_stale (
    document_id  TEXT PRIMARY KEY
) WITHOUT ROWID;
CREATE TRIGGER draft_facts_on_text AFTER UPDATE OF body_markdown ON documents
WHEN NEW.body_markdown IS NOT OLD.body_markdown BEGIN
    INSERT OR IGNORE INTO draft_facts_stale (document_id) VALUES (NEW.id);
END;
CREATE TRIGGER draft_facts_on_generation_change AFTER UPDATE ON generations
WHEN NEW.document_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO draft_facts_stale (document_id) VALUES (NEW.document_id);
END;
