-- The floor for the DPO export: sqlite3 reading what the export reads, in the same
-- order, with its output thrown away. The generations an export can take, each
-- document's revisions (who wrote them, in order), the feedback the fold reads, then
-- the texts the rows are made of: kept human revisions and the documents' current text.
.output /dev/null
SELECT g.id, g.document_id, g.group_id, g.messages, g.output, g.created_at
  FROM generations g INDEXED BY generations_exportable
  WHERE g.error IS NULL AND g.incomplete = 0 AND g.output <> '' AND g.document_id IS NOT NULL;
SELECT document_id, author_kind = 'human', generation_id, rowid FROM revisions
  ORDER BY document_id, created_at, rowid;
SELECT document_id, generation_id, id, actor, created_at, payload FROM feedback_events
  WHERE document_id IS NOT NULL AND kind NOT IN ('edit', 'implicit')
  ORDER BY document_id, created_at, rowid;
SELECT body_markdown FROM revisions WHERE author_kind = 'human';
SELECT id, body_markdown FROM documents;
