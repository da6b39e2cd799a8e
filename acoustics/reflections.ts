/**
 * First reflections by the mirror-image method (Allen & Berkley 1979): a speaker mirrored in a
 * boundary plane is the source of that boundary's reflection, and where the line from the
 * image to the listener crosses the plane is the point to treat.
 */

import { type RoomDimensions, SPEED_OF_SOUND } from "./room-dimensions.ts";
import type { Boundary } from "./room-file.ts";

export interface Point {
  x: number;
  y: number;
  z: number;
}

export interface ReflectionPoint {
  speaker: number;
  boundary: Boundary;
  point: Point;
  /** Image source → listener, m. */
  pathM: number;
  /** How much later than the direct sound it arrives, ms. */
  delayMs: number;
  /** Level against the direct sound by distance alone (a rigid boundary), dB. */
  levelDb: number;
}

const PLANES: { boundary: Boundary; axis: "x" | "y" | "z"; at: (d: RoomDimensions) => number }[] = [
  { boundary: "front", axis: "x", at: () => 0 },
  { boundary: "back", axis: "x", at: (d) => d.length },
  { boundary: "left", axis: "y", at: () => 0 },
  { boundary: "right", axis: "y", at: (d) => d.width },
  { boundary: "floor", axis: "z", at: () => 0 },
  { boundary: "ceiling", axis: "z", at: (d) => d.height },
];

export function distance(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y, a.z - b.z);
}

/** The six first-order reflection points of each speaker, earliest first per speaker. */
export function firstReflections(
  room: RoomDimensions,
  listener: Point,
  speakers: readonly Point[],
): ReflectionPoint[] {
  const out: ReflectionPoint[] = [];
  speakers.forEach((speaker, s) => {
    const direct = distance(speaker, listener);
    const points = PLANES.map(({ boundary, axis, at }): ReflectionPoint => {
      const plane = at(room);
      const image = { ...speaker, [axis]: 2 * plane - speaker[axis] };
      const t = (plane - listener[axis]) / (image[axis] - listener[axis]);
      const point = {
        x: listener.x + t * (image.x - listener.x),
        y: listener.y + t * (image.y - listener.y),
        z: listener.z + t * (image.z - listener.z),
      };
      point[axis] = plane;
      const pathM = distance(image, listener);
      return {
        speaker: s,
        boundary,
        point,
        pathM,
        delayMs: ((pathM - direct) / SPEED_OF_SOUND) * 1000,
        levelDb: 20 * Math.log10(direct / pathM),
      };
    });
    out.push(...points.sort((a, b) => a.pathM - b.pathM));
  });
  return out;
}
