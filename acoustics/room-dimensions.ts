import { ControlRoomError } from "../music/errors.ts";

/**
 * An inside measure of a rectangular room in metres. Coordinates follow it: x runs along the
 * length from the front wall (the one the speakers stand at), y across the width from the left
 * wall as seen from the listening position, z up from the floor.
 */
export interface RoomDimensions {
  length: number;
  width: number;
  height: number;
}

/** Speed of sound in air at 20 °C, m/s. */
export const SPEED_OF_SOUND = 343;

/** A room smaller than a booth or bigger than a concert hall is a typo, not a room. */
const SMALLEST_M = 1;
const LARGEST_M = 100;

/** The dimensions checked: each a number of metres from 1 to 100, or E_ROOM_DIMENSIONS. */
export function checkDimensions(
  dimensions: RoomDimensions,
  subject = "dimensions",
): RoomDimensions {
  for (const key of ["length", "width", "height"] as const) {
    const value = dimensions[key];
    if (!Number.isFinite(value) || value <= 0) {
      throw new ControlRoomError(
        "E_ROOM_DIMENSIONS",
        `the room's ${key} is ${value} m; each dimension must be a positive number of metres`,
        `${subject}.${key}`,
      );
    }
    if (value < SMALLEST_M || value > LARGEST_M) {
      throw new ControlRoomError(
        "E_ROOM_DIMENSIONS",
        `the room's ${key} is ${value} m, which is not a room's size; give metres from ${SMALLEST_M} to ${LARGEST_M} (centimetres or feet by mistake?)`,
        `${subject}.${key}`,
      );
    }
  }
  return dimensions;
}

/** "5x4x2.7" (length × width × height in metres; × and * work too). */
export function parseDimensions(text: string, subject = "--dims"): RoomDimensions {
  const parts = text
    .trim()
    .split(/\s*[x×*]\s*/i)
    .map((part) => (part === "" ? Number.NaN : Number(part)));
  if (parts.length !== 3 || parts.some((value) => Number.isNaN(value))) {
    throw new ControlRoomError(
      "E_ROOM_DIMENSIONS",
      `"${text}" is not length × width × height in metres; write it like 5x4x2.7`,
      subject,
    );
  }
  const [length, width, height] = parts as [number, number, number];
  return checkDimensions({ length, width, height }, subject);
}

export function roomVolume(d: RoomDimensions): number {
  return d.length * d.width * d.height;
}
