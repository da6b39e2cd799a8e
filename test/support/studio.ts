import { type ChildProcess, spawn } from "node:child_process";
import { CLI } from "./cli.ts";

/** `controlroom serve` in a child process, as a person starts it. */
export interface ServedStudio {
  child: ChildProcess;
  url: string;
  output(): string;
}

const running: ChildProcess[] = [];

/** Starts `controlroom serve` on a free port and waits for the line with its URL. */
export function serve(
  data: string,
  env: NodeJS.ProcessEnv = { DATABASE_URL: "" },
): Promise<ServedStudio> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", "--data", data], {
    env: { ...process.env, ...env },
  });
  running.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const url = /running at (http:\/\/\S+\/)/.exec(output)?.[1];
      // The owner's lines follow the URL in the same write on a first start.
      if (url) setTimeout(() => resolve({ child, url, output: () => output }), 200);
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
}

/** Stops it as Ctrl-C would, and returns its exit code. */
export function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

/** Kills whatever is still running; for afterAll. */
export function killAll(): void {
  for (const child of running) child.kill("SIGKILL");
}

/** The owner's one-time password from a first start's output. */
export function ownerPassword(output: string): string {
  const password = / with the password (\S+)\n/.exec(output)?.[1];
  if (!password) throw new Error(`no owner's password in: ${output}`);
  return password;
}

/** Signs in through the API: the cookie and the CSRF token later requests carry. */
export async function signIn(url: string, email: string, password: string) {
  const response = await fetch(`${url}api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200)
    throw new Error(`sign-in: ${response.status} ${await response.text()}`);
  const cookie = String(response.headers.get("set-cookie")).split(";")[0];
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}
