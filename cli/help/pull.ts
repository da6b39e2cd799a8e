import { TOKEN_ENV } from "../studio-client.ts";

export const help = `controlroom pull <projectId> <dir> --server URL [--revision N] [--token T] [--json]

Writes a project of the studio at URL into <dir> as a project folder: project.json and
every file it plays, under the names the studio gives them, so render, info and the other
commands work on it. <dir> must not hold a project yet.

  --server URL     the studio, e.g. http://127.0.0.1:8080/
  --revision N     that revision (default: the current one)
  --token T        a personal access token (default: $${TOKEN_ENV})
  --json           print the result as JSON`;
