import type { ProjectEvent } from "../store/events.ts";
import type { Store } from "../store/store.ts";

/**
 * The change feed: who is listening to which project, and what to tell them. A save is
 * published once it is committed; every connection to that project's feed gets it at once.
 * A feed relayed through the store hears what every server process and job worker on the
 * same database publishes; a plain one only what this process publishes.
 */
export type FeedMessage = ProjectEvent;

export class ChangeFeed {
  readonly #listeners = new Map<string, Set<(message: FeedMessage) => void>>();
  #relay: { store: Store; stop: () => Promise<void> } | undefined;

  /** A feed whose messages go through the database, so every process's feed hears them. */
  static async relayedThrough(store: Store): Promise<ChangeFeed> {
    const feed = new ChangeFeed();
    const stop = await store.onEvents((event) => feed.#deliver(event));
    feed.#relay = { store, stop };
    return feed;
  }

  subscribe(projectId: string, listener: (message: FeedMessage) => void): () => void {
    let set = this.#listeners.get(projectId);
    if (!set) {
      set = new Set();
      this.#listeners.set(projectId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(projectId);
    };
  }

  /** Tells the project's listeners; through the database when relayed, and never throws. */
  publish(message: FeedMessage): void {
    if (this.#relay) this.#relay.store.publishEvent(message).catch(() => {});
    else this.#deliver(message);
  }

  listeners(projectId: string): number {
    return this.#listeners.get(projectId)?.size ?? 0;
  }

  async close(): Promise<void> {
    await this.#relay?.stop();
  }

  #deliver(message: FeedMessage): void {
    for (const listener of this.#listeners.get(message.projectId) ?? []) listener(message);
  }
}
