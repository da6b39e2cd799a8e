import { z } from "zod";
import { ControlRoomError } from "./errors.ts";

/** Musical time resolution: ticks per quarter note. */
export const PPQ = 960;

export const TempoChange = z.strictObject({
  tick: z.number().int().min(0),
  bpm: z.number().min(1).max(999),
});
export type TempoChange = z.infer<typeof TempoChange>;

export const TimeSignature = z.strictObject({
  tick: z.number().int().min(0),
  numerator: z.number().int().min(1).max(64),
  denominator: z.union([
    z.literal(1),
    z.literal(2),
    z.literal(4),
    z.literal(8),
    z.literal(16),
    z.literal(32),
  ]),
});
export type TimeSignature = z.infer<typeof TimeSignature>;

export const Tempo = z.strictObject({
  changes: z.array(TempoChange).min(1),
  timeSignatures: z.array(TimeSignature).min(1),
});
export type Tempo = z.infer<typeof Tempo>;

export interface BarPosition {
  /** 1-based bar number, as a DAW's ruler shows it. */
  bar: number;
  /** 1-based beat within the bar, in the time signature's beat unit. */
  beat: number;
  /** Ticks past that beat. */
  tick: number;
}

/**
 * Converts between ticks (960 PPQ), seconds and sample frames. Tempo is constant between
 * changes (a step map, as in a Standard MIDI File), so every conversion is a sum of exact
 * segments and round-trips to within floating-point rounding.
 */
export class TempoMap {
  private readonly ticks: number[];
  private readonly bpms: number[];
  private readonly startSeconds: number[];
  private readonly signatures: TimeSignature[];
  private readonly signatureBars: number[];

  constructor(tempo: Tempo) {
    const changes = [...tempo.changes].sort((a, b) => a.tick - b.tick);
    if (changes[0].tick !== 0) {
      throw new ControlRoomError(
        "E_TEMPO_START",
        `the first tempo change is at tick ${changes[0].tick}, it must be at tick 0`,
        "tempo.changes.0.tick",
      );
    }
    this.ticks = changes.map((c) => c.tick);
    this.bpms = changes.map((c) => c.bpm);
    this.startSeconds = [0];
    for (let i = 1; i < changes.length; i++) {
      this.startSeconds.push(
        this.startSeconds[i - 1] +
          secondsPerTick(this.bpms[i - 1]) * (this.ticks[i] - this.ticks[i - 1]),
      );
    }
    this.signatures = [...tempo.timeSignatures].sort((a, b) => a.tick - b.tick);
    if (this.signatures[0].tick !== 0) {
      throw new ControlRoomError(
        "E_METER_START",
        `the first time signature is at tick ${this.signatures[0].tick}, it must be at tick 0`,
        "tempo.timeSignatures.0.tick",
      );
    }
    this.signatureBars = [0];
    for (let i = 1; i < this.signatures.length; i++) {
      const previous = this.signatures[i - 1];
      const barTicks = ticksPerBar(previous);
      const elapsed = this.signatures[i].tick - previous.tick;
      if (elapsed % barTicks !== 0) {
        throw new ControlRoomError(
          "E_METER_OFF_BAR",
          `the time signature at tick ${this.signatures[i].tick} does not start on a bar line`,
          `tempo.timeSignatures.${i}.tick`,
        );
      }
      this.signatureBars.push(this.signatureBars[i - 1] + elapsed / barTicks);
    }
  }

  bpmAt(tick: number): number {
    return this.bpms[this.segmentAtTick(tick)];
  }

  ticksToSeconds(tick: number): number {
    const i = this.segmentAtTick(tick);
    return this.startSeconds[i] + secondsPerTick(this.bpms[i]) * (tick - this.ticks[i]);
  }

  secondsToTicks(seconds: number): number {
    let i = this.startSeconds.length - 1;
    while (i > 0 && this.startSeconds[i] > seconds) i--;
    return this.ticks[i] + (seconds - this.startSeconds[i]) / secondsPerTick(this.bpms[i]);
  }

  /** Fractional frame position of a tick at a sample rate. */
  ticksToFrames(tick: number, sampleRate: number): number {
    return this.ticksToSeconds(tick) * sampleRate;
  }

  framesToTicks(frame: number, sampleRate: number): number {
    return this.secondsToTicks(frame / sampleRate);
  }

  signatureAt(tick: number): TimeSignature {
    return this.signatures[this.signatureIndexAt(tick)];
  }

  tickToBarPosition(tick: number): BarPosition {
    const i = this.signatureIndexAt(tick);
    const signature = this.signatures[i];
    const beatTicks = ticksPerBeat(signature);
    const sinceSignature = tick - signature.tick;
    const barsSince = Math.floor(sinceSignature / ticksPerBar(signature));
    const inBar = sinceSignature - barsSince * ticksPerBar(signature);
    return {
      bar: this.signatureBars[i] + barsSince + 1,
      beat: Math.floor(inBar / beatTicks) + 1,
      tick: inBar % beatTicks,
    };
  }

  barPositionToTick(position: BarPosition): number {
    const bar0 = position.bar - 1;
    let i = this.signatureBars.length - 1;
    while (i > 0 && this.signatureBars[i] > bar0) i--;
    const signature = this.signatures[i];
    return (
      signature.tick +
      (bar0 - this.signatureBars[i]) * ticksPerBar(signature) +
      (position.beat - 1) * ticksPerBeat(signature) +
      position.tick
    );
  }

  private segmentAtTick(tick: number): number {
    let i = this.ticks.length - 1;
    while (i > 0 && this.ticks[i] > tick) i--;
    return i;
  }

  private signatureIndexAt(tick: number): number {
    let i = this.signatures.length - 1;
    while (i > 0 && this.signatures[i].tick > tick) i--;
    return i;
  }
}

function secondsPerTick(bpm: number): number {
  return 60 / (bpm * PPQ);
}

export function ticksPerBeat(signature: TimeSignature): number {
  return (PPQ * 4) / signature.denominator;
}

export function ticksPerBar(signature: TimeSignature): number {
  return ticksPerBeat(signature) * signature.numerator;
}
