import { execFileSync } from "node:child_process";

/**
 * The tools we check our files against, run as a person would run them.
 */

/** ffprobe's view of a file's first audio stream, as flat key=value pairs. */
export function probeStream(path: string): Record<string, string> {
  const out = execFileSync("ffprobe", ["-v", "error", "-show_streams", "-of", "flat=s=_", path], {
    encoding: "utf8",
  });
  return Object.fromEntries(
    out
      .trim()
      .split("\n")
      .map((line) => line.replace(/^streams_stream_0_/, "").split("="))
      .map(([key, value]) => [key, value.replace(/^"|"$/g, "")]),
  );
}
