import type { AudioSource } from "../../music/project.ts";
import type { SharedSource } from "./engine-memory.ts";
import type { SourceAnswer, SourceRequest } from "./source-worker.ts";

/** The page's handle on the streaming worker: one promise per source asked for. */
export class SourceFetcher {
  private readonly worker = new Worker(new URL("./source-worker.ts", import.meta.url), {
    type: "module",
    name: "controlroom-sources",
  });
  private readonly waiting = new Map<
    number,
    { resolve(source: SharedSource): void; reject(error: Error): void }
  >();
  private next = 1;

  constructor() {
    this.worker.onmessage = ({ data }: MessageEvent<SourceAnswer>) => {
      const waiter = this.waiting.get(data.requestId);
      if (!waiter) return;
      this.waiting.delete(data.requestId);
      if ("error" in data) waiter.reject(new Error(data.error));
      else waiter.resolve(data.source);
    };
  }

  fetch(projectId: string, source: AudioSource): Promise<SharedSource> {
    const requestId = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(requestId, { resolve, reject });
      const request: SourceRequest = { requestId, projectId, source };
      this.worker.postMessage(request);
    });
  }

  close(): void {
    this.worker.terminate();
    for (const waiter of this.waiting.values()) waiter.reject(new Error("playback closed"));
    this.waiting.clear();
  }
}
