import { type ArrangementState, type ArrangementView, xOfTick } from "./arrangement-view.ts";
import { THEME } from "./theme.ts";

/** The section map above the ruler: one coloured block per section, named. */
export class SectionMapPainter {
  paint(context: CanvasRenderingContext2D, view: ArrangementView, state: ArrangementState): void {
    const height = view.sectionHeight;
    context.fillStyle = THEME.background;
    context.fillRect(view.headerWidth, 0, view.width - view.headerWidth, height);
    context.font = THEME.fontBold;
    context.textBaseline = "middle";
    for (const section of state.document.sections) {
      const x0 = Math.max(view.headerWidth, xOfTick(view, section.startTick));
      const x1 = Math.min(view.width, xOfTick(view, section.startTick + section.lengthTicks));
      if (x1 <= x0) continue;
      context.fillStyle = section.colour;
      context.globalAlpha = 0.85;
      context.fillRect(x0 + 1, 2, x1 - x0 - 2, height - 4);
      context.globalAlpha = 1;
      context.save();
      context.beginPath();
      context.rect(x0 + 1, 0, x1 - x0 - 2, height);
      context.clip();
      context.fillStyle = THEME.clipText;
      context.fillText(section.name, x0 + 6, height / 2);
      context.restore();
    }
  }
}
