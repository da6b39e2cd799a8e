import type { WebSocket } from "@fastify/websocket";
import type { FastifyRequest } from "fastify";
import type { AccessEvent, ProjectEvent, StudioEvent } from "../store/events.ts";
import type { Store } from "../store/store.ts";
import type { AuthContext, Credential } from "./auth.ts";
import { statusFor } from "./http-errors.ts";

/**
 * The change feed: who is listening to which project, and what to tell them. A save is
 * published once it is committed; every connection to that project's feed gets it at once.
 * A feed relayed through the store hears what every server process and job worker on the
 * same database publishes; a plain one only what this process publishes.
 *
 * A listener may say whose it is: when that person's access ends (they are removed from the
 * project, sign out, change their password elsewhere, are disabled, or the token they
 * connected with is revoked), the feed calls its `ended` on every process.
 */
export type FeedMessage = ProjectEvent;

/** Close codes the feed ends a connection with (4000 + the HTTP status of the same refusal). */
export const FEED_CLOSE = {
  /** The session or token the feed was opened with ended: sign in again. */
  signedOut: 4401,
  /** The page that opened the feed is on an origin the studio does not serve. */
  originRefused: 4403,
  /** The project is not (or no longer) yours to follow: you are not a member. */
  notAMember: 4404,
} as const;

export interface FeedListenerOwner {
  accountId: string;
  /** The session's token hash, or `token:<id>` for an access token. */
  credential: string;
  /** Called once when this listener's access ends, with why. */
  ended(event: AccessEvent): void;
}

interface Listener {
  send: (message: FeedMessage) => void;
  owner?: FeedListenerOwner;
}

export class ChangeFeed {
  readonly #listeners = new Map<string, Set<Listener>>();
  #relay: { store: Store; stop: () => Promise<void> } | undefined;

  /** A feed whose messages go through the database, so every process's feed hears them. */
  static async relayedThrough(store: Store): Promise<ChangeFeed> {
    const feed = new ChangeFeed();
    const stopEvents = await store.onEvents((event) => feed.#deliver(event));
    const stopAccess = await store.onAccessEvents((event) => feed.#end(event));
    feed.#relay = {
      store,
      stop: async () => {
        await stopEvents();
        await stopAccess();
      },
    };
    return feed;
  }

  subscribe(
    projectId: string,
    listener: (message: FeedMessage) => void,
    owner?: FeedListenerOwner,
  ): () => void {
    let set = this.#listeners.get(projectId);
    if (!set) {
      set = new Set();
      this.#listeners.set(projectId, set);
    }
    const entry: Listener = { send: listener, owner };
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0) this.#listeners.delete(projectId);
    };
  }

  /** Tells the project's listeners; through the database when relayed, and never throws. */
  publish(message: StudioEvent): void {
    if (this.#relay) this.#relay.store.publishEvent(message).catch(() => {});
    else if (message.type === "access") this.#end(message);
    else this.#deliver(message);
  }

  listeners(projectId: string): number {
    return this.#listeners.get(projectId)?.size ?? 0;
  }

  async close(): Promise<void> {
    await this.#relay?.stop();
  }

  #deliver(message: FeedMessage): void {
    for (const listener of this.#listeners.get(message.projectId) ?? []) listener.send(message);
  }

  #end(event: AccessEvent): void {
    const projects =
      event.projectId === undefined
        ? [...this.#listeners.values()]
        : [this.#listeners.get(event.projectId) ?? new Set<Listener>()];
    for (const set of projects) {
      for (const listener of [...set]) {
        const owner = listener.owner;
        if (
          owner === undefined ||
          owner.accountId !== event.accountId ||
          (event.ended !== undefined && owner.credential !== event.ended) ||
          (event.kept !== undefined && owner.credential === event.kept)
        ) {
          continue;
        }
        set.delete(listener);
        owner.ended(event);
      }
    }
  }
}

/** How a credential is named in access events. */
export function credentialName(credential: Credential): string {
  return credential.kind === "session" ? credential.tokenHash : `token:${credential.tokenId}`;
}

/**
 * Whether a browser page on `origin` may open the feed: the same host the request was made
 * to (as a proxy trusted with `trustProxy` forwards it), or one of `allowed`. A request
 * without an Origin header is no browser's (browsers always send one on a WebSocket), and
 * what a non-browser client sends is its own business: it carries its own credentials.
 */
export function originAllowed(
  origin: string | undefined,
  requestHost: string,
  allowed: readonly string[] = [],
): boolean {
  if (origin === undefined) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (allowed.some((entry) => entry.replace(/\/+$/, "").toLowerCase() === url.origin)) {
    return true;
  }
  return url.host.toLowerCase() === requestHost.toLowerCase();
}

/**
 * Serves one WebSocket connection to a project's feed, once the route's access check ran:
 * refuses it (closing with a code) when the check failed or the page's origin is foreign,
 * else subscribes it, and closes it when the caller's access ends.
 */
export function serveFeed(
  socket: WebSocket,
  request: FastifyRequest,
  context: AuthContext,
  projectId: string,
): void {
  const refused = request.accessRefused;
  if (refused) {
    // 4000 + the HTTP status, as WebSocket close codes for application errors go.
    socket.close(4000 + statusFor(refused), refused.message.slice(0, 120));
    return;
  }
  const origin = request.headers.origin;
  if (!originAllowed(origin, request.host, context.allowedOrigins)) {
    socket.close(
      FEED_CLOSE.originRefused,
      `pages on ${String(origin).slice(0, 80)} may not follow this feed`,
    );
    return;
  }
  const signedIn = request.signedIn;
  const unsubscribe =
    context.feed?.subscribe(
      projectId,
      (message) => socket.send(JSON.stringify(message)),
      signedIn === null
        ? undefined
        : {
            accountId: signedIn.account.id,
            credential: credentialName(signedIn.credential),
            ended: (event) =>
              event.reason === "member-removed"
                ? socket.close(FEED_CLOSE.notAMember, "you are no longer on this project")
                : socket.close(FEED_CLOSE.signedOut, "your session ended; sign in again"),
          },
    ) ?? null;
  socket.on("close", () => unsubscribe?.());
  socket.send(JSON.stringify({ type: "subscribed", projectId }));
}
