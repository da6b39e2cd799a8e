import { ControlRoomError } from "../../music/errors.ts";
import { type ChannelStrip, isAutomatableParameter, type PanLaw } from "../../music/strip.ts";
import { type AutomationLane, validateAutomationPoints } from "../dsp/automation.ts";
import { CompressorProcessor } from "../dsp/compressor.ts";
import { DB_TO_NEPER } from "../dsp/decibels.ts";
import { type PanGains, panGainsAt } from "../dsp/pan-law.ts";
import { SmoothedParam } from "../dsp/smoothed-param.ts";
import { FilterStage } from "./filter-stage.ts";

/**
 * Audio of one strip for one block. left/right hold the input and receive the output.
 * keyLeft/keyRight carry the sidechain source's pre-fader signal when the compressor names
 * one (keyRight null for a mono key). sendLeft[i]/sendRight[i] receive send i of
 * settings.sends (overwritten, not mixed into).
 */
export interface StripIO {
  left: Float64Array;
  right: Float64Array;
  keyLeft: Float64Array | null;
  keyRight: Float64Array | null;
  sendLeft: Float64Array[];
  sendRight: Float64Array[];
}

/**
 * The console channel strip of music/strip.ts, in its order: trim and polarity → high-pass
 * → low-pass → EQ bands → compressor → pre-fader sends → fader × mute → pan → post-fader
 * sends.
 *
 * Null guarantee: every stage that is off, or at exactly unity, is skipped, and dB values
 * of 0 convert to a gain of exactly 1.0, so a neutral strip under the "0dB" pan law passes
 * its input through bit for bit.
 *
 * Allocation: process() writes dB → gain as Math.exp(dB · ln10/20) inline rather than
 * calling dbToGain, because V8 boxes a double passed to or returned from a call it does not
 * inline. exp(0) is exactly 1, as dbToGain's is.
 *
 * Block-size independence: parameter values are functions of the absolute frame, filter
 * coefficients change only on a fixed frame grid (filter-stage.ts), and constant-parameter
 * shortcuts compute exactly what the per-sample path computes, so any block size gives the
 * same output.
 */
export class ChannelStripProcessor {
  /** The strip adds no latency. */
  readonly latencyFrames = 0;

  readonly trim: SmoothedParam;
  readonly fader: SmoothedParam;
  readonly pan: SmoothedParam;
  readonly mute: SmoothedParam;

  private readonly polarity: number;
  private readonly panLaw: PanLaw;
  private readonly highPass: FilterStage;
  private readonly lowPass: FilterStage;
  private readonly highPassOn: boolean;
  private readonly lowPassOn: boolean;
  private readonly bands: FilterStage[];
  private readonly bandOn: boolean[];
  private readonly compressor: CompressorProcessor | null;
  private readonly keyed: boolean;
  /** 1 normally, 0 while solo elsewhere silences this strip; ramps like any parameter. */
  private readonly solo: SmoothedParam;
  private readonly sendLevels: SmoothedParam[];
  private readonly sendPreFader: boolean[];
  private readonly sendEnabled: boolean[];
  private readonly params = new Map<string, SmoothedParam>();
  private readonly pan0: PanGains = { left: 1, right: 1 };
  private readonly panN: PanGains = { left: 1, right: 1 };
  private maxBlockFrames = 0;

  constructor(settings: ChannelStrip, lanes: readonly AutomationLane[] = []) {
    this.polarity = settings.invertPolarity ? -1 : 1;
    this.panLaw = settings.panLaw;
    this.trim = this.param("trimDb", new SmoothedParam(settings.trimDb));
    this.fader = this.param("faderDb", new SmoothedParam(settings.faderDb));
    this.pan = this.param("pan", new SmoothedParam(settings.pan));
    this.mute = this.param("mute", new SmoothedParam(settings.mute ? 1 : 0));
    this.solo = new SmoothedParam(1);

    const hp = settings.highPass;
    this.highPass = FilterStage.pass("highPass", hp.frequency, hp.slope);
    this.highPassOn = hp.enabled;
    this.param("highPass.frequency", this.highPass.frequency);
    const lp = settings.lowPass;
    this.lowPass = FilterStage.pass("lowPass", lp.frequency, lp.slope);
    this.lowPassOn = lp.enabled;
    this.param("lowPass.frequency", this.lowPass.frequency);

    this.bands = [];
    this.bandOn = [];
    settings.eq.forEach((band, i) => {
      const stage = FilterStage.band(band.type, band.frequency, band.gainDb, band.q);
      this.bands.push(stage);
      this.bandOn.push(band.enabled);
      this.param(`eq.${i}.frequency`, stage.frequency);
      this.param(`eq.${i}.gainDb`, stage.gain);
      this.param(`eq.${i}.q`, stage.q);
    });

    const comp = settings.compressor;
    this.compressor = comp.enabled ? new CompressorProcessor(comp) : null;
    this.keyed = comp.sidechainTrackId !== null;
    // Compressor parameters stay addressable when it is off, so lanes on them are accepted.
    const compParams = this.compressor ?? new CompressorProcessor(comp);
    this.param("compressor.thresholdDb", compParams.threshold);
    this.param("compressor.ratio", compParams.ratio);
    this.param("compressor.makeupDb", compParams.makeup);

    this.sendLevels = [];
    this.sendPreFader = [];
    this.sendEnabled = [];
    for (const send of settings.sends) {
      const level = new SmoothedParam(send.levelDb);
      this.sendLevels.push(level);
      this.sendPreFader.push(send.preFader);
      this.sendEnabled.push(send.enabled);
      this.param(`sends.${send.id}.levelDb`, level);
    }

    this.setAutomation(lanes);
  }

