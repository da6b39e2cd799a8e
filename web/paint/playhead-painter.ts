import { type ArrangementState, type ArrangementView, xOfTick } from "./arrangement-view.ts";
import { THEME } from "./theme.ts";

/** The playhead: a line through every lane and a marker on the ruler. */
export class PlayheadPainter {
  paint(context: CanvasRenderingContext2D, view: ArrangementView, state: ArrangementState): void {
    const x = Math.round(xOfTick(view, state.playheadTick)) + 0.5;
    if (x < view.headerWidth || x > view.width) return;
    context.strokeStyle = THEME.playhead;
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(x, view.sectionHeight);
    context.lineTo(x, view.height);
    context.stroke();
    const top = view.sectionHeight;
    context.fillStyle = THEME.playhead;
    context.beginPath();
    context.moveTo(x - 6, top);
    context.lineTo(x + 6, top);
    context.lineTo(x, top + 9);
    context.closePath();
    context.fill();
  }
}
