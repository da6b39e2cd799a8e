import { ControlRoomError } from "../music/errors.ts";
import { EXIT, exitCodeFor } from "./exit-codes.ts";
import type { Progress } from "./progress.ts";

/**
 * The CLI's side of the studio's HTTP API, for `push` and `pull`: every request carries a
 * personal access token (`Authorization: Bearer`, made in the studio under
 * /api/account/tokens), so no session or CSRF token is involved. The server's refusals come
 * back as ControlRoomErrors with its code and sentence, prefixed with what was asked.
 */

export const TOKEN_ENV = "CONTROLROOM_TOKEN";

export interface StudioFlags {
  server?: string;
  token?: string;
}

export class StudioClient {
  readonly server: URL;
  readonly #token: string;

  constructor(server: URL, token: string) {
    this.server = server;
    this.#token = token;
  }

  /** From `--server` and `--token` (or CONTROLROOM_TOKEN); E_USAGE when either is missing or wrong. */
  static fromFlags(command: string, flags: StudioFlags, env = process.env): StudioClient {
    if (flags.server === undefined) {
      throw new ControlRoomError(
        "E_USAGE",
        `${command}: missing --server URL, the studio's address (http://host:port/)`,
        "--server",
      );
    }
    let server: URL;
    try {
      server = new URL(flags.server.endsWith("/") ? flags.server : `${flags.server}/`);
    } catch {
      server = new URL("invalid:");
    }
    if (server.protocol !== "http:" && server.protocol !== "https:") {
      throw new ControlRoomError(
        "E_USAGE",
        `${command}: --server "${flags.server}" is not an http:// or https:// address`,
        "--server",
      );
    }
    const token = flags.token ?? env[TOKEN_ENV];
    if (token === undefined || token.trim() === "") {
      throw new ControlRoomError(
        "E_USAGE",
        `${command}: missing the access token: pass --token or set ${TOKEN_ENV} (make one in the studio: POST /api/account/tokens)`,
        "--token",
      );
    }
    return new StudioClient(server, token.trim());
  }

  /** A JSON request; answers the parsed body of a 2xx. */
  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#send(path, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as T;
  }

  /** Sends bytes (a file's, streamed) as the body; answers the parsed JSON of a 2xx. */
  async upload<T>(
    method: string,
    path: string,
    content: AsyncIterable<Uint8Array>,
    options: { size: number; contentType: string; headers?: Record<string, string> },
    progress?: Progress,
  ): Promise<T> {
    let sent = 0;
    const counted = ReadableStream.from(
      (async function* () {
        for await (const chunk of content) {
          sent += chunk.byteLength;
          progress?.update(sent, options.size);
          yield chunk;
        }
      })(),
    );
    const response = await this.#send(path, {
      method,
      headers: { "content-type": options.contentType, ...options.headers },
      body: counted,
      duplex: "half",
    } as RequestInit);
    return (await response.json()) as T;
  }

  /** Downloads a body whole, reporting progress against its length. */
  async download(
    path: string,
    progress?: Progress,
  ): Promise<{ bytes: Uint8Array; headers: Headers }> {
    const response = await this.#send(path, { method: "GET" });
    const total = Number(response.headers.get("content-length")) || 0;
    const chunks: Uint8Array[] = [];
    let received = 0;
    if (response.body) {
      for await (const chunk of response.body) {
        chunks.push(chunk);
        received += chunk.byteLength;
        progress?.update(received, Math.max(total, received));
      }
    }
    return { bytes: Buffer.concat(chunks), headers: response.headers };
  }

  async #send(path: string, init: RequestInit): Promise<Response> {
    const url = new URL(path.replace(/^\//, ""), this.server);
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          authorization: `Bearer ${this.#token}`,
        },
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ControlRoomError(
        "E_STUDIO_UNREACHABLE",
        `cannot reach the studio at ${this.server.origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
        "--server",
      );
    }
    if (response.ok) return response;
    throw await refusal(init.method ?? "GET", url, response);
  }
}

/** The server's error, as a ControlRoomError the CLI prints and exits on. */
async function refusal(method: string, url: URL, response: Response): Promise<ControlRoomError> {
  const text = await response.text().catch(() => "");
  let error: { code?: string; message?: string; subject?: string } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error;
  } catch {
    error = undefined;
  }
  const asked = `${method} ${url.pathname}`;
  if (error?.code === undefined || error.message === undefined) {
    return new ControlRoomError(
      "E_STUDIO_RESPONSE",
      `${asked}: the studio answered ${response.status} ${response.statusText}: ${text.slice(0, 200)}`,
      asked,
    );
  }
  const refused = new ControlRoomError(error.code, `${asked}: ${error.message}`, error.subject);
  // Codes the CLI has no exit code of its own for (no right, not found, a conflict) are the
  // studio's refusal of what was asked: a usage error, not a bug of ours.
  if (exitCodeFor(refused) !== EXIT.internal) return refused;
  return new ControlRoomError(
    "E_STUDIO_REFUSED",
    `${asked}: ${error.code} (${response.status}): ${error.message}`,
    error.subject ?? asked,
  );
}
