import type { TempoMap } from "../../music/tempo-map.ts";
import type { FrameScene } from "./frame-loop.ts";
import { formatBarsBeats, formatMinutesSeconds } from "./transport-format.ts";

const OVERLOAD_SHOWN_MS = 2000;

/** What the transport readout reads once per frame. */
export interface TransportReading {
  readonly seconds: number;
  readonly playing: boolean;
  /** Blocks the audio thread finished after their time budget. */
  readonly overloads: number;
}

/**
 * The transport's position, in bars.beats and in minutes:seconds, written into its two
 * readouts on the frame loop when it moved (no React render while the song plays).
 */
export class TransportScene implements FrameScene {
  private shown = Number.NaN;
  private playing: boolean | undefined;
  private overloads = -1;
  /** When a block last ran late; the indicator stays lit for OVERLOAD_SHOWN_MS after. */
  private overloadedAt = Number.NEGATIVE_INFINITY;
  private overloadShown = false;
  private readonly transport: TransportReading;
  private readonly tempoMap: () => TempoMap;
  private readonly barsBeats: HTMLElement;
  private readonly time: HTMLElement;
  private readonly root: HTMLElement;

  constructor(
    transport: TransportReading,
    tempoMap: () => TempoMap,
    readouts: { root: HTMLElement; barsBeats: HTMLElement; time: HTMLElement },
  ) {
    this.transport = transport;
    this.tempoMap = tempoMap;
    this.root = readouts.root;
    this.barsBeats = readouts.barsBeats;
    this.time = readouts.time;
  }

  frame(now: number): void {
    const seconds = this.transport.seconds;
    if (seconds !== this.shown) {
      this.shown = seconds;
      this.barsBeats.textContent = formatBarsBeats(this.tempoMap(), seconds);
      this.time.textContent = formatMinutesSeconds(seconds);
      this.time.dataset.seconds = seconds.toFixed(3);
    }
    const playing = this.transport.playing;
    if (playing !== this.playing) {
      this.playing = playing;
      this.root.dataset.playing = String(playing);
    }
    const overloads = this.transport.overloads;
    if (overloads !== this.overloads) {
      // The blocks that ran late while the engine started are not news.
      if (this.overloads >= 0) this.overloadedAt = now;
      this.overloads = overloads;
      this.root.dataset.overloads = String(overloads);
    }
    const shown = now - this.overloadedAt < OVERLOAD_SHOWN_MS;
    if (shown !== this.overloadShown) {
      this.overloadShown = shown;
      this.root.dataset.overloaded = String(shown);
    }
  }
}
