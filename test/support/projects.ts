import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openAudioFileWriter } from "../../formats/node/open-writer.ts";
import { saveProjectFolder } from "../../formats/node/project-folder.ts";
import {
  type AudioSource,
  Project,
  type ProjectInput,
  SCHEMA_VERSION,
} from "../../music/project.ts";

export async function tempDir(prefix = "controlroom-"): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** Deterministic noise in [−amplitude, amplitude). */
export function noise(frames: number, amplitude: number, seed: number): Float64Array {
  const out = new Float64Array(frames);
  let state = seed >>> 0;
  for (let i = 0; i < frames; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = amplitude * ((state / 4294967296) * 2 - 1);
  }
  return out;
}

/** Writes a 32-bit float WAV into dir/audio and returns the source entry that describes it. */
export async function writeSource(
  dir: string,
  id: string,
  sampleRate: number,
  channels: Float64Array[],
  bitDepth: 16 | 24 | "32f" = "32f",
): Promise<AudioSource> {
  const file = `audio/${id}.wav`;
  await mkdir(path.join(dir, "audio"), { recursive: true });
  const writer = await openAudioFileWriter(path.join(dir, file), {
    format: "wav",
    bitDepth,
    sampleRate,
    channels: channels.length,
  });
  await writer.write(channels, 0, channels[0].length);
  await writer.commit();
  return { id, file, sampleRate, channels: channels.length, frames: channels[0].length };
}

/** Saves a project folder from a partial document. */
export async function writeProject(
  dir: string,
  input: Omit<ProjectInput, "schemaVersion">,
): Promise<Project> {
  const project = Project.parse({ schemaVersion: SCHEMA_VERSION, ...input });
  await saveProjectFolder(dir, project);
  return project;
}
