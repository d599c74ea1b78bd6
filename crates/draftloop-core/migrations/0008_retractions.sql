-- A person can take back what they said (a thumb, a rating, a comment): a retraction is
-- an event of its own kind naming the event it takes back; nothing is updated or
-- deleted. SQLite cannot change a CHECK constraint in place, so the table is rebuilt
-- with the new kind, keeping every row and its rowid (exports break ties in time by it).
CREATE TABLE feedback_events_new (
    id             TEXT PRIMARY KEY,
    document_id    TEXT REFERENCES documents(id) ON DELETE CASCADE,
    generation_id  TEXT REFERENCES generations(id),
    revision_id    TEXT REFERENCES revisions(id),
    actor          TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('thumb', 'rating', 'tag', 'comment',
                   'preference', 'edit', 'decision', 'implicit', 'retraction')),
    payload        TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    person         INTEGER REFERENCES profiles(n),
    device         INTEGER REFERENCES devices(n)
);
INSERT INTO feedback_events_new
    (rowid, id, document_id, generation_id, revision_id, actor, kind, payload, created_at, person, device)
SELECT rowid, id, document_id, generation_id, revision_id, actor, kind, payload, created_at, person, device
FROM feedback_events ORDER BY rowid;
DROP TABLE feedback_events;
ALTER TABLE feedback_events_new RENAME TO feedback_events;
CREATE INDEX feedback_events_document ON feedback_events(document_id, created_at);
CREATE INDEX feedback_events_generation ON feedback_events(generation_id, id);
CREATE TRIGGER feedback_events_append_only BEFORE UPDATE ON feedback_events
BEGIN
    SELECT RAISE(ABORT, 'feedback events are append-only');
END;
