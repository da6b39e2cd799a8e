-- Files are facts. What an uploaded audio file holds is stored with its blob (the same bytes
-- always hold the same audio), so a save can be checked against it without decoding; and
-- every file name a revision refers to is recorded, so a file in use is never deleted.

CREATE TABLE blob_audio (
  sha256 text PRIMARY KEY REFERENCES blobs (sha256),
  codec text NOT NULL,
  sample_rate integer NOT NULL CHECK (sample_rate > 0),
  channels integer NOT NULL CHECK (channels > 0),
  frames bigint NOT NULL CHECK (frames >= 0)
);

-- Every file name any revision of a project refers to, with the first revision that did.
-- Filled by a trigger on revisions, so saves, restores, new and imported projects all count
-- without each remembering to; revisions are never updated or deleted, so neither are these.
CREATE TABLE file_references (
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name text NOT NULL,
  first_revision integer NOT NULL,
  PRIMARY KEY (project_id, name)
);

-- The files a document plays: its sources' audio, and the soundfonts its instruments load.
CREATE FUNCTION document_file_names(document jsonb) RETURNS SETOF text
LANGUAGE sql IMMUTABLE AS $$
  SELECT source ->> 'file'
    FROM jsonb_array_elements(COALESCE(document -> 'sources', '[]'::jsonb)) AS source
   WHERE source ->> 'file' IS NOT NULL
  UNION
  SELECT track -> 'instrument' ->> 'soundfont'
    FROM jsonb_array_elements(COALESCE(document -> 'tracks', '[]'::jsonb)) AS track
   WHERE track -> 'instrument' ->> 'soundfont' IS NOT NULL
     AND track -> 'instrument' ->> 'soundfont' <> 'default'
$$;

CREATE FUNCTION record_file_references() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO file_references (project_id, name, first_revision)
  SELECT NEW.project_id, name, NEW.number FROM document_file_names(NEW.document) AS name
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER revisions_file_references AFTER INSERT ON revisions
  FOR EACH ROW EXECUTE FUNCTION record_file_references();

INSERT INTO file_references (project_id, name, first_revision)
SELECT r.project_id, f.name, min(r.number)
  FROM revisions AS r, document_file_names(r.document) AS f(name)
 GROUP BY r.project_id, f.name;
