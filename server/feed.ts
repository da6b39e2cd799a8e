/**
 * The change feed: who is listening to which project, and what to tell them. A save is
 * published once it is committed; every connection to that project's feed gets it at once.
 * In one server process; several servers would relay through PostgreSQL LISTEN/NOTIFY.
 */
export interface FeedMessage {
  type: "revision";
  projectId: string;
  revision: number;
  author: string;
  operations: number;
  /** Set when the revision restores an older one. */
  restoredFrom?: number;
}

export class ChangeFeed {
  readonly #listeners = new Map<string, Set<(message: FeedMessage) => void>>();

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

  publish(message: FeedMessage): void {
    for (const listener of this.#listeners.get(message.projectId) ?? []) listener(message);
  }

  listeners(projectId: string): number {
    return this.#listeners.get(projectId)?.size ?? 0;
  }
}
