-- The workspace: the whole domain of PRODUCT.md, so later capabilities add columns
-- and tables, not rewrites. Times are RFC 3339 UTC text; ids are UUIDv7 text.

CREATE TABLE projects (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    content_type  TEXT NOT NULL,
    rubric        TEXT NOT NULL,  -- JSON: [{name, description, min, max}]
    tags          TEXT NOT NULL,  -- JSON: [tag]
    routing       TEXT NOT NULL,  -- JSON: {threshold, auto_approve, audit_sample_rate}
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- Never edited in place: a changed prompt is a new version with a parent.
CREATE TABLE prompt_versions (
    id             TEXT PRIMARY KEY,
    project_id     TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    parent_id      TEXT REFERENCES prompt_versions(id),
    system_prompt  TEXT NOT NULL,
    user_template  TEXT NOT NULL,
    origin         TEXT NOT NULL CHECK (origin IN ('hand', 'suggestion')),
    suggestion_id  TEXT,
    author         TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX prompt_versions_project ON prompt_versions(project_id, created_at);

CREATE TABLE documents (
    id             TEXT PRIMARY KEY,
    project_id     TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    title          TEXT NOT NULL,
    brief          TEXT NOT NULL DEFAULT '{}',  -- JSON: {variable: value}
    status         TEXT NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft', 'in_review', 'approved', 'rejected', 'published')),
    body_json      TEXT NOT NULL DEFAULT '',    -- editor (ProseMirror) JSON
    body_markdown  TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX documents_project ON documents(project_id, created_at);

-- One model call. Variants of one request share group_id.
CREATE TABLE generations (
    id                 TEXT PRIMARY KEY,
    document_id        TEXT REFERENCES documents(id) ON DELETE CASCADE,
    group_id           TEXT NOT NULL,
    provider           TEXT NOT NULL,
    model              TEXT NOT NULL,
    parameters         TEXT NOT NULL,  -- JSON
    prompt_version_id  TEXT REFERENCES prompt_versions(id),
    messages           TEXT NOT NULL,  -- JSON: the exact messages sent
    output             TEXT NOT NULL,
    logprob_mean       REAL,
    logprob_min        REAL,
    latency_ms         INTEGER,
    prompt_tokens      INTEGER,
    completion_tokens  INTEGER,
    incomplete         INTEGER NOT NULL DEFAULT 0,
    error              TEXT,
    created_at         TEXT NOT NULL
);
CREATE INDEX generations_document ON generations(document_id, created_at);

-- A snapshot of a document's text, by a person or by the model.
CREATE TABLE revisions (
    id             TEXT PRIMARY KEY,
    document_id    TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    author_kind    TEXT NOT NULL CHECK (author_kind IN ('human', 'model')),
    actor          TEXT NOT NULL,
    generation_id  TEXT REFERENCES generations(id),
    body_json      TEXT NOT NULL,
    body_markdown  TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX revisions_document ON revisions(document_id, created_at);

-- Append-only: a correction is a new event. kind is one of thumb, rating, tag,
-- comment, preference, edit, decision, implicit; payload holds the kind's fields.
CREATE TABLE feedback_events (
    id             TEXT PRIMARY KEY,
    document_id    TEXT REFERENCES documents(id) ON DELETE CASCADE,
    generation_id  TEXT REFERENCES generations(id),
    revision_id    TEXT REFERENCES revisions(id),
    actor          TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('thumb', 'rating', 'tag', 'comment',
                   'preference', 'edit', 'decision', 'implicit')),
    payload        TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
CREATE INDEX feedback_events_document ON feedback_events(document_id, created_at);
CREATE TRIGGER feedback_events_append_only BEFORE UPDATE ON feedback_events
BEGIN
    SELECT RAISE(ABORT, 'feedback events are append-only');
END;

CREATE TABLE review_items (
    id             TEXT PRIMARY KEY,
    document_id    TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    generation_id  TEXT REFERENCES generations(id),
    confidence     REAL,
    reason         TEXT NOT NULL,
    priority       INTEGER NOT NULL DEFAULT 0,
    tier           INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    resolved_at    TEXT
);

CREATE TABLE suggestions (
    id                 TEXT PRIMARY KEY,
    project_id         TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    kind               TEXT NOT NULL,
    instruction        TEXT NOT NULL,
    support            INTEGER NOT NULL,
    examples           TEXT NOT NULL,  -- JSON: [{before, after}]
    scope              TEXT NOT NULL,  -- JSON: {content_type?}
    status             TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'rejected')),
    prompt_version_id  TEXT REFERENCES prompt_versions(id),
    created_at         TEXT NOT NULL
);

-- Every state change, hash-chained: each entry's hash covers the previous hash, so an
-- edited or deleted entry breaks the chain.
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    entity_kind  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    detail       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
