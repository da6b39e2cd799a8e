import { BasicSoundBank, SoundBankLoader, SpessaLog } from "spessasynth_core";
import { ControlRoomError } from "../music/errors.ts";

// The library warns on the console about soundfont quirks; our errors say what matters.
SpessaLog.setLogLevel(false, false, false);

/**
 * A parsed SF2/SF3 soundfont. SF3 samples (Ogg Vorbis) are decoded on first use and kept,
 * so every synth that shares this object shares the decoded samples too.
 */
export interface SoundFont {
  /** What the project calls it: `default` or `soundfonts/<file>`. */
  readonly name: string;
  readonly bank: BasicSoundBank;
}

/**
 * Parses soundfont bytes. `file` names the file in errors: anything that is not a RIFF
 * `sfbk` with at least one preset is E_SOUNDFONT_CORRUPT. Asynchronous only because the
 * SF3 Vorbis decoder (WebAssembly) must be ready before the first sample is decoded; a
 * sample decoded before that would silently play as silence.
 */
export async function loadSoundFont(
  bytes: ArrayBuffer,
  name: string,
  file = name,
): Promise<SoundFont> {
  await BasicSoundBank.isSF3DecoderReady;
  const head = new Uint8Array(bytes, 0, Math.min(12, bytes.byteLength));
  const tag = (from: number) => String.fromCharCode(...head.subarray(from, from + 4));
  if (head.length < 12 || tag(0) !== "RIFF" || tag(8) !== "sfbk") {
    throw new ControlRoomError(
      "E_SOUNDFONT_CORRUPT",
      `${file} is not an SF2/SF3 soundfont (it does not start with a RIFF sfbk header)`,
      file,
    );
  }
  let bank: BasicSoundBank;
  try {
    bank = SoundBankLoader.fromArrayBuffer(bytes);
  } catch (error) {
    throw new ControlRoomError(
      "E_SOUNDFONT_CORRUPT",
      `${file} could not be read as a soundfont: ${(error as Error).message}`,
      file,
    );
  }
  if (bank.presets.length === 0) {
    throw new ControlRoomError("E_SOUNDFONT_CORRUPT", `${file} holds no presets`, file);
  }
  return { name, bank };
}