  private param(path: string, param: SmoothedParam): SmoothedParam {
    this.params.set(path, param);
    return param;
  }

  /**
   * Replaces all automation: each lane drives its parameter; parameters without a lane
   * return to their static values. Throws ControlRoomError for an unknown parameter, a
   * parameter automated twice, or malformed points. Not for the audio thread's process().
   */
  setAutomation(lanes: readonly AutomationLane[]): void {
    const seen = new Set<string>();
    for (const lane of lanes) {
      const path = lane.parameter;
      if (!isAutomatableParameter(path) || !this.params.has(path)) {
        throw new ControlRoomError(
          "E_AUTOMATION_PARAMETER",
          `cannot automate "${path}": it is not an automatable parameter of this strip`,
          path,
        );
      }
      if (seen.has(path)) {
        throw new ControlRoomError(
          "E_AUTOMATION_DUPLICATE",
          `"${path}" has two automation lanes; a parameter takes one`,
          path,
        );
      }
      seen.add(path);
      validateAutomationPoints(path, lane.points);
    }
    for (const param of this.params.values()) param.setLane(null);
    for (const lane of lanes) this.params.get(lane.parameter)?.setLane(lane.points);
  }

  /**
   * Live change of an automatable parameter (in its own unit; mute 0/1), reached by a
   * 20 ms linear ramp from the next block. Returns false for an unknown path. Ignored by
   * the sound while the parameter has an automation lane.
   */
  setParameter(path: string, value: number): boolean {
    const param = this.params.get(path);
    if (param === undefined || !Number.isFinite(value)) return false;
    param.setTarget(value);
    return true;
  }

  /** Called by the mixer when a solo elsewhere silences this strip: output and all sends. */
  setSoloMuted(muted: boolean): void {
    this.solo.setTarget(muted ? 0 : 1);
  }

  /** Allocates every buffer; process() then allocates nothing. */
  prepare(sampleRate: number, maxBlockFrames: number): void {
    this.maxBlockFrames = maxBlockFrames;
    this.refusedBlocks = 0;
    for (const param of this.params.values()) param.prepare(sampleRate, maxBlockFrames);
    this.solo.prepare(sampleRate, maxBlockFrames);
    this.highPass.prepare(sampleRate, maxBlockFrames);
    this.lowPass.prepare(sampleRate, maxBlockFrames);
    for (const band of this.bands) band.prepare(sampleRate, maxBlockFrames);
    this.compressor?.prepare(sampleRate, maxBlockFrames);
    this.reset();
  }

  /** Clears all filter and detector state and finishes any ramp in progress. */
  reset(): void {
    for (const param of this.params.values()) param.reset();
    this.solo.reset();
    this.highPass.reset();
    this.lowPass.reset();
    for (const band of this.bands) band.reset();
    this.compressor?.reset();
  }

  /**
   * Blocks refused since prepare() because they were longer than its maxBlockFrames. A
   * host checks it off the audio thread (a test, a debug build, the render loop).
   */
  refusedBlocks = 0;

  /**
   * Processes frames starting at absolute render frame absoluteFrame (an integer ≥ 0).
   * A block longer than prepare()'s maxBlockFrames is refused, not cut: process() must not
   * throw on an audio thread and its buffers hold only maxBlockFrames, so it writes silence
   * to the output and every send (a dropout, never unprocessed audio at an unknown level)
   * and counts the block in refusedBlocks.
   */
  process(io: StripIO, frames: number, absoluteFrame: number): void {
    if (frames > this.maxBlockFrames) {
      this.refuse(io, frames);
      return;
    }
    if (!(frames > 0)) return;
    const left = io.left;
    const right = io.right;

    this.applyTrim(left, right, frames, absoluteFrame);
    if (this.highPassOn) this.highPass.process(left, right, frames, absoluteFrame);
    if (this.lowPassOn) this.lowPass.process(left, right, frames, absoluteFrame);
    const bands = this.bands;
    for (let i = 0; i < bands.length; i++) {
      if (this.bandOn[i]) bands[i].process(left, right, frames, absoluteFrame);
    }
    const compressor = this.compressor;
    if (compressor !== null) {
      const key = this.keyed && io.keyLeft !== null;
      compressor.process(
        left,
        right,
        key ? io.keyLeft : null,
        key ? io.keyRight : null,
        frames,
        absoluteFrame,
      );
    }

    this.solo.fill(absoluteFrame, frames);
    this.writeSends(io, true, frames, absoluteFrame);
    this.applyOutputGain(left, right, frames, absoluteFrame);
    this.writeSends(io, false, frames, absoluteFrame);
  }

