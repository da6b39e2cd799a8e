/**
 * The streaming worker: fetches sources and decodes them into shared memory off the page's
 * main thread, so the workspace stays responsive (and the change feed prompt) while a
 * project's audio loads.
 */
import type { AudioSource } from "../../music/project.ts";
import type { SharedSource } from "./engine-memory.ts";
import { loadSharedSource } from "./source-loader.ts";

export interface SourceRequest {
  requestId: number;
  projectId: string;
  source: AudioSource;
}

export type SourceAnswer =
  | { requestId: number; source: SharedSource }
  | { requestId: number; error: string };

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<SourceRequest>) => void) | null;
  postMessage(answer: SourceAnswer): void;
};

scope.onmessage = ({ data }) => {
  loadSharedSource(data.projectId, data.source).then(
    (source) => scope.postMessage({ requestId: data.requestId, source }),
    (error: unknown) =>
      scope.postMessage({ requestId: data.requestId, error: (error as Error).message }),
  );
};
