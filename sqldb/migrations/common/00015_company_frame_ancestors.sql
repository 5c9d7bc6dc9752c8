-- +goose Up
-- The origins allowed to embed the company's booking pages in an <iframe>
-- (CSP frame-ancestors), space-separated; '' means only meetd's own origin.
ALTER TABLE companies ADD COLUMN frame_ancestors TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE companies DROP COLUMN frame_ancestors;
