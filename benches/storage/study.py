"""What a workspace would weigh with the rest of the storage plan: ids as 16-byte blobs,
times as integer milliseconds, and (with --without-document-text) the documents'
current text not stored beside the revision that holds it. A study for planning, not
the product's code: it copies the tables that carry the bulk into a new file in that
form (same rows, same indexes) and prints its size and the largest parts.
Usage:
    python3 benches/storage/study.py WORKSPACE/draftloop.db OUT.db [--without-document-text]"""
import datetime
import os
import sqlite3
import sys
import uuid


def as_blob(text):
    return None if text is None else uuid.UUID(text).bytes


def as_ms(text):
    if text is None:
        return None
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    body = "''" if "--without-document-text" in sys.argv[3:] else "body_markdown"
    if os.path.exists(dst):
        os.remove(dst)
    c = sqlite3.connect(dst)
    c.create_function("u", 1, as_blob, deterministic=True)
    c.create_function("t", 1, as_ms, deterministic=True)
    c.execute("ATTACH ? AS s", (src,))
    c.executescript(f"""
CREATE TABLE documents (id BLOB PRIMARY KEY, project_id BLOB NOT NULL, title TEXT NOT NULL,
  brief TEXT NOT NULL, status TEXT NOT NULL, body_json TEXT NOT NULL, body_markdown TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, import_id BLOB, batch_key TEXT,
  subject TEXT NOT NULL, preheader TEXT NOT NULL, author TEXT);
INSERT INTO documents SELECT u(id), u(project_id), title, brief, status, body_json, {body},
  t(created_at), t(updated_at), u(import_id), batch_key, subject, preheader, author
  FROM s.documents ORDER BY rowid;
CREATE INDEX documents_project ON documents(project_id, created_at);
CREATE TABLE generations (id BLOB PRIMARY KEY, document_id BLOB, group_id BLOB NOT NULL,
  provider TEXT, model TEXT, parameters TEXT, prompt_version_id BLOB, messages TEXT, output TEXT,
  logprob_mean REAL, logprob_min REAL, latency_ms INTEGER, prompt_tokens INTEGER,
  completion_tokens INTEGER, incomplete INTEGER, error TEXT, created_at INTEGER, confidence REAL,
  confidence_raw REAL, confidence_reasons TEXT, fallback_of BLOB, routed TEXT, gate_decision TEXT);
INSERT INTO generations SELECT u(id), u(document_id), u(group_id), provider, model, parameters,
  u(prompt_version_id), messages, output, logprob_mean, logprob_min, latency_ms, prompt_tokens,
  completion_tokens, incomplete, error, t(created_at), confidence, confidence_raw,
  confidence_reasons, u(fallback_of), routed, gate_decision FROM s.generations ORDER BY rowid;
CREATE INDEX generations_document ON generations(document_id, created_at);
CREATE INDEX generations_exportable ON generations(document_id, created_at)
  WHERE error IS NULL AND incomplete = 0 AND output <> '';
CREATE TABLE revisions (id BLOB PRIMARY KEY, document_id BLOB NOT NULL, author_kind TEXT,
  actor TEXT, generation_id BLOB, body_json TEXT, body_markdown TEXT, created_at INTEGER,
  text_is_output INTEGER);
INSERT INTO revisions SELECT u(id), u(document_id), author_kind, actor, u(generation_id),
  body_json, body_markdown, t(created_at), text_is_output FROM s.revisions ORDER BY rowid;
CREATE INDEX revisions_document ON revisions(document_id, created_at, author_kind, generation_id);
CREATE TABLE feedback_events (id BLOB PRIMARY KEY, document_id BLOB, generation_id BLOB,
  revision_id BLOB, actor TEXT, kind TEXT, payload TEXT, created_at INTEGER, person INTEGER,
  device INTEGER);
INSERT INTO feedback_events SELECT u(id), u(document_id), u(generation_id), u(revision_id), actor,
  kind, payload, t(created_at), person, device FROM s.feedback_events ORDER BY rowid;
CREATE INDEX feedback_events_document ON feedback_events(document_id, created_at);
CREATE INDEX feedback_events_generation ON feedback_events(generation_id);
CREATE TABLE draft_facts (generation_id BLOB PRIMARY KEY, document_id BLOB, project_id BLOB,
  import_id BLOB, created_at INTEGER, prompt_version_id BLOB, verdict TEXT, by_person INTEGER,
  auto_approved INTEGER, intervened INTEGER, distance REAL, said TEXT) WITHOUT ROWID;
INSERT INTO draft_facts SELECT u(generation_id), u(document_id), u(project_id), u(import_id),
  t(created_at), u(prompt_version_id), verdict, by_person, auto_approved, intervened, distance,
  said FROM s.draft_facts;
CREATE INDEX draft_facts_document ON draft_facts(document_id);
CREATE TABLE imported_records (digest BLOB PRIMARY KEY, document_id BLOB, imported_at INTEGER)
  WITHOUT ROWID;
INSERT INTO imported_records SELECT digest, u(document_id), t(imported_at) FROM s.imported_records;
""")
    c.commit()
    # What is not copied (the search index, the small tables) counts as it is.
    rest = c.execute(
        """SELECT coalesce(sum(pgsize), 0) FROM dbstat('s')
           WHERE name NOT IN (SELECT name FROM main.sqlite_master)
             AND name NOT LIKE 'sqlite_autoindex_%'"""
    ).fetchone()[0]
    copied = os.path.getsize(dst)
    print(f"copied tables {copied / 2**20:.0f} MiB + the rest as it is {rest / 2**20:.0f} MiB "
          f"= {(copied + rest) / 2**20:.0f} MiB")
    for name, size in c.execute(
        "SELECT name, sum(pgsize) FROM dbstat('main') GROUP BY name ORDER BY 2 DESC LIMIT 8"
    ):
        print(f"  {name:40} {size / 2**20:6.1f} MiB")


main()
