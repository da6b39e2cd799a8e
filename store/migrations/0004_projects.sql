-- A project can be archived: it leaves its members' default list and takes no new revision,
-- and stays readable; unarchiving clears the mark. Nothing about it is deleted.
ALTER TABLE projects ADD COLUMN archived_at timestamptz;