  private refuse(io: StripIO, frames: number): void {
    this.refusedBlocks++;
    io.left.fill(0, 0, frames);
    io.right.fill(0, 0, frames);
    for (const send of io.sendLeft) send.fill(0, 0, frames);
    for (const send of io.sendRight) send.fill(0, 0, frames);
  }

  private applyTrim(left: Float64Array, right: Float64Array, frames: number, at: number): void {
    const trim = this.trim;
    trim.fill(at, frames);
    const polarity = this.polarity;
    if (trim.isConstant) {
      const g = Math.exp(trim.value * DB_TO_NEPER) * polarity;
      if (g === 1) return;
      for (let i = 0; i < frames; i++) {
        left[i] *= g;
        right[i] *= g;
      }
      return;
    }
    const values = trim.values;
    for (let i = 0; i < frames; i++) {
      const g = Math.exp(values[i] * DB_TO_NEPER) * polarity;
      left[i] *= g;
      right[i] *= g;
    }
  }

  /**
   * Fader × mute × solo × pan law, one gain per side. Mute is applied as 1 − mute clamped
   * to 0..1, so a lane may ramp it for a fade. The constant path and the per-sample path
   * multiply the same factors in the same order, so they agree bit for bit.
   */
  private applyOutputGain(
    left: Float64Array,
    right: Float64Array,
    frames: number,
    at: number,
  ): void {
    const fader = this.fader;
    const pan = this.pan;
    const mute = this.mute;
    const solo = this.solo;
    fader.fill(at, frames);
    pan.fill(at, frames);
    mute.fill(at, frames);
    const law = this.panLaw;
    const pg = panGainsAt(law, pan.values, 0, this.pan0);
    if (fader.isConstant && pan.isConstant && mute.isConstant && solo.isConstant) {
      const m = mute.value;
      const g =
        Math.exp(fader.value * DB_TO_NEPER) * (m <= 0 ? 1 : m >= 1 ? 0 : 1 - m) * solo.value;
      const gl = g * pg.left;
      const gr = g * pg.right;
      if (gl !== 1) for (let i = 0; i < frames; i++) left[i] *= gl;
      if (gr !== 1) for (let i = 0; i < frames; i++) right[i] *= gr;
      return;
    }
    const faderConstant = fader.isConstant;
    const panConstant = pan.isConstant;
    const faderGain = Math.exp(fader.value * DB_TO_NEPER);
    const pn = this.panN;
    const faderValues = fader.values;
    const panValues = pan.values;
    const muteValues = mute.values;
    const soloValues = solo.values;
    for (let i = 0; i < frames; i++) {
      const f = faderConstant ? faderGain : Math.exp(faderValues[i] * DB_TO_NEPER);
      const m = muteValues[i];
      const g = f * (m <= 0 ? 1 : m >= 1 ? 0 : 1 - m) * soloValues[i];
      const p = panConstant ? pg : panGainsAt(law, panValues, i, pn);
      left[i] *= g * p.left;
      right[i] *= g * p.right;
    }
  }

  /** Writes the pre-fader (preFader = true) or post-fader sends at their levels. */
  private writeSends(io: StripIO, preFader: boolean, frames: number, at: number): void {
    const levels = this.sendLevels;
    const left = io.left;
    const right = io.right;
    const solo = this.solo;
    for (let s = 0; s < levels.length; s++) {
      if (this.sendPreFader[s] !== preFader) continue;
      if (s >= io.sendLeft.length || s >= io.sendRight.length) continue;
      const outL = io.sendLeft[s];
      const outR = io.sendRight[s];
      if (!this.sendEnabled[s]) {
        outL.fill(0, 0, frames);
        outR.fill(0, 0, frames);
        continue;
      }
      const level = levels[s];
      level.fill(at, frames);
      // Post-fader sends tap the output, which already carries the solo gain.
      if (level.isConstant && (!preFader || solo.isConstant)) {
        const levelGain = Math.exp(level.value * DB_TO_NEPER);
        const g = preFader ? levelGain * solo.value : levelGain;
        for (let i = 0; i < frames; i++) {
          outL[i] = left[i] * g;
          outR[i] = right[i] * g;
        }
        continue;
      }
      const levelValues = level.values;
      const soloValues = solo.values;
      for (let i = 0; i < frames; i++) {
        const levelGain = Math.exp(levelValues[i] * DB_TO_NEPER);
        const g = preFader ? levelGain * soloValues[i] : levelGain;
        outL[i] = left[i] * g;
        outR[i] = right[i] * g;
      }
    }
  }
}
