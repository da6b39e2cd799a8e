import { ControlRoomError } from "../music/errors.ts";
import type { AudioSource, Project } from "../music/project.ts";
import type { Store } from "../store/store.ts";

/**
 * A save is checked against the files it plays: every source it adds or changes must name
 * a file of the project, with the rate, channels and frames that file holds (the facts found
 * when it was uploaded, so nothing is decoded here). Otherwise the revision would be saved
 * and only fail, or worse play wrongly, when rendered. Both refusals are 422: the request is
 * well formed, the stored files contradict it. Sources the save leaves as they were were
 * checked when they were saved and name files that cannot change or go.
 */
export async function checkSavedSources(
  store: Store,
  projectId: string,
  before: Project,
  after: Project,
): Promise<void> {
  const previous = new Map(before.sources.map((source) => [source.id, source]));
  for (const source of after.sources) {
    const was = previous.get(source.id);
    if (was && sameSource(was, source)) continue;
    const file = await store.findFile(projectId, source.file);
    const who = `source "${source.id}" (${playedBy(after, source.id)})`;
    if (!file) {
      throw new ControlRoomError(
        "E_SOURCE_FILE_MISSING",
        `${who} names ${source.file}, which is not among the project's files; upload it first`,
        source.id,
      );
    }
    if (file.audio === null) {
      // Files stored before their audio was described can only be told apart by type.
      if (file.mediaType.startsWith("audio/")) continue;
      throw new ControlRoomError(
        "E_SOURCE_MISMATCH",
        `${who} names ${source.file}, which is ${file.mediaType}, not audio`,
        source.id,
      );
    }
    checkSourceMatches(source, file.audio, who);
  }
}

/**
 * E_SOURCE_MISMATCH when a source claims a rate, channel count or length its file does not
 * have; `who` names the source (and the tracks that play it) in the message.
 */
export function checkSourceMatches(
  source: AudioSource,
  audio: { sampleRate: number; channels: number; frames: number },
  who = `source "${source.id}"`,
): void {
  const differences = [
    source.sampleRate !== audio.sampleRate &&
      `${hz(source.sampleRate)} where the file is ${hz(audio.sampleRate)}`,
    source.channels !== audio.channels &&
      `${source.channels} channel(s) where the file has ${audio.channels}`,
    source.frames !== audio.frames && `${source.frames} frames where the file has ${audio.frames}`,
  ].filter((text): text is string => typeof text === "string");
  if (differences.length > 0) {
    throw new ControlRoomError(
      "E_SOURCE_MISMATCH",
      `${who} claims ${differences.join(", and ")} (${source.file}); a source must say what its file holds`,
      source.id,
    );
  }
}

function sameSource(a: AudioSource, b: AudioSource): boolean {
  return (
    a.file === b.file &&
    a.sampleRate === b.sampleRate &&
    a.channels === b.channels &&
    a.frames === b.frames
  );
}

/** `played by track "Vocals" and track "Double"`, or `played by no track`. */
function playedBy(document: Project, sourceId: string): string {
  const tracks = document.tracks.filter((track) =>
    (track.clips ?? []).some((clip) => clip.sourceId === sourceId),
  );
  if (tracks.length === 0) return "played by no track yet";
  return `played by ${tracks.map((track) => `track "${track.name}"`).join(" and ")}`;
}

function hz(rate: number): string {
  return `${rate.toLocaleString("en-US").replaceAll(",", " ")} Hz`;
}
