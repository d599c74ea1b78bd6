-- The generations an export can take, in document order: the export and its count walk
-- this index and never read the rows it leaves out (their output, error and
-- incomplete flag lie past the long message text, on overflow pages).
CREATE INDEX generations_exportable ON generations(document_id, created_at)
    WHERE error IS NULL AND incomplete = 0 AND output <> '';
