/** The fader's travel: −144 dB (−∞ on a console) to +12 dB, as the strip schema allows. */
export const FADER_MIN_DB = -144;
export const FADER_MAX_DB = 12;

/**
 * Fader position (0 bottom, 1 top) for a level: amplitude to the power 1/4, which spreads
 * the working range (−40 … +12 dB) over most of the travel, as a console's scale does;
 * 0 dB sits at about 70 %.
 */
export function faderPosition(db: number): number {
  if (db <= FADER_MIN_DB) return 0;
  return (10 ** (db / 20)) ** 0.25 / (10 ** (FADER_MAX_DB / 20)) ** 0.25;
}

export function faderDb(position: number): number {
  if (position <= 0) return FADER_MIN_DB;
  const db = 80 * Math.log10(Math.min(1, position)) + FADER_MAX_DB;
  return Math.max(FADER_MIN_DB, Math.min(FADER_MAX_DB, Math.round(db * 10) / 10));
}

/** How a level reads: "−6.0 dB", "+1.5 dB", "−∞ dB". */
export function formatDb(db: number): string {
  if (db <= FADER_MIN_DB) return "−∞ dB";
  const text = Math.abs(db).toFixed(1);
  return `${db < 0 && text !== "0.0" ? "−" : db > 0 ? "+" : ""}${text} dB`;
}

/** How a pan reads: "C", "L 50 %", "R 100 %". */
export function formatPan(pan: number): string {
  const percent = Math.round(Math.abs(pan) * 100);
  if (percent === 0) return "C";
  return `${pan < 0 ? "L" : "R"} ${percent} %`;
}

/** One keyboard step of the fader: finer near unity, coarser far down. */
export function faderStep(db: number, direction: 1 | -1, large: boolean): number {
  if (large) return stepTo(db + direction * 6);
  const size = db > -20 ? 0.5 : db > -60 ? 2 : 12;
  if (direction < 0 && db <= -100) return FADER_MIN_DB;
  if (direction > 0 && db <= FADER_MIN_DB) return -100;
  return stepTo(db + direction * size);
}

function stepTo(db: number): number {
  return Math.max(FADER_MIN_DB, Math.min(FADER_MAX_DB, Math.round(db * 10) / 10));
}
