import type { Project } from "../../music/project.ts";
import { readable } from "./units.ts";

/**
 * What a DAWproject export changes: the document as it was against the document an import
 * of the export gives back, every difference named by the track (or the song, or the
 * master), the setting, and the value before and after, written as people read them.
 */
export interface InterchangeChange {
  /** Where in the document, dotted: `tracks.3.strip.compressor.kneeDb`. */
  path: string;
  /** The track's name, `Master`, or `Song` for what belongs to the whole song. */
  track: string;
  /** The setting inside it, e.g. `compressor.kneeDb` or `clips[pad-a].fadeOut.shape`. */
  setting: string;
  before: string;
  after: string;
}

export function documentChanges(before: Project, after: Project): InterchangeChange[] {
  const out: InterchangeChange[] = [];
  walk(before, after, [], out, before);
  return out;
}

/** `"Bass": compressor.kneeDb 6 dB → 0 dB`. */
export function describeChange(change: InterchangeChange): string {
  const owner = change.track === "Song" ? "the song" : `"${change.track}"`;
  return `${owner}: ${change.setting} ${change.before} → ${change.after}`;
}

function walk(a: unknown, b: unknown, path: string[], out: InterchangeChange[], doc: Project) {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(change(path, a, b, doc));
      return;
    }
    a.forEach((x, i) => {
      walk(x, b[i], [...path, String(i)], out, doc);
    });
    return;
  }
  if (isObject(a) && isObject(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      walk(a[key], b[key], [...path, key], out, doc);
    }
    return;
  }
  if (!Object.is(a, b)) out.push(change(path, a, b, doc));
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function change(path: string[], a: unknown, b: unknown, doc: Project): InterchangeChange {
  // Items of lists by their id where they have one: tracks[bass].clips[pad-a].fadeOut.
  const labels: string[] = [];
  let node: unknown = doc;
  for (const part of path) {
    const next: unknown =
      isObject(node) || Array.isArray(node) ? (node as Record<string, unknown>)[part] : undefined;
    if (Array.isArray(node) && labels.length > 0) {
      const id = isObject(next) && typeof next.id === "string" ? next.id : part;
      labels[labels.length - 1] += `[${id}]`;
    } else labels.push(part);
    node = next;
  }
  let track = "Song";
  let rest = labels;
  if (path[0] === "tracks" && path.length > 1) {
    track = doc.tracks[Number(path[1])]?.name ?? `track ${Number(path[1]) + 1}`;
    rest = labels.slice(1);
  } else if (path[0] === "master" && path.length > 1) {
    track = "Master";
    rest = labels.slice(1);
  }
  if (rest[0] === "strip") rest = rest.slice(1);
  const key = path.at(-1) ?? "";
  return {
    path: path.join("."),
    track,
    setting: rest.join(".") || "everything",
    before: shown(a, key),
    after: shown(b, key),
  };
}

/** A value as a person reads it: −4 dB, 120 ms, 3 chords, none. */
function shown(value: unknown, key: string): string {
  if (value === undefined || value === null) return "none";
  if (typeof value === "number") {
    const n = String(readable(value));
    if (/Db$/.test(key)) return `${n} dB`;
    if (/Ms$/.test(key)) return `${n} ms`;
    if (key === "frequency") return `${n} Hz`;
    return n;
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? "none" : `${value.length} ${value.length === 1 ? "item" : "items"}`;
  }
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
