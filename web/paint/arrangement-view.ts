import type { Project } from "../../music/project.ts";
import { PPQ, type TempoMap } from "../../music/tempo-map.ts";
import type { WaveformLevels } from "./waveform-painter.ts";

/**
 * Where the arrangement looks: horizontal zoom and scroll in ticks, vertical scroll in
 * pixels, and the fixed bands (track headers, section map, ruler). Plain data that the
 * painters read and the input handlers change.
 */
export interface ArrangementView {
  width: number;
  height: number;
  pixelsPerTick: number;
  /** The tick at the left edge of the timeline. */
  scrollTick: number;
  scrollY: number;
  readonly headerWidth: number;
  readonly sectionHeight: number;
  readonly rulerHeight: number;
  readonly trackHeight: number;
}

/** What the arrangement shows: the document, its tempo map, and the playhead. */
export interface ArrangementState {
  document: Project;
  tempoMap: TempoMap;
  playheadTick: number;
  /** Peaks of the sources, by source id, as they arrive from the server. */
  waveforms?: ReadonlyMap<string, WaveformLevels>;
}

export const MIN_PIXELS_PER_TICK = 0.5 / PPQ;
export const MAX_PIXELS_PER_TICK = 400 / PPQ;

export function initialView(): ArrangementView {
  return {
    width: 0,
    height: 0,
    pixelsPerTick: 24 / PPQ,
    scrollTick: 0,
    scrollY: 0,
    headerWidth: 176,
    sectionHeight: 22,
    rulerHeight: 26,
    trackHeight: 58,
  };
}

/** The top of the first track lane. */
export function lanesTop(view: ArrangementView): number {
  return view.sectionHeight + view.rulerHeight;
}

export function xOfTick(view: ArrangementView, tick: number): number {
  return view.headerWidth + (tick - view.scrollTick) * view.pixelsPerTick;
}

export function tickOfX(view: ArrangementView, x: number): number {
  return view.scrollTick + (x - view.headerWidth) / view.pixelsPerTick;
}

/** Zooms by `factor`, keeping the tick under `x` where it is (as Ctrl+wheel does in a DAW). */
export function zoomAround(view: ArrangementView, factor: number, x: number): void {
  const anchor = tickOfX(view, x);
  view.pixelsPerTick = Math.min(
    MAX_PIXELS_PER_TICK,
    Math.max(MIN_PIXELS_PER_TICK, view.pixelsPerTick * factor),
  );
  view.scrollTick = Math.max(0, anchor - (x - view.headerWidth) / view.pixelsPerTick);
}

export function scrollBy(view: ArrangementView, dx: number, dy: number, contentHeight: number) {
  view.scrollTick = Math.max(0, view.scrollTick + dx / view.pixelsPerTick);
  const maxY = Math.max(0, contentHeight - (view.height - lanesTop(view)));
  view.scrollY = Math.min(maxY, Math.max(0, view.scrollY + dy));
}

/** The tick where the song's last clip or section ends. */
export function songEndTick(document: Project, tempoMap: TempoMap): number {
  let end = 0;
  for (const section of document.sections)
    end = Math.max(end, section.startTick + section.lengthTicks);
  const sources = new Map(document.sources.map((source) => [source.id, source]));
  for (const track of document.tracks) {
    for (const clip of track.noteClips) end = Math.max(end, clip.startTick + clip.lengthTicks);
    for (const clip of track.clips) {
      const source = sources.get(clip.sourceId);
      if (source) end = Math.max(end, audioClipEndTick(clip, source.sampleRate, tempoMap));
    }
  }
  return end;
}

/** Where an audio clip ends on the timeline: its source frames last in seconds, not ticks. */
export function audioClipEndTick(
  clip: { startTick: number; lengthFrames: number; playbackRate: number },
  sourceRate: number,
  tempoMap: TempoMap,
): number {
  const seconds = tempoMap.ticksToSeconds(clip.startTick);
  return tempoMap.secondsToTicks(seconds + clip.lengthFrames / (clip.playbackRate * sourceRate));
}
