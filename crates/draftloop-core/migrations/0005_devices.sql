-- Each workspace is a device of its own, and its audit entries form a chain of their
-- own: merging two devices' logs keeps both chains verifiable.
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

-- The entries so far are this device's chain, in the order they were written; they keep
-- the hash they were written with (format 1, without the device), so they still verify.
DROP TRIGGER audit_log_no_update;
ALTER TABLE audit_log ADD COLUMN device_id TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN device_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_log ADD COLUMN hash_format INTEGER NOT NULL DEFAULT 1;
UPDATE audit_log SET device_id = (SELECT id FROM device), device_seq = seq;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE UNIQUE INDEX audit_log_chain ON audit_log(device_id, device_seq);
