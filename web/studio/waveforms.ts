import WaveformData from "waveform-data";
import type { AudioSource } from "../../music/project.ts";
import type { WaveformLevels } from "../paint/waveform-painter.ts";

/** The levels the studio serves (server/peaks.ts), finest first. */
const LEVELS = [256, 2048, 16_384];

/**
 * A source's peaks from the studio, every level, read with waveform-data. The server
 * measures each file once; the browser revalidates by ETag.
 */
export async function loadWaveform(
  projectId: string,
  source: AudioSource,
): Promise<WaveformLevels> {
  const name = source.file.split("/").map(encodeURIComponent).join("/");
  return Promise.all(
    LEVELS.map(async (samplesPerPixel) => {
      const response = await fetch(
        `/api/projects/${encodeURIComponent(projectId)}/peaks/${name}?samplesPerPixel=${samplesPerPixel}`,
        { credentials: "same-origin" },
      );
      if (!response.ok) throw new Error(`${source.file}: no peaks (${response.status})`);
      return WaveformData.create(await response.arrayBuffer());
    }),
  );
}
