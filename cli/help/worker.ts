export const help = `controlroom worker [--concurrency N] [--data <dir>] [--name <name>]

Takes render, master and analysis jobs off the studio's queue and runs them, until Ctrl-C
(a running job finishes first). Start as many as you like, on this machine or others: each
job runs once, and a job whose worker dies goes to another after about 15 seconds.

Workers share the studio's database and files: set DATABASE_URL to the same PostgreSQL
server the studio uses, and --data to a folder the studio's files are in (or the same S3
bucket). The embedded database belongs to the one process that opened it; a studio on it
runs its jobs itself (controlroom serve --workers N).

  --concurrency N   jobs run at once (default 1)
  --data <dir>      the data folder with the blob store (default .controlroom)
  --name <name>     this worker's name in each job's runs (default host:pid)`;
