import type { AudioClip, Fade, NoteClip } from "./project.ts";
import { type Tempo, TempoMap } from "./tempo-map.ts";
import type { Piece } from "./timeline.ts";

/**
 * Cutting clips at section edges, as an arranger track does: before a rearrangement moves
 * its pieces, every audio clip, note clip and held note that crosses an edge of a piece is
 * cut there, so each part goes with the piece it plays in. Parts that end up next to each
 * other as they were (the music runs on across the edge) are joined again, so only the cuts
 * that become seams stay, and each side of a seam gets a short fade.
 */

/**
 * A seam's fade: 4 ms, equal power, on both sides of the cut. Long enough that a waveform
 * cut at any value reaches zero without a click; short enough to keep the attack of a drum
 * hit on the downbeat (equal power rises to −3 dB in the first half).
 */
export const SEAM_FADE_SECONDS = 0.004;
export const SEAM_FADE_SHAPE = "equalPower";

/** How to measure and cut one kind of clip. */
interface Cutter<C> {
  /** Where the clip sounds, in ticks of the old timeline: [start, end). */
  extent(clip: C): [number, number];
  /** Whether a cut at this tick leaves something on both sides. */
  canCut(clip: C, tick: number): boolean;
  /** The part of the clip between two old ticks, played from `startTick`. */
  part(clip: C, from: number, to: number, startTick: number, id: string): C;
}

interface Placed {
  clip: number;
  from: number;
  to: number;
  at: number;
}

/**
 * The clips of one track for a list of pieces: cut at every piece edge inside them, each
 * part placed where its piece goes (a piece may place a part twice, or not at all), parts
 * that still follow each other joined. `idFor` names each resulting clip from its original's
 * id, in order (the first a piece places may keep the id).
 */
function placeClips<C extends { id: string }>(
  clips: C[],
  pieces: Piece[],
  cutter: Cutter<C>,
  idFor: (id: string) => string,
): C[] {
  const edges = [...new Set(pieces.flatMap((p) => [p.from, p.from + p.length]))].filter(
    (t) => t > 0 && Number.isFinite(t),
  );
  edges.sort((a, b) => a - b);
  const parts = clips.map((clip) => {
    const [start, end] = cutter.extent(clip);
    const cuts = edges.filter((t) => t > start && t < end && cutter.canCut(clip, t));
    const bounds = [start, ...cuts, end];
    return bounds.slice(0, -1).map((from, i) => ({ from, to: bounds[i + 1] }));
  });
  let placed: Placed[] = [];
  for (const piece of pieces) {
    parts.forEach((list, clip) => {
      for (const part of list) {
        if (part.from >= piece.from && part.from < piece.from + piece.length) {
          placed.push({
            clip,
            from: part.from,
            to: part.to,
            at: piece.to + part.from - piece.from,
          });
        }
      }
    });
  }
  // Join a part to the one that followed it in the old timeline when it follows it still.
  for (let joined = true; joined; ) {
    joined = false;
    for (const left of placed) {
      const right = placed.find(
        (r) =>
          r !== left &&
          r.clip === left.clip &&
          r.from === left.to &&
          r.at === left.at + (left.to - left.from),
      );
      if (right) {
        left.to = right.to;
        placed = placed.filter((r) => r !== right);
        joined = true;
        break;
      }
    }
  }
  return placed.map((p) => cutter.part(clips[p.clip], p.from, p.to, p.at, idFor(clips[p.clip].id)));
}

