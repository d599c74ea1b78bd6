-- The review gate: versioned routing policies, a confidence score on every generation,
-- a review queue with tiers, leases and audit samples, fallbacks linked to what they
-- replace, batch rows that a second run recognises, and providers that refuse logprobs.

-- Never edited in place: a changed policy is a new version. projects.routing holds the
-- latest one, written in the same transaction.
CREATE TABLE routing_versions (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    policy      TEXT NOT NULL,  -- JSON: review::RoutingPolicy
    author      TEXT NOT NULL,
    -- Why it was saved, when Draftloop moved the threshold itself.
    reason      TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX routing_versions_project ON routing_versions(project_id, created_at, id);

-- Nobody could change a policy before: the old default becomes the new one.
UPDATE projects SET routing = '{"threshold":0.85,"auto_approve":true,"audit_sample_rate":0.05}';

-- A prompt version a reviewer approved before batches may use it (when the project's
-- policy asks for that).
CREATE TABLE prompt_approvals (
    prompt_version_id  TEXT PRIMARY KEY REFERENCES prompt_versions(id) ON DELETE CASCADE,
    person_id          TEXT NOT NULL,
    actor              TEXT NOT NULL,
    approved_at        TEXT NOT NULL
);

-- The score, before calibration and after, and why (JSON: [review::Reason]).
ALTER TABLE generations ADD COLUMN confidence REAL;
ALTER TABLE generations ADD COLUMN confidence_raw REAL;
ALTER TABLE generations ADD COLUMN confidence_reasons TEXT;
-- A fallback draft names the rejected generation it replaces.
ALTER TABLE generations ADD COLUMN fallback_of TEXT REFERENCES generations(id);

-- What waits for a person: a draft routed to review, or an auto-approved one drawn for
-- audit. An open item has no resolved_at; a lease holds it for one reviewer.
ALTER TABLE review_items ADD COLUMN kind TEXT NOT NULL DEFAULT 'review'
    CHECK (kind IN ('review', 'audit'));
ALTER TABLE review_items ADD COLUMN reasons TEXT NOT NULL DEFAULT '[]';  -- JSON: [text]
ALTER TABLE review_items ADD COLUMN due_at TEXT;
ALTER TABLE review_items ADD COLUMN note TEXT;           -- the escalation's note
ALTER TABLE review_items ADD COLUMN lease_holder TEXT;   -- profile id
ALTER TABLE review_items ADD COLUMN lease_until TEXT;
ALTER TABLE review_items ADD COLUMN opened_at TEXT;      -- when the holder opened it
ALTER TABLE review_items ADD COLUMN time_spent_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE review_items ADD COLUMN resolved_by TEXT;    -- profile id
-- approved (unchanged), edited (approved after changes), rejected
ALTER TABLE review_items ADD COLUMN outcome TEXT
    CHECK (outcome IS NULL OR outcome IN ('approved', 'edited', 'rejected'));
ALTER TABLE review_items ADD COLUMN overdue_told INTEGER NOT NULL DEFAULT 0;
CREATE INDEX review_items_open ON review_items(document_id) WHERE resolved_at IS NULL;

-- A batch row's document: the same row in a second run finds it again.
ALTER TABLE documents ADD COLUMN batch_key TEXT;
CREATE UNIQUE INDEX documents_batch_key ON documents(project_id, batch_key)
    WHERE batch_key IS NOT NULL;

-- Set when a provider answered that it does not give logprobs: it is asked without.
ALTER TABLE providers ADD COLUMN refuses_logprobs INTEGER NOT NULL DEFAULT 0;
