-- People: the studio's owner, who keeps the accounts. Until now the owner was simply the
-- account the first start made, which is the oldest one; a studio that already has accounts
-- keeps that one as its owner.

ALTER TABLE accounts ADD COLUMN studio_owner boolean NOT NULL DEFAULT false;
UPDATE accounts SET studio_owner = true
  WHERE id = (SELECT id FROM accounts ORDER BY created_at, id LIMIT 1);
-- One owner at most: the flag is unique among the rows that hold it.
CREATE UNIQUE INDEX accounts_one_studio_owner ON accounts (studio_owner) WHERE studio_owner;
