import type { AudioSource, Project } from "../../music/project.ts";
import {
  type ArrangementState,
  type ArrangementView,
  audioClipEndTick,
  lanesTop,
  xOfTick,
} from "./arrangement-view.ts";
import { visibleGrid } from "./bar-grid.ts";
import { THEME, trackColour } from "./theme.ts";
import { WaveformPainter } from "./waveform-painter.ts";

/** What a clip is called on the timeline: the name of the file it plays. */
export function sourceLabel(source: AudioSource | undefined): string {
  if (!source) return "missing source";
  return source.file.replace(/^audio\//, "").replace(/\.[^.]+$/, "");
}

export function lanesHeight(document: Project, view: ArrangementView): number {
  return document.tracks.length * view.trackHeight;
}

/**
 * The tracks: a header with the name and kind, a lane with the grid, and the clips as
 * rectangles named by their source (audio) or their own name (notes, with a sketch of them).
 * Only what is inside the view is drawn.
 */
export class TrackLanesPainter {
  private readonly waveform = new WaveformPainter();

  paint(context: CanvasRenderingContext2D, view: ArrangementView, state: ArrangementState): void {
    const top = lanesTop(view);
    const { document, tempoMap } = state;
    const sources = new Map(document.sources.map((source) => [source.id, source]));
    const grid = visibleGrid(view, tempoMap);

    context.save();
    context.beginPath();
    context.rect(0, top, view.width, view.height - top);
    context.clip();
    context.fillStyle = THEME.background;
    context.fillRect(0, top, view.width, view.height - top);

    document.tracks.forEach((track, index) => {
      const y = top + index * view.trackHeight - view.scrollY;
      if (y + view.trackHeight < top || y > view.height) return;
      const h = view.trackHeight;
      const colour = trackColour(index);

      context.fillStyle = index % 2 === 0 ? THEME.lane : THEME.laneAlternate;
      context.fillRect(view.headerWidth, y, view.width - view.headerWidth, h);
      for (const line of grid) {
        const x = Math.round(xOfTick(view, line.tick)) + 0.5;
        if (x < view.headerWidth) continue;
        context.strokeStyle = line.beat === 1 ? THEME.gridBar : THEME.grid;
        context.beginPath();
        context.moveTo(x, y);
        context.lineTo(x, y + h);
        context.stroke();
      }

      context.save();
      context.beginPath();
      context.rect(view.headerWidth, y, view.width - view.headerWidth, h);
      context.clip();
      for (const clip of track.clips) {
        const source = sources.get(clip.sourceId);
        const end = source
          ? audioClipEndTick(clip, source.sampleRate, tempoMap)
          : clip.startTick + 1;
        const shown = this.clip(
          context,
          view,
          y,
          clip.startTick,
          end,
          colour,
          sourceLabel(source),
          clip.mute,
        );
        const levels = state.waveforms?.get(clip.sourceId);
        if (shown && source && levels) {
          const x0 = xOfTick(view, clip.startTick);
          const x1 = xOfTick(view, end);
          context.globalAlpha = clip.mute ? 0.35 : 0.9;
          this.waveform.paint(
            context,
            view,
            tempoMap,
            clip,
            source.sampleRate,
            levels,
            {
              x0,
              x1,
              top: y + 19,
              height: view.trackHeight - 25,
            },
            colour,
          );
          context.globalAlpha = 1;
        }
      }
      for (const clip of track.noteClips) {
        const x0 = xOfTick(view, clip.startTick);
        const x1 = xOfTick(view, clip.startTick + clip.lengthTicks);
        if (
          !this.clip(
            context,
            view,
            y,
            clip.startTick,
            clip.startTick + clip.lengthTicks,
            colour,
            clip.name || track.name,
            clip.mute,
          )
        )
          continue;
        this.notes(context, view, clip, x0, x1, y);
      }
      context.restore();

      context.fillStyle = THEME.header;
      context.fillRect(0, y, view.headerWidth, h);
      context.fillStyle = colour;
      context.fillRect(0, y, 4, h);
      context.fillStyle = THEME.headerText;
      context.font = THEME.fontBold;
      context.textBaseline = "middle";
      context.fillText(track.name, 14, y + h / 2 - 8, view.headerWidth - 24);
      context.fillStyle = THEME.mutedText;
      context.font = THEME.font;
      const flags = [track.kind, track.strip.mute ? "muted" : "", track.strip.solo ? "solo" : ""];
      context.fillText(flags.filter(Boolean).join(" · "), 14, y + h / 2 + 9);
      context.strokeStyle = THEME.border;
      context.beginPath();
      context.moveTo(0, y + h - 0.5);
      context.lineTo(view.width, y + h - 0.5);
      context.stroke();
    });
    context.strokeStyle = THEME.border;
    context.beginPath();
    context.moveTo(view.headerWidth - 0.5, top);
    context.lineTo(view.headerWidth - 0.5, view.height);
    context.stroke();
    context.restore();
  }

  /** Draws one clip's body; false when it is outside the view. */
  private clip(
    context: CanvasRenderingContext2D,
    view: ArrangementView,
    y: number,
    startTick: number,
    endTick: number,
    colour: string,
    label: string,
    muted: boolean,
  ): boolean {
    const x0 = xOfTick(view, startTick);
    const x1 = xOfTick(view, endTick);
    if (x1 < view.headerWidth || x0 > view.width) return false;
    const top = y + 3;
    const height = view.trackHeight - 7;
    context.globalAlpha = muted ? 0.35 : 1;
    context.fillStyle = colour;
    context.globalAlpha *= 0.28;
    context.fillRect(x0, top, x1 - x0, height);
    context.globalAlpha = muted ? 0.35 : 1;
    context.fillStyle = colour;
    context.fillRect(x0, top, x1 - x0, 14);
    context.strokeStyle = colour;
    context.strokeRect(x0 + 0.5, top + 0.5, Math.max(0, x1 - x0 - 1), height - 1);
    context.fillStyle = THEME.clipText;
    context.font = THEME.fontBold;
    context.textBaseline = "middle";
    const textX = Math.max(x0, view.headerWidth) + 4;
    if (x1 - textX > 12) context.fillText(label, textX, top + 7, x1 - textX - 4);
    context.globalAlpha = 1;
    return true;
  }

  /** A sketch of the notes, pitch mapped to the clip's height between its lowest and highest. */
  private notes(
    context: CanvasRenderingContext2D,
    view: ArrangementView,
    clip: { startTick: number; notes: { pitch: number; startTick: number; lengthTicks: number }[] },
    x0: number,
    x1: number,
    y: number,
  ): void {
    if (clip.notes.length === 0 || x1 - x0 < 4) return;
    let low = 127;
    let high = 0;
    for (const note of clip.notes) {
      low = Math.min(low, note.pitch);
      high = Math.max(high, note.pitch);
    }
    const top = y + 20;
    const height = view.trackHeight - 28;
    const span = Math.max(1, high - low);
    context.fillStyle = THEME.headerText;
    context.globalAlpha = 0.75;
    for (const note of clip.notes) {
      const nx0 = xOfTick(view, clip.startTick + note.startTick);
      if (nx0 > view.width) break;
      const nx1 = xOfTick(view, clip.startTick + note.startTick + note.lengthTicks);
      if (nx1 < view.headerWidth) continue;
      const ny = top + height - ((note.pitch - low) / span) * height;
      context.fillRect(nx0, ny - 1, Math.max(1, nx1 - nx0 - 1), 2);
    }
    context.globalAlpha = 1;
  }
}
