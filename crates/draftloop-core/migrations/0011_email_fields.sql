-- An email's subject line and preheader (the preview text after it): part of the
-- document, written and approved with its text, offered to the prompt's template as
-- {{subject}} and {{preheader}}.
ALTER TABLE documents ADD COLUMN subject TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN preheader TEXT NOT NULL DEFAULT '';
