-- Render, master and analysis jobs. The queue itself is pg-boss's (schema pgboss, created by
-- pg-boss on start); these tables are what the studio shows: which project a job belongs to,
-- who asked for it, its progress and its result, and every attempt a worker made at it.

CREATE TABLE jobs (
  id uuid PRIMARY KEY,
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('render', 'master', 'analysis')),
  request jsonb NOT NULL,
  requested_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  state text NOT NULL DEFAULT 'queued'
    CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  progress real NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  stage text NOT NULL DEFAULT '',
  result jsonb,
  error text,
  finished_at timestamptz,
  CHECK ((state IN ('done', 'failed', 'cancelled')) = (finished_at IS NOT NULL))
);
CREATE INDEX jobs_project_idx ON jobs (project_id, created_at);

-- One row per attempt: a worker that dies mid-job leaves its attempt unfinished, and the
-- queue gives the job to another worker as the next attempt.
CREATE TABLE job_runs (
  job_id uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  attempt integer NOT NULL CHECK (attempt >= 1),
  worker text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  outcome text CHECK (outcome IN ('done', 'failed', 'cancelled')),
  PRIMARY KEY (job_id, attempt)
);
