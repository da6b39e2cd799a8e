/**
 * Where to sit. The 38 % rule (Wes Lachot; Everest & Pohlmann) puts the listener 38 % of the
 * length from the front wall, clear of the first length modes' nulls. The modal sum (Kuttruff,
 * Room Acoustics, eq. 3.40) predicts the low-frequency response at any seat, so the seats along
 * the room's centre line can be ranked by how deep their worst dip is.
 */
import type { Point } from "./reflections.ts";
import type { RoomDimensions } from "./room-dimensions.ts";
import { roomModes } from "./room-modes.ts";

export interface SeatResponse {
  /** Distance from the front wall, m. */
  x: number;
  /** The deepest dip below the seat's mean level from `fromHz` to `toHz`, dB (negative). */
  worstDipDb: number;
  /** Standard deviation of the level over the band, dB. */
  spreadDb: number;
}

export interface ListeningAdvice {
  rule38: { x: number; seat: SeatResponse };
  best: SeatResponse[];
  seats: SeatResponse[];
  fromHz: number;
  toHz: number;
  earHeightM: number;
}

export interface ListeningOptions {
  /** T60 at low frequencies, s: sets each mode's damping δ = 3·ln10/T60 (default 0.4). */
  rt60Seconds?: number;
  earHeightM?: number;
  fromHz?: number;
  toHz?: number;
  /** The speakers; by default a stereo pair 0.6 m from the front wall, 1.6 m apart. */
  speakers?: readonly Point[];
  stepM?: number;
}

/** Equilateral triangle with the listener, as monitors are set up (ITU-R BS.775 ±30°). */
export function defaultSpeakers(room: RoomDimensions, listener: Point): [Point, Point] {
  const side = Math.max(
    0.5,
    Math.min(1.8, 0.7 * room.width, (listener.x - 0.3) / Math.cos(Math.PI / 6)),
  );
  const x = Math.max(0.3, listener.x - side * Math.cos(Math.PI / 6));
  return [
    { x, y: room.width / 2 - side / 2, z: listener.z },
    { x, y: room.width / 2 + side / 2, z: listener.z },
  ];
}

/** Level in dB at `receiver` per frequency of `frequencies`, from the modal sum. */
export function modalResponseDb(
  room: RoomDimensions,
  sources: readonly Point[],
  receiver: Point,
  frequencies: ArrayLike<number>,
  rt60Seconds: number,
): Float64Array {
  const maxHz = 2 * frequencies[frequencies.length - 1];
  const modes = roomModes(room, { maxHz });
  const delta = (3 * Math.LN10) / rt60Seconds;
  const shape = (p: Point, [a, b, c]: readonly [number, number, number]) =>
    Math.cos((a * Math.PI * p.x) / room.length) *
    Math.cos((b * Math.PI * p.y) / room.width) *
    Math.cos((c * Math.PI * p.z) / room.height);
  // Each mode's coupling: source and receiver shapes over its norm (1/2 per non-zero index).
  const weights = modes.map((m) => {
    const norm = 2 ** m.indices.filter((i) => i > 0).length;
    const source = sources.reduce((sum, s) => sum + shape(s, m.indices), 0);
    return (norm * source * shape(receiver, m.indices)) / room.length / room.width / room.height;
  });
  const out = new Float64Array(frequencies.length);
  for (let k = 0; k < frequencies.length; k++) {
    const w = 2 * Math.PI * frequencies[k];
    let re = 0;
    let im = 0;
    // The (0,0,0) term: the room's pressure-chamber response, 1/ω² below the first mode.
    re += sources.length / (room.length * room.width * room.height) / (w * w);
    for (let n = 0; n < modes.length; n++) {
      const wn = 2 * Math.PI * modes[n].frequencyHz;
      const dr = w * w - wn * wn;
      const di = -2 * delta * wn;
      const scale = weights[n] / (dr * dr + di * di);
      re += scale * dr;
      im -= scale * di;
    }
    // ω² · p: a flat-response source in free field reads flat, the room's shaping remains.
    out[k] = 10 * Math.log10((re * re + im * im) * w ** 4);
  }
  return out;
}

export function listeningAdvice(
  room: RoomDimensions,
  options: ListeningOptions = {},
): ListeningAdvice {
  const earHeightM = options.earHeightM ?? 1.2;
  const rt60 = options.rt60Seconds ?? 0.4;
  const fromHz = options.fromHz ?? 30;
  const toHz = options.toHz ?? 200;
  const step = options.stepM ?? 0.05;
  const frequencies = Float64Array.from(
    { length: Math.round((toHz - fromHz) * 2) + 1 },
    (_, i) => fromHz + i / 2,
  );
  const speakersFor = (x: number) =>
    options.speakers ?? defaultSpeakers(room, { x, y: room.width / 2, z: earHeightM });
  const seat = (x: number): SeatResponse => {
    const db = modalResponseDb(
      room,
      speakersFor(x),
      { x, y: room.width / 2, z: earHeightM },
      frequencies,
      rt60,
    );
    let mean = 0;
    for (const v of db) mean += v;
    mean /= db.length;
    let worst = 0;
    let square = 0;
    for (const v of db) {
      worst = Math.min(worst, v - mean);
      square += (v - mean) ** 2;
    }
    return { x, worstDipDb: worst, spreadDb: Math.sqrt(square / db.length) };
  };
  const seats: SeatResponse[] = [];
  // A seat needs room in front for the speakers and behind for the head: 25 % to 75 % of L.
  for (
    let x = Math.ceil((0.25 * room.length) / step) * step;
    x <= 0.75 * room.length + 1e-9;
    x += step
  ) {
    seats.push(seat(Math.round(x * 1000) / 1000));
  }
  const rule = 0.38 * room.length;
  const best = [...seats].sort((a, b) => b.worstDipDb - a.worstDipDb);
  // Neighbouring seats 5 cm apart sound alike: keep the best of each 30 cm stretch.
  const distinct: SeatResponse[] = [];
  for (const s of best) {
    if (distinct.every((d) => Math.abs(d.x - s.x) >= 0.3)) distinct.push(s);
    if (distinct.length === 3) break;
  }
  return { rule38: { x: rule, seat: seat(rule) }, best: distinct, seats, fromHz, toHz, earHeightM };
}
