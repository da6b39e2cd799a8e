import { ControlRoomError } from "../music/errors.ts";
import type { TempoMap } from "../music/tempo-map.ts";

/**
 * A position on the command line, in seconds:
 * - `12.5` seconds, `1:02.5` minutes and seconds, `1:02:03` hours too;
 * - `@9` bar 9, `@9.3` bar 9 beat 3, through the project's tempo map.
 */
export function parseTimeArgument(text: string, flag: string, tempo: TempoMap): number {
  const bar = /^@(\d+)(?:\.(\d+))?$/.exec(text);
  if (bar) {
    const tick = tempo.barPositionToTick({
      bar: Number(bar[1]),
      beat: Number(bar[2] ?? 1),
      tick: 0,
    });
    return tempo.ticksToSeconds(tick);
  }
  const clock = /^(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d+)?)$/.exec(text);
  if (clock) {
    const parts = text.split(":").map(Number);
    return parts.reduce((sum, part) => sum * 60 + part, 0);
  }
  throw new ControlRoomError(
    "E_USAGE",
    `${flag} "${text}" is not a time: use seconds (12.5), minutes:seconds (1:02.5) or a bar (@9, @9.3)`,
    flag,
  );
}
