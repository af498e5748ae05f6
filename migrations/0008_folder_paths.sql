-- Each folder's path of ids from the root, `/<root id>/…/<its id>/`: a folder's ancestors
-- and whether anything lies below it are read from it without walking the tree
-- (issue 5's performance goal). Kept in step by create and move.

ALTER TABLE folders ADD COLUMN path TEXT NOT NULL DEFAULT '';

WITH RECURSIVE walk (id, path) AS (
    SELECT id, '/' || id || '/' FROM folders WHERE parent_id IS NULL
    UNION ALL
    SELECT f.id, w.path || f.id || '/' FROM folders f JOIN walk w ON f.parent_id = w.id
)
UPDATE folders SET path = (SELECT w.path FROM walk w WHERE w.id = folders.id);

CREATE INDEX folders_path ON folders (environment_id, path);
