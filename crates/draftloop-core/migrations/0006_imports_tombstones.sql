-- Imports commit in chunks so saves never wait for a whole import; what an import has
-- written stays out of sight until it finishes (finished_at set), so an import cut off
-- leaves nothing visible, and running it again completes it.
CREATE TABLE imports (
    id           TEXT PRIMARY KEY NOT NULL,
    source       TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    -- Rubrics and tags the import adds to projects it did not create, applied when it
    -- finishes: JSON {project_id: {rubric, tags}}.
    schema       TEXT NOT NULL DEFAULT '{}'
);
ALTER TABLE projects ADD COLUMN import_id TEXT REFERENCES imports(id);
ALTER TABLE documents ADD COLUMN import_id TEXT REFERENCES imports(id);

-- Deleting a document or a project is an event: the row stays (with everything said
-- about it) and is hidden; a purge removes the content for good and is audited.
CREATE TABLE tombstones (
    entity_id    TEXT PRIMARY KEY NOT NULL,
    entity_kind  TEXT NOT NULL,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    device_id    TEXT NOT NULL,
    detail       TEXT NOT NULL
);

-- What people see: not tombstoned, not part of an unfinished import.
-- (store::Hiding writes the checks out for the export's query.)
CREATE VIEW live_projects AS
SELECT p.* FROM projects p
WHERE (p.import_id IS NULL
       OR p.import_id IN (SELECT id FROM imports WHERE finished_at IS NOT NULL))
  AND p.id NOT IN (SELECT entity_id FROM tombstones);

CREATE VIEW live_documents AS
SELECT d.* FROM documents d
WHERE (d.import_id IS NULL
       OR d.import_id IN (SELECT id FROM imports WHERE finished_at IS NOT NULL))
  AND d.id NOT IN (SELECT entity_id FROM tombstones)
  AND d.project_id IN (SELECT id FROM live_projects);
