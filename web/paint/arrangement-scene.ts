import type { Project } from "../../music/project.ts";
import { TempoMap } from "../../music/tempo-map.ts";
import {
  type ArrangementState,
  type ArrangementView,
  initialView,
  lanesTop,
  scrollBy,
  tickOfX,
  zoomAround,
} from "./arrangement-view.ts";
import type { FrameScene } from "./frame-loop.ts";
import { PlayheadPainter } from "./playhead-painter.ts";
import { RulerPainter } from "./ruler-painter.ts";
import { SectionMapPainter } from "./section-map-painter.ts";
import { lanesHeight, TrackLanesPainter } from "./track-lanes-painter.ts";
import type { WaveformLevels } from "./waveform-painter.ts";

/**
 * The arrangement on one canvas: the view and state the painters read, repainted on the
 * frame loop only when something changed (a new document, zoom, scroll, the playhead, or
 * the canvas's size). Input handlers call the methods here; nothing goes through React.
 */
export class ArrangementScene implements FrameScene {
  readonly view: ArrangementView = initialView();
  readonly state: ArrangementState;
  private readonly context: CanvasRenderingContext2D;
  private readonly painters = [
    new TrackLanesPainter(),
    new SectionMapPainter(),
    new RulerPainter(),
    new PlayheadPainter(),
  ];
  private dirty = true;
  private pixelRatio = 0;

  private readonly canvas: HTMLCanvasElement;

  constructor(canvas: HTMLCanvasElement, document: Project) {
    this.canvas = canvas;
    const context = canvas.getContext("2d", { alpha: false });
    if (!context) throw new Error("this browser cannot paint on a 2D canvas");
    this.context = context;
    this.state = { document, tempoMap: new TempoMap(document.tempo), playheadTick: 0 };
  }

  setDocument(document: Project): void {
    if (document === this.state.document) return;
    if (document.tempo !== this.state.document.tempo) {
      this.state.tempoMap = new TempoMap(document.tempo);
    }
    this.state.document = document;
    this.dirty = true;
  }

  /** A source's peaks arrived: its clips get their waveform. */
  setWaveform(sourceId: string, levels: WaveformLevels): void {
    const waveforms = new Map(this.state.waveforms);
    waveforms.set(sourceId, levels);
    this.state.waveforms = waveforms;
    // How many sources have their waveform: for tests and tools, not for painting.
    this.canvas.dataset.waveforms = String(waveforms.size);
    this.dirty = true;
  }

  setPlayhead(tick: number): void {
    this.state.playheadTick = Math.max(0, tick);
    this.dirty = true;
  }

  /**
   * Follows a playing transport as DAWs page: when the playhead leaves the visible
   * timeline, the view turns a page so the playhead is at its left again.
   */
  followPlayhead(): void {
    const x = this.playheadX();
    if (this.view.width <= this.view.headerWidth) return;
    if (x >= this.view.headerWidth && x <= this.view.width - 8) return;
    this.scroll(x - this.view.headerWidth - 24, 0);
  }

  /** Zooms by `factor` around `x` (CSS pixels from the canvas's left), else the playhead. */
  zoom(factor: number, x?: number): void {
    const anchor = x ?? Math.max(this.view.headerWidth, this.playheadX());
    zoomAround(this.view, factor, anchor);
    this.dirty = true;
  }

  scroll(dx: number, dy: number): void {
    scrollBy(this.view, dx, dy, lanesHeight(this.state.document, this.view));
    this.dirty = true;
  }

  /** The tick at a point on the ruler or section map, or undefined elsewhere. */
  rulerTickAt(x: number, y: number): number | undefined {
    if (x < this.view.headerWidth || y >= lanesTop(this.view)) return undefined;
    return Math.max(0, tickOfX(this.view, x));
  }

  frame(): void {
    const rect = this.canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(rect.width));
    const height = Math.max(1, Math.round(rect.height));
    if (width !== this.view.width || height !== this.view.height || ratio !== this.pixelRatio) {
      this.view.width = width;
      this.view.height = height;
      this.pixelRatio = ratio;
      this.canvas.width = Math.round(width * ratio);
      this.canvas.height = Math.round(height * ratio);
      this.dirty = true;
    }
    if (!this.dirty) return;
    this.dirty = false;
    const context = this.context;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    for (const painter of this.painters) painter.paint(context, this.view, this.state);
  }

  private playheadX(): number {
    return (
      this.view.headerWidth +
      (this.state.playheadTick - this.view.scrollTick) * this.view.pixelsPerTick
    );
  }
}
