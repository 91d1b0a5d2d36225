-- Exercise 15: a token can be read-only. 0 (the default, so every token made before stays as it
-- was) may read and write; 1 may only read: GET calls of the API, never a POST.
ALTER TABLE api_tokens ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1));
