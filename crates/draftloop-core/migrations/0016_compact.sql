-- Smaller workspaces, nothing lost.
--
-- A model revision's Markdown is nearly always its generation's output, word for word:
-- a second copy of the largest text in a workspace. It is kept once, in the generation;
-- `text_is_output` says the revision's Markdown is read from there (its own column then
-- holds ''). Its editor JSON, when it has one, stays here: it is not the output's.
ALTER TABLE revisions ADD COLUMN text_is_output INTEGER NOT NULL DEFAULT 0;
UPDATE revisions SET text_is_output = 1, body_markdown = ''
WHERE author_kind = 'model'
  AND body_markdown = (SELECT g.output FROM generations g WHERE g.id = revisions.generation_id);

-- Nothing looks feedback up by generation and event id; the foreign key's check on a
-- generation's deletion needs the generation alone.
DROP INDEX feedback_events_generation;
CREATE INDEX feedback_events_generation ON feedback_events(generation_id);

-- Records already imported are looked up by their digest only: the table is its own
-- index rather than a table beside one.
CREATE TABLE imported_records_new (
    digest       TEXT PRIMARY KEY NOT NULL,  -- SHA-256 of the record, keys in order
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    imported_at  TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO imported_records_new (digest, document_id, imported_at)
SELECT digest, document_id, imported_at FROM imported_records;
DROP TABLE imported_records;
ALTER TABLE imported_records_new RENAME TO imported_records;
