-- People and devices. Each workspace is a device; a person is a profile (name, role);
-- every audit entry and feedback event names both, so a team's logs can be merged.
-- Events name people and devices by these small numbers (an event row carries two
-- bytes, not two 36-character ids); the ids are what other workspaces know them by.
CREATE TABLE profiles (
    n             INTEGER PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    -- How events name the person (e.g. local:alice), unique.
    handle        TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL
                  CHECK (role IN ('admin', 'senior_reviewer', 'reviewer', 'author', 'viewer')),
    created_at    TEXT NOT NULL
);

CREATE TABLE device (
    only        INTEGER PRIMARY KEY CHECK (only = 1),
    id          TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
INSERT INTO device (only, id, created_at) VALUES (
    1,
    lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)
        || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2)
        || '-' || hex(randomblob(6))),
    strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
);

-- Every device whose events this workspace holds: its own, and others' once merged.
CREATE TABLE devices (
    n   INTEGER PRIMARY KEY,
    id  TEXT NOT NULL UNIQUE
);
INSERT INTO devices (id) SELECT id FROM device;

-- Each device's audit entries form a chain of their own: merging two devices' logs
-- keeps both verifiable. The entries so far are this device's chain, in the order they
-- were written; they keep the hash they were written with (format 1, without device
-- and person), so they still verify.
DROP TRIGGER audit_log_no_update;
ALTER TABLE audit_log ADD COLUMN device_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN device_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN person_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN hash_format INTEGER NOT NULL DEFAULT 1;
UPDATE audit_log SET device_id = (SELECT id FROM device), device_seq = seq;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE UNIQUE INDEX audit_log_chain ON audit_log(device_id, device_seq);

-- Events so far came from this device; who gave them is their actor (person stays
-- empty: they were given before there were profiles).
DROP TRIGGER feedback_events_append_only;
ALTER TABLE feedback_events ADD COLUMN person INTEGER REFERENCES profiles(n);
ALTER TABLE feedback_events ADD COLUMN device INTEGER REFERENCES devices(n);
UPDATE feedback_events SET device = (SELECT n FROM devices WHERE id = (SELECT id FROM device));
CREATE TRIGGER feedback_events_append_only BEFORE UPDATE ON feedback_events
BEGIN
    SELECT RAISE(ABORT, 'feedback events are append-only');
END;
