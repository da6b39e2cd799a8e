import { applyOperation, type Operation } from "../../music/operations.ts";
import type { Project } from "../../music/project.ts";
import {
  api,
  errorMessage,
  type FeedMessage,
  type OperationInput,
  type Role,
} from "../api/client.ts";

export type SaveStatus = "saved" | "saving" | "offline" | "error";

export interface ProjectSnapshot {
  title: string;
  role: Role;
  /** The server's revision this page's document is built on. */
  revision: number;
  /** The server's document with this page's unsaved edits applied. */
  document: Project;
  status: SaveStatus;
  message?: string;
}

/** How long edits gather before they are saved as one revision (a fader moved by keys). */
const SAVE_DELAY_MS = 120;

/**
 * One open project: the document as the server last saved it, this page's edits on top, the
 * saves (a revision per batch of edits, on the revision it was made from) and the change
 * feed. The server is the authority: on a 409 the newest revision is loaded and the edits
 * not yet saved are replayed on it; another member's revision, announced by the feed, is
 * loaded the same way. React reads it through `subscribe` and `snapshot`.
 */
export class ProjectSession {
  private current: ProjectSnapshot;
  private readonly listeners = new Set<() => void>();
  /** Edits applied locally and not yet sent. */
  private unsaved: Operation[] = [];
  /** Edits sent and not yet answered. */
  private inFlight: Operation[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private feed: WebSocket | undefined;
  private newestAnnounced = 0;
  private closed = false;
  private reconnectDelay = 500;

  readonly projectId: string;

  private constructor(projectId: string, snapshot: ProjectSnapshot) {
    this.projectId = projectId;
    this.current = snapshot;
    this.newestAnnounced = snapshot.revision;
  }

  /** Loads the project with its document, then listens to its feed. */
  static async open(projectId: string): Promise<ProjectSession> {
    const loaded = await load(projectId);
    const session = new ProjectSession(projectId, { ...loaded, status: "saved" });
    session.listen();
    return session;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): ProjectSnapshot => this.current;

  /** Applies an edit at once and saves it shortly, with whatever edits follow it. */
  edit(operation: Operation): void {
    let applied: Project;
    try {
      applied = applyOperation(this.current.document, operation).project;
    } catch (error) {
      this.update({ status: "error", message: (error as Error).message });
      return;
    }
    this.unsaved.push(operation);
    this.update({ document: applied, status: "saving", message: undefined });
    this.scheduleSave();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.feed?.close();
    this.listeners.clear();
  }

  private update(change: Partial<ProjectSnapshot>): void {
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) listener();
  }

  private scheduleSave(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), SAVE_DELAY_MS);
  }

  private async save(): Promise<void> {
    if (this.inFlight.length > 0 || this.unsaved.length === 0 || this.closed) return;
    this.inFlight = coalesce(this.unsaved);
    this.unsaved = [];
    for (let attempt = 0; attempt < 5 && !this.closed; attempt++) {
      const { data, error, response } = await api
        .POST("/api/projects/{projectId}/revisions", {
          params: { path: { projectId: this.projectId } },
          body: {
            baseRevision: this.current.revision,
            operations: this.inFlight as OperationInput[],
          },
        })
        .catch(() => ({ data: undefined, error: undefined, response: undefined }));
      if (data) {
        this.inFlight = [];
        this.update({ revision: data.revision });
        break;
      }
      if (response?.status === 409) {
        // Someone saved first: build on their revision and try again.
        await this.rebase();
        continue;
      }
      // Refused for good (or unreachable): show why and go back to what the server holds.
      this.inFlight = [];
      this.unsaved = [];
      const message = response
        ? errorMessage(error, response)
        : "the studio cannot be reached; your last change was not saved";
      await this.rebase().catch(() => {});
      this.update({ status: response ? "error" : "offline", message });
      return;
    }
    if (this.unsaved.length > 0) {
      this.scheduleSave();
    } else {
      if (this.newestAnnounced > this.current.revision) await this.rebase();
      this.update({ status: "saved" });
    }
  }

  /** Loads the newest revision and replays the edits not yet saved on it. */
  private async rebase(): Promise<void> {
    const loaded = await load(this.projectId);
    let document = loaded.document;
    const replayed: Operation[] = [];
    for (const operation of [...this.inFlight, ...this.unsaved]) {
      try {
        document = applyOperation(document, operation).project;
        replayed.push(operation);
      } catch {
        // The edit no longer fits the newer document (its track was removed): dropped.
      }
    }
    const inFlightCount = this.inFlight.length;
    this.inFlight = replayed.slice(0, Math.min(inFlightCount, replayed.length));
    this.unsaved = replayed.slice(this.inFlight.length);
    this.update({
      document,
      revision: loaded.revision,
      title: loaded.title,
      role: loaded.role,
    });
  }

  private listen(): void {
    if (this.closed) return;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(
      `${scheme}://${location.host}/api/projects/${encodeURIComponent(this.projectId)}/feed`,
    );
    this.feed = socket;
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as FeedMessage;
      if (message.type === "subscribed") {
        this.reconnectDelay = 500;
        // Whatever was saved while the feed was down is caught up on now.
        this.catchUp();
      } else if (message.type === "revision") {
        this.newestAnnounced = Math.max(this.newestAnnounced, message.revision);
        this.catchUp();
      }
    };
    socket.onclose = (event) => {
      if (this.closed) return;
      // 4401, 4403, 4404: signed out or no longer on the project; a reconnect cannot help.
      if (event.code >= 4400 && event.code < 4500) {
        this.update({
          status: "offline",
          message: "this page no longer has access to the project",
        });
        return;
      }
      this.update({ status: "offline", message: "reconnecting to the studio…" });
      setTimeout(() => this.listen(), this.reconnectDelay);
      this.reconnectDelay = Math.min(10_000, this.reconnectDelay * 2);
    };
  }

  private catchUp(): void {
    if (this.inFlight.length > 0) return; // the save in flight loads it when it is answered
    if (this.newestAnnounced <= this.current.revision && this.current.status !== "offline") return;
    this.rebase().then(
      () => {
        if (this.unsaved.length === 0) this.update({ status: "saved", message: undefined });
      },
      () => this.update({ status: "offline" }),
    );
  }
}

async function load(projectId: string) {
  const { data, error, response } = await api.GET("/api/projects/{projectId}", {
    params: { path: { projectId }, query: { include: "document" } },
  });
  if (!data?.document) throw new Error(errorMessage(error, response));
  return {
    title: data.title,
    role: data.role,
    revision: data.currentRevision,
    document: data.document as unknown as Project,
  };
}

/** Consecutive settings of the same parameter keep only the last: one fader move, one edit. */
export function coalesce(operations: readonly Operation[]): Operation[] {
  const out: Operation[] = [];
  for (const operation of operations) {
    const previous = out[out.length - 1];
    if (
      previous?.type === "param.set" &&
      operation.type === "param.set" &&
      previous.trackId === operation.trackId &&
      previous.path === operation.path
    ) {
      out[out.length - 1] = operation;
    } else {
      out.push(operation);
    }
  }
  return out;
}
