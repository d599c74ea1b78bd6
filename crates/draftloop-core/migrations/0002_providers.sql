-- LLM providers. The API key lives in the OS keychain; key_account only says where.
CREATE TABLE providers (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE COLLATE NOCASE,
    kind           TEXT NOT NULL CHECK (kind IN ('openai', 'anthropic', 'openai-compatible')),
    base_url       TEXT NOT NULL,
    default_model  TEXT NOT NULL,
    key_account    TEXT,
    created_at     TEXT NOT NULL
);
