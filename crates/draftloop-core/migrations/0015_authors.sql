-- Whose drafts a document holds: the person who made it (an imported one: the person
-- who kept its text, else whoever imported it). A writer's own style is learned from
-- their documents, and the prompt carries their block when drafting them.
ALTER TABLE documents ADD COLUMN author TEXT;
UPDATE documents SET author = made.actor
FROM (SELECT entity_id, actor, min(seq) FROM audit_log
      WHERE action = 'document.created' GROUP BY entity_id) AS made
WHERE made.entity_id = documents.id;
-- An imported document's first human revision names who kept its text (imports made
-- before imports were recorded wrote no audit entry per document either).
UPDATE documents SET author = kept.actor
FROM (SELECT document_id, actor, min(created_at) FROM revisions
      WHERE author_kind = 'human' GROUP BY document_id) AS kept
WHERE kept.document_id = documents.id
  AND (documents.import_id IS NOT NULL OR documents.author IS NULL);
-- Else whoever finished the import.
UPDATE documents SET author = done.actor
FROM (SELECT entity_id, actor, min(seq) FROM audit_log
      WHERE action = 'import.completed' GROUP BY entity_id) AS done
WHERE done.entity_id = documents.import_id AND documents.author IS NULL;
-- Else whoever made its project.
UPDATE documents SET author = made.actor
FROM (SELECT entity_id, actor, min(seq) FROM audit_log
      WHERE action = 'project.created' GROUP BY entity_id) AS made
WHERE made.entity_id = documents.project_id AND documents.author IS NULL;

-- Instructions for one author's drafts, added to the system prompt when drafting
-- their documents: JSON {author: text}.
ALTER TABLE prompt_versions ADD COLUMN author_blocks TEXT NOT NULL DEFAULT '{}';
