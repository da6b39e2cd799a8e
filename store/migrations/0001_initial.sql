-- Control Room's first schema. The same file runs on PGlite and on a PostgreSQL server.
-- Concurrency is enforced here, by keys and constraints, not by the code that calls it.

CREATE TABLE accounts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL CHECK (email = lower(email) AND position('@' IN email) > 1),
  display_name text NOT NULL CHECK (length(display_name) > 0),
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT accounts_email_key UNIQUE (email)
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_account_idx ON sessions (account_id);

CREATE TABLE projects (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title text NOT NULL,
  owner_id uuid NOT NULL REFERENCES accounts (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  current_revision integer NOT NULL CHECK (current_revision >= 1)
);

CREATE TABLE project_members (
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('producer', 'engineer', 'musician', 'artist', 'viewer')),
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, account_id)
);
CREATE INDEX project_members_account_idx ON project_members (account_id);

CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  email text NOT NULL CHECK (email = lower(email)),
  role text NOT NULL CHECK (role IN ('producer', 'engineer', 'musician', 'artist', 'viewer')),
  token_hash text NOT NULL UNIQUE,
  invited_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES accounts (id) ON DELETE SET NULL
);
CREATE INDEX invitations_project_idx ON invitations (project_id);

-- Every save is a row; none is ever updated or deleted. (project_id, number) is the key, so
-- two saves on the same base cannot both become the next revision.
CREATE TABLE revisions (
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  number integer NOT NULL CHECK (number >= 1),
  parent_number integer CHECK (parent_number >= 1 AND parent_number < number),
  author_id uuid NOT NULL REFERENCES accounts (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  document jsonb NOT NULL,
  operations jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(operations) = 'array'),
  restored_from integer CHECK (restored_from < number),
  PRIMARY KEY (project_id, number),
  CHECK ((number = 1) = (parent_number IS NULL)),
  FOREIGN KEY (project_id, parent_number) REFERENCES revisions (project_id, number),
  FOREIGN KEY (project_id, restored_from) REFERENCES revisions (project_id, number)
);

-- A project's current revision always exists. Deferred: a project and its first revision
-- are inserted in one transaction, the project first.
ALTER TABLE projects
  ADD CONSTRAINT projects_current_revision_fkey FOREIGN KEY (id, current_revision)
  REFERENCES revisions (project_id, number) DEFERRABLE INITIALLY DEFERRED;

-- Content-addressed files. A row is written only after its file is in the blob store.
CREATE TABLE blobs (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size bigint NOT NULL CHECK (size >= 0),
  media_type text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE project_files (
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) > 0),
  sha256 text NOT NULL REFERENCES blobs (sha256),
  added_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, name)
);
CREATE INDEX project_files_sha256_idx ON project_files (sha256);

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  account_id uuid REFERENCES accounts (id) ON DELETE SET NULL,
  project_id uuid REFERENCES projects (id) ON DELETE SET NULL,
  action text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_project_idx ON audit_log (project_id, at);
