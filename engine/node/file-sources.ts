import path from "node:path";
import { WavFileReader } from "../../formats/node/wav-file.ts";
import { ControlRoomError } from "../../music/errors.ts";
import type { AudioSource } from "../../music/project.ts";
import { BufferedSource, type SourceReader } from "../mix/source.ts";

/** A project source streamed from its WAV file in audio/. */
export class WavSource implements SourceReader {
  readonly sampleRate: number;
  readonly channels: number;
  readonly frames: number;
  private readonly reader: WavFileReader;

  constructor(reader: WavFileReader) {
    this.reader = reader;
    this.sampleRate = reader.info.sampleRate;
    this.channels = reader.info.channels;
    this.frames = reader.info.frames;
  }

  read(startFrame: number, frames: number, out: Float64Array[], outOffset: number): void {
    this.reader.readFrames(startFrame, frames, out, outOffset);
  }

  close(): void {
    this.reader.close();
  }
}

export interface OpenSources {
  readers: Map<string, SourceReader>;
  close(): void;
}

/**
 * Opens the given sources of a project folder and checks each file is what the document
 * says it is, so a replaced or truncated file is reported before any audio is rendered.
 */
export function openProjectSources(dir: string, sources: readonly AudioSource[]): OpenSources {
  const opened: WavSource[] = [];
  const readers = new Map<string, SourceReader>();
  const close = () => {
    for (const source of opened) source.close();
  };
  try {
    for (const source of sources) {
      const file = path.join(dir, source.file);
      let reader: WavFileReader;
      try {
        reader = WavFileReader.open(file);
      } catch (error) {
        if (error instanceof ControlRoomError && error.code === "E_FILE_NOT_FOUND") {
          throw new ControlRoomError(
            "E_SOURCE_MISSING",
            `${source.file} is missing from the project folder (source "${source.id}")`,
            source.file,
          );
        }
        throw error;
      }
      const wav = new WavSource(reader);
      opened.push(wav);
      if (
        wav.sampleRate !== source.sampleRate ||
        wav.channels !== source.channels ||
        wav.frames < source.frames
      ) {
        throw new ControlRoomError(
          "E_SOURCE_CHANGED",
          `${source.file} is ${wav.channels} ch, ${wav.sampleRate} Hz, ${wav.frames} frames; project.json expects ${source.channels} ch, ${source.sampleRate} Hz, ${source.frames} frames`,
          source.file,
        );
      }
      if (wav.channels > 2) {
        throw new ControlRoomError(
          "E_SOURCE_CHANNELS",
          `${source.file} has ${wav.channels} channels; tracks play mono or stereo sources`,
          source.file,
        );
      }
      readers.set(source.id, new BufferedSource(wav));
    }
  } catch (error) {
    close();
    throw error;
  }
  return { readers, close };
}
