-- The production office: people and teams, studios and rooms, bookings and their reports,
-- the budget, decisions and tasks. Studios, rooms and people are the server's, shared by
-- every project, so a room or a person is never in two places at once across projects.

-- A person: a member with an account, or a contact without one (a hired player).
CREATE TABLE people (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email text,
  phone text,
  account_id uuid UNIQUE REFERENCES accounts (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Who is on a project's team, in which roles, at which rates (jsonb: [{kind, amountMinor,
-- currency}]), for how many songs a per-song fee is paid, and who agreed the terms when.
CREATE TABLE team_members (
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  roles text[] NOT NULL CHECK (cardinality(roles) >= 1),
  rates jsonb NOT NULL DEFAULT '[]',
  songs integer NOT NULL DEFAULT 1 CHECK (songs BETWEEN 0 AND 500),
  agreed_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  agreed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, person_id)
);
CREATE INDEX team_members_person_idx ON team_members (person_id);

CREATE TABLE studios (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  address text NOT NULL DEFAULT '',
  time_zone text NOT NULL,
  notes text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rooms (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  studio_id uuid NOT NULL REFERENCES studios (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  rates jsonb NOT NULL DEFAULT '[]',
  equipment jsonb NOT NULL DEFAULT '[]',
  notes text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rooms_studio_idx ON rooms (studio_id);

-- A booking of a room and people, as instants with the zone its times were given in. A
-- booking is checked for double bookings with its room's and people's rows locked, so two
-- bookings of the same room or person at once are served one after the other.
CREATE TABLE bookings (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  room_id uuid REFERENCES rooms (id) ON DELETE RESTRICT,
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  time_zone text NOT NULL,
  status text NOT NULL CHECK (status IN ('hold', 'confirmed', 'cancelled')),
  purpose text NOT NULL CHECK (purpose IN ('tracking', 'overdubs', 'mixing', 'mastering')),
  title text NOT NULL DEFAULT '',
  created_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  confirmed_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  confirmed_at timestamptz,
  CHECK (ends_at > starts_at)
);
CREATE INDEX bookings_room_idx ON bookings (room_id, starts_at) WHERE status <> 'cancelled';
CREATE INDEX bookings_project_idx ON bookings (project_id, starts_at);

CREATE TABLE booking_people (
  booking_id uuid NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,
  person_id uuid NOT NULL REFERENCES people (id) ON DELETE RESTRICT,
  -- Copies of the booking's, so a person's overlapping bookings are found from one index.
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  live boolean NOT NULL,
  PRIMARY KEY (booking_id, person_id)
);
CREATE INDEX booking_people_person_idx ON booking_people (person_id, starts_at) WHERE live;

-- What a session used: minutes, the takes (project file names), notes.
CREATE TABLE session_reports (
  booking_id uuid PRIMARY KEY REFERENCES bookings (id) ON DELETE CASCADE,
  minutes_used integer NOT NULL CHECK (minutes_used >= 0),
  takes jsonb NOT NULL DEFAULT '[]',
  notes text NOT NULL DEFAULT '',
  reported_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  reported_at timestamptz NOT NULL DEFAULT now()
);

-- Budget lines the producer writes (planned lines and expenses); lines from bookings and
-- fees are derived, never stored. Money is integer minor units with an ISO 4217 code.
CREATE TABLE budget_lines (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('planned', 'expense')),
  category text NOT NULL CHECK (length(category) BETWEEN 1 AND 100),
  description text NOT NULL,
  supplier text,
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  estimate_minor bigint NOT NULL DEFAULT 0 CHECK (estimate_minor BETWEEN 0 AND 100000000000),
  actual_minor bigint NOT NULL DEFAULT 0 CHECK (actual_minor BETWEEN 0 AND 100000000000),
  recoupable boolean NOT NULL DEFAULT false,
  status text NOT NULL CHECK (status IN ('proposed', 'approved', 'paid')),
  proposed_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  proposed_at timestamptz NOT NULL DEFAULT now(),
  approved_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  approved_at timestamptz,
  paid_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  paid_at timestamptz,
  receipt text,
  conversion_rate text,
  conversion_currency text,
  CHECK ((conversion_rate IS NULL) = (conversion_currency IS NULL))
);
CREATE INDEX budget_lines_project_idx ON budget_lines (project_id);

CREATE TABLE decisions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  what text NOT NULL,
  why text NOT NULL,
  decided_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  decided_at timestamptz NOT NULL DEFAULT now(),
  supersedes uuid REFERENCES decisions (id),
  links jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX decisions_project_idx ON decisions (project_id, decided_at);

CREATE TABLE tasks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  title text NOT NULL,
  assignee_id uuid NOT NULL REFERENCES people (id) ON DELETE RESTRICT,
  status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'in-progress', 'done', 'cancelled')),
  due_date date,
  notes text NOT NULL DEFAULT '',
  decision_id uuid REFERENCES decisions (id) ON DELETE SET NULL,
  created_by uuid REFERENCES accounts (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_project_idx ON tasks (project_id);
CREATE INDEX tasks_assignee_idx ON tasks (assignee_id);

-- Who does what on a track, a session or a task: "who plays bass on song 2" has one answer.
CREATE TABLE assignments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  target_kind text NOT NULL CHECK (target_kind IN ('track', 'booking', 'task')),
  target_id text NOT NULL,
  part text NOT NULL CHECK (length(part) BETWEEN 1 AND 100),
  UNIQUE (project_id, target_kind, target_id, part)
);
