-- Exports read feedback by generation; imports remember what they already brought in,
-- so importing the same file twice adds nothing.
CREATE INDEX feedback_events_generation ON feedback_events(generation_id, id);

CREATE TABLE imported_records (
    digest       TEXT PRIMARY KEY,  -- SHA-256 of the record, keys in order
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    imported_at  TEXT NOT NULL
);