/** Audio clips: cut on the nearest source frame, fades kept where the clip kept its edge. */
export function placeAudioClips(
  clips: AudioClip[],
  pieces: Piece[],
  tempo: Tempo,
  sourceRates: ReadonlyMap<string, number>,
  idFor: (id: string) => string,
): AudioClip[] {
  const map = new TempoMap(tempo);
  // Source frames per second of the timeline: the source's rate, sped up by varispeed.
  const rateOf = (clip: AudioClip) =>
    (sourceRates.get(clip.sourceId) ?? 48_000) * clip.playbackRate;
  const framesTo = (clip: AudioClip, tick: number) =>
    Math.round((map.ticksToSeconds(tick) - map.ticksToSeconds(clip.startTick)) * rateOf(clip));
  const extent = (clip: AudioClip): [number, number] => [
    clip.startTick,
    map.secondsToTicks(map.ticksToSeconds(clip.startTick) + clip.lengthFrames / rateOf(clip)),
  ];
  return placeClips(
    clips,
    pieces,
    {
      extent,
      canCut: (clip, tick) => {
        const frames = framesTo(clip, tick);
        return frames > 0 && frames < clip.lengthFrames;
      },
      part(clip, from, to, startTick, id) {
        const [start, end] = extent(clip);
        if (from === start && to === end) return { ...structuredClone(clip), id, startTick };
        const first = from === start ? 0 : framesTo(clip, from);
        const last = to === end ? clip.lengthFrames : framesTo(clip, to);
        const lengthFrames = last - first;
        const seam = (): Fade => ({
          frames: Math.round(SEAM_FADE_SECONDS * rateOf(clip)),
          shape: SEAM_FADE_SHAPE,
        });
        const fadeIn = from === start ? { ...clip.fadeIn } : seam();
        fadeIn.frames = Math.min(fadeIn.frames, lengthFrames);
        const fadeOut = to === end ? { ...clip.fadeOut } : seam();
        fadeOut.frames = Math.min(fadeOut.frames, lengthFrames - fadeIn.frames);
        return {
          ...structuredClone(clip),
          id,
          startTick,
          offsetFrames: clip.offsetFrames + first,
          lengthFrames,
          fadeIn,
          fadeOut,
        };
      },
    },
    idFor,
  );
}

/** Note clips: a held note is cut in two; controllers, bends and programs are restated. */
export function placeNoteClips(
  clips: NoteClip[],
  pieces: Piece[],
  idFor: (id: string) => string,
): NoteClip[] {
  return placeClips(
    clips,
    pieces,
    {
      extent: (clip) => [clip.startTick, clip.startTick + clip.lengthTicks],
      canCut: () => true,
      part(clip, from, to, startTick, id) {
        const end = clip.startTick + clip.lengthTicks;
        if (from === clip.startTick && to === end) {
          return { ...structuredClone(clip), id, startTick };
        }
        return { ...noteClipPart(clip, from - clip.startTick, to - clip.startTick), id, startTick };
      },
    },
    idFor,
  );
}

/** The ticks [a, b) of a note clip (relative to its start) as a clip of their own. */
function noteClipPart(clip: NoteClip, a: number, b: number): NoteClip {
  const last = b === clip.lengthTicks;
  // What lies past the clip's end does not sound; the last part keeps it as it was.
  const inPart = (tick: number) => tick >= a && (tick < b || last);
  const notes = clip.notes.flatMap((n) => {
    const noteEnd = n.startTick + n.lengthTicks;
    if (inPart(n.startTick)) {
      const lengthTicks = last ? n.lengthTicks : Math.min(n.lengthTicks, b - n.startTick);
      return [{ ...n, startTick: n.startTick - a, lengthTicks }];
    }
    if (n.startTick < a && noteEnd > a && n.startTick < clip.lengthTicks) {
      // A note held across the cut sounds again from the cut, for as long as it was held.
      return [{ ...n, startTick: 0, lengthTicks: (last ? noteEnd : Math.min(noteEnd, b)) - a }];
    }
    return [];
  });
  notes.sort((x, y) => x.startTick - y.startTick);
  // What a controller, the bend or the program was set to before the cut holds at its start.
  const shift = <E extends { tick: number }>(events: E[], key: (e: E) => number): E[] => {
    const inEffect = new Map<number, E>();
    for (const e of events) {
      const held = inEffect.get(key(e));
      if (e.tick < a && (!held || e.tick >= held.tick)) inEffect.set(key(e), e);
    }
    const restated = [...inEffect.values()]
      .filter((e) => !events.some((f) => key(f) === key(e) && f.tick === a))
      .map((e) => ({ ...e, tick: 0 }));
    return [
      ...restated,
      ...events.filter((e) => inPart(e.tick)).map((e) => ({ ...e, tick: e.tick - a })),
    ];
  };
  return {
    ...structuredClone(clip),
    lengthTicks: b - a,
    notes,
    controllers: shift(clip.controllers, (e) => e.controller),
    pitchBends: shift(clip.pitchBends, () => 0),
    programChanges: shift(clip.programChanges, () => 0),
  };
}
