import { type ArrangementState, type ArrangementView, xOfTick } from "./arrangement-view.ts";
import { visibleGrid } from "./bar-grid.ts";
import { THEME } from "./theme.ts";

/** The bar/beat ruler under the section map, with the tempo and metre at the left. */
export class RulerPainter {
  paint(context: CanvasRenderingContext2D, view: ArrangementView, state: ArrangementState): void {
    const top = view.sectionHeight;
    const height = view.rulerHeight;
    context.fillStyle = THEME.ruler;
    context.fillRect(view.headerWidth, top, view.width - view.headerWidth, height);
    context.font = THEME.font;
    context.textBaseline = "middle";
    for (const line of visibleGrid(view, state.tempoMap)) {
      const x = Math.round(xOfTick(view, line.tick)) + 0.5;
      if (x < view.headerWidth) continue;
      context.strokeStyle = line.beat === 1 ? THEME.rulerText : THEME.gridBar;
      context.beginPath();
      context.moveTo(x, top + (line.beat === 1 ? (line.labelled ? 4 : 14) : 18));
      context.lineTo(x, top + height);
      context.stroke();
      if (line.labelled) {
        context.fillStyle = THEME.rulerText;
        context.fillText(String(line.bar), x + 4, top + 10);
      }
    }
    context.strokeStyle = THEME.border;
    context.beginPath();
    context.moveTo(view.headerWidth, top + height - 0.5);
    context.lineTo(view.width, top + height - 0.5);
    context.stroke();

    // The corner over the track headers: tempo and metre where the view starts.
    const at = Math.max(0, view.scrollTick);
    const signature = state.tempoMap.signatureAt(at);
    context.fillStyle = THEME.header;
    context.fillRect(0, 0, view.headerWidth, top + height);
    context.fillStyle = THEME.headerText;
    context.font = THEME.fontBold;
    context.fillText(
      `${formatBpm(state.tempoMap.bpmAt(at))} BPM   ${signature.numerator}/${signature.denominator}`,
      10,
      top + height / 2,
    );
    context.fillStyle = THEME.mutedText;
    context.font = THEME.font;
    context.fillText("Sections", 10, top / 2);
  }
}

function formatBpm(bpm: number): string {
  return Number.isInteger(bpm) ? String(bpm) : bpm.toFixed(2);
}
