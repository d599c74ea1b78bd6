-- Where the review gate sent each routed draft, and the gate's own approval, so the
-- metrics tell what the routing decided from what people decided.
ALTER TABLE generations ADD COLUMN routed TEXT
    CHECK (routed IS NULL OR routed IN ('auto_approved', 'queued'));
ALTER TABLE generations ADD COLUMN gate_decision TEXT;  -- feedback event id

-- Drafts routed before: queued ones have a review item (not an escalation from the
-- editor); approved ones carry the gate's decision, which says so in its reason.
UPDATE generations SET routed = 'queued'
WHERE id IN (SELECT generation_id FROM review_items
             WHERE kind = 'review' AND reason IS NOT 'escalated' AND generation_id IS NOT NULL);
UPDATE generations SET routed = 'auto_approved',
    gate_decision = (SELECT e.id FROM feedback_events e
                     WHERE e.generation_id = generations.id AND e.kind = 'decision'
                       AND json_extract(e.payload, '$.reason') LIKE 'approved by the review gate%'
                     ORDER BY e.created_at, e.id LIMIT 1)
WHERE routed IS NULL AND EXISTS (
    SELECT 1 FROM feedback_events e
    WHERE e.generation_id = generations.id AND e.kind = 'decision'
      AND json_extract(e.payload, '$.reason') LIKE 'approved by the review gate%');
