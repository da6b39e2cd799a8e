import type { TempoMap } from "../../music/tempo-map.ts";

/** A position as the transport shows it in time: `m:ss.mmm`. */
export function formatMinutesSeconds(seconds: number): string {
  const millis = Math.max(0, Math.floor(seconds * 1000));
  const minutes = Math.floor(millis / 60_000);
  const rest = millis - minutes * 60_000;
  const whole = Math.floor(rest / 1000);
  return `${minutes}:${String(whole).padStart(2, "0")}.${String(rest % 1000).padStart(3, "0")}`;
}

/** A position as the transport shows it in music: `bar.beat` from the tempo map, from 1.1. */
export function formatBarsBeats(tempoMap: TempoMap, seconds: number): string {
  const position = tempoMap.tickToBarPosition(tempoMap.secondsToTicks(Math.max(0, seconds)));
  return `${position.bar}.${position.beat}`;
}
