import { TOKEN_ENV } from "../studio-client.ts";

export const help = `controlroom push <dir> --server URL [--project ID] [--title T] [--token T] [--json]

Moves the project folder <dir> into the studio at URL.

Without --project, it becomes a new project of yours (you are its producer): project.json
and every file it plays are sent as one zipped folder, and the studio keeps all of it or,
if anything is refused, nothing.

With --project ID, it becomes the next revision of that project: the files it plays that
the studio does not hold yet are uploaded (compared by SHA-256; a name the studio holds
with other bytes is refused, since files never change), then the document replaces the
current one as a new revision. That needs the producer's right to restore revisions.

  --server URL   the studio, e.g. http://127.0.0.1:8080/
  --project ID   push to this project instead of making a new one
  --title T      the new project's title (default: the song's title)
  --token T      a personal access token (default: $${TOKEN_ENV})
  --json         print the result as JSON`;
