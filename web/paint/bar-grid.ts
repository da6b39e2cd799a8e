import { type TempoMap, ticksPerBar, ticksPerBeat } from "../../music/tempo-map.ts";
import { type ArrangementView, tickOfX } from "./arrangement-view.ts";

export interface GridLine {
  tick: number;
  bar: number;
  /** 1 on a bar line. */
  beat: number;
  /** The bar is labelled at this zoom. */
  labelled: boolean;
}

/**
 * The bar and beat lines inside the visible range, from the tempo map (so a metre change
 * moves them), thinned so that labelled bars stay at least 56 px apart and beats 10 px.
 */
export function visibleGrid(view: ArrangementView, tempoMap: TempoMap): GridLine[] {
  const first = tempoMap.tickToBarPosition(Math.max(0, tickOfX(view, view.headerWidth))).bar;
  const lastTick = tickOfX(view, view.width);
  const lines: GridLine[] = [];
  for (let bar = first; ; bar++) {
    const tick = tempoMap.barPositionToTick({ bar, beat: 1, tick: 0 });
    if (tick > lastTick) break;
    const signature = tempoMap.signatureAt(tick);
    const barPixels = ticksPerBar(signature) * view.pixelsPerTick;
    let step = 1;
    while (barPixels * step < 56) step *= 2;
    const labelled = (bar - 1) % step === 0;
    lines.push({ tick, bar, beat: 1, labelled });
    const beatTicks = ticksPerBeat(signature);
    if (beatTicks * view.pixelsPerTick >= 10) {
      for (let beat = 2; beat <= signature.numerator; beat++) {
        lines.push({ tick: tick + (beat - 1) * beatTicks, bar, beat, labelled: false });
      }
    }
    if (lines.length > 4000) break;
  }
  return lines;
}
