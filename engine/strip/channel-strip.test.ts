import { describe, expect, it } from "vitest";
import { ControlRoomError } from "../../music/errors.ts";
import { type ChannelStrip, type EqBandType, neutralStrip } from "../../music/strip.ts";
import type { AutomationLane } from "../dsp/automation.ts";
import {
  type BiquadCoefficients,
  biquadMagnitudeDb,
  highShelfCoefficients,
  lowShelfCoefficients,
  peakingCoefficients,
} from "../dsp/biquad.ts";
import { ChannelStripProcessor, type StripIO } from "./channel-strip.ts";

const FS = 48_000;

/** Deterministic uniform noise in [−1, 1) (a 32-bit LCG), so failures reproduce. */
function noise(frames: number, seed: number, amplitude = 1): Float64Array {
  const out = new Float64Array(frames);
  let s = seed >>> 0;
  for (let i = 0; i < frames; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = amplitude * (s / 2 ** 31 - 1);
  }
  return out;
}

/** A neutral strip under the "0dB" law (bit-transparent), with changes applied. */
function strip(change: (s: ChannelStrip) => void = () => {}): ChannelStrip {
  const s = neutralStrip();
  s.panLaw = "0dB";
  change(s);
  return s;
}

interface Rendered {
  left: Float64Array;
  right: Float64Array;
  sendLeft: Float64Array[];
  sendRight: Float64Array[];
}

interface RenderOptions {
  block?: number;
  key?: Float64Array | null;
  /** Called before the block that starts at each listed frame. */
  at?: Record<number, (p: ChannelStripProcessor) => void>;
}

/** Processes whole signals through a fresh strip in blocks, like the engine would. */
function render(
  settings: ChannelStrip,
  left: Float64Array,
  right: Float64Array,
  lanes: AutomationLane[] = [],
  { block = 512, key = null, at = {} }: RenderOptions = {},
): Rendered {
  const processor = new ChannelStripProcessor(settings, lanes);
  processor.prepare(FS, block);
  const sends = settings.sends.length;
  const io: StripIO = {
    left: new Float64Array(block),
    right: new Float64Array(block),
    keyLeft: key === null ? null : new Float64Array(block),
    keyRight: null,
    sendLeft: Array.from({ length: sends }, () => new Float64Array(block).fill(7)),
    sendRight: Array.from({ length: sends }, () => new Float64Array(block).fill(7)),
  };
  const out: Rendered = {
    left: new Float64Array(left.length),
    right: new Float64Array(left.length),
    sendLeft: Array.from({ length: sends }, () => new Float64Array(left.length)),
    sendRight: Array.from({ length: sends }, () => new Float64Array(left.length)),
  };
  for (let frame = 0; frame < left.length; frame += block) {
    const n = Math.min(block, left.length - frame);
    at[frame]?.(processor);
    io.left.set(left.subarray(frame, frame + n));
    io.right.set(right.subarray(frame, frame + n));
    if (key !== null) io.keyLeft?.set(key.subarray(frame, frame + n));
    processor.process(io, n, frame);
    out.left.set(io.left.subarray(0, n), frame);
    out.right.set(io.right.subarray(0, n), frame);
    for (let s = 0; s < sends; s++) {
      out.sendLeft[s].set(io.sendLeft[s].subarray(0, n), frame);
      out.sendRight[s].set(io.sendRight[s].subarray(0, n), frame);
    }
  }
  return out;
}

function maxAbsDifference(a: Float64Array, b: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Index of the first sample that differs by so much as a bit, or −1. */
function firstDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

/** 20 log10 |Σ h[n] e^−jωn| at f: the measured magnitude response of an impulse response. */
function dftMagnitudeDb(h: Float64Array, f: number): number {
  const w = (2 * Math.PI * f) / FS;
  let re = 0;
  let im = 0;
  for (let n = 0; n < h.length; n++) {
    re += h[n] * Math.cos(w * n);
    im -= h[n] * Math.sin(w * n);
  }
  return 10 * Math.log10(re * re + im * im);
}

/** 20 log-spaced frequencies from 20 Hz to 20 kHz. */
const FREQUENCIES = Array.from({ length: 20 }, (_, k) => 20 * 1000 ** (k / 19));

/** Long enough for the slowest tested filter (high-pass 24 at 40 Hz) to decay below 1e-15. */
const IMPULSE_FRAMES = 1 << 16;

function impulseResponse(settings: ChannelStrip): Float64Array {
  const impulse = new Float64Array(IMPULSE_FRAMES);
  impulse[0] = 1;
  return render(settings, impulse, impulse.slice()).left;
}

/**
 * Butterworth of order N through the bilinear transform, pre-warped at f0:
 * |H|² = 1 / (1 + (tan(ω/2)/tan(ω0/2))^(2N)) for a low-pass, the ratio inverted for a
 * high-pass. Written independently of the coefficient code.
 */
function butterworthDb(kind: "highPass" | "lowPass", order: number, f0: number, f: number): number {
  const ratio = Math.tan((Math.PI * f) / FS) / Math.tan((Math.PI * f0) / FS);
  const r = kind === "lowPass" ? ratio : 1 / ratio;
  return -10 * Math.log10(1 + r ** (2 * order));
}

describe("channel strip filters", () => {
  const passCases: ["highPass" | "lowPass", 12 | 24, number][] = [
    ["highPass", 12, 80],
    ["highPass", 12, 1000],
    ["highPass", 24, 40],
    ["highPass", 24, 300],
    ["lowPass", 12, 5000],
    ["lowPass", 12, 16_000],
    ["lowPass", 24, 2000],
    ["lowPass", 24, 12_000],
  ];
  for (const [kind, slope, f0] of passCases) {
    it(`${kind} ${slope} dB/oct at ${f0} Hz matches the Butterworth response within 0.01 dB`, () => {
      const h = impulseResponse(
        strip((s) => {
          s[kind] = { enabled: true, frequency: f0, slope };
        }),
      );
      for (const f of FREQUENCIES) {
        const expected = butterworthDb(kind, slope / 6, f0, f);
        expect(Math.abs(dftMagnitudeDb(h, f) - expected), `at ${f.toFixed(1)} Hz`).toBeLessThan(
          0.01,
        );
      }
    });
  }

  const designs: Record<EqBandType, (f0: number, q: number, g: number) => BiquadCoefficients> = {
    lowShelf: (f0, q, g) => lowShelfCoefficients(FS, f0, q, g),
    peak: (f0, q, g) => peakingCoefficients(FS, f0, q, g),
    highShelf: (f0, q, g) => highShelfCoefficients(FS, f0, q, g),
  };
  const bandCases: [EqBandType, number, number, number][] = [
    ["lowShelf", 100, Math.SQRT1_2, 6],
    ["lowShelf", 300, 0.5, -12],
    ["peak", 60, 4, 9],
    ["peak", 1000, 1, -6],
    ["peak", 8000, 0.3, 15],
    ["highShelf", 8000, Math.SQRT1_2, -4],
    ["highShelf", 3000, 1.2, 10],
  ];
  bandCases.forEach(([type, f0, q, gainDb], i) => {
    it(`${type} at ${f0} Hz, Q ${q.toFixed(2)}, ${gainDb} dB matches the cookbook response within 0.01 dB`, () => {
      const band = i % 4;
      const h = impulseResponse(
        strip((s) => {
          s.eq[band] = { type, enabled: true, frequency: f0, gainDb, q };
        }),
      );
      const c = designs[type](f0, q, gainDb);
      for (const f of FREQUENCIES) {
        expect(
          Math.abs(dftMagnitudeDb(h, f) - biquadMagnitudeDb(c, f, FS)),
          `at ${f.toFixed(1)} Hz`,
        ).toBeLessThan(0.01);
      }
    });
  });

  it("skips an enabled band at 0 dB gain, leaving the signal bit for bit", () => {
    const x = noise(4096, 11);
    const settings = strip((s) => {
      s.eq[1] = { type: "peak", enabled: true, frequency: 1000, gainDb: 0, q: 4 };
    });
    const out = render(settings, x, x);
    expect(firstDifference(out.left, x)).toBe(-1);
  });
});

describe("channel strip gain stages", () => {
  it("passes a random signal bit for bit when neutral under the 0dB pan law", () => {
    const left = noise(FS, 1);
    const right = noise(FS, 2);
    const out = render(strip(), left, right, [], { block: 128 });
    expect(firstDifference(out.left, left)).toBe(-1);
    expect(firstDifference(out.right, right)).toBe(-1);
  });

  it("applies trim, polarity, fader and pan law in one product", () => {
    const x = noise(1024, 3);
    const out = render(
      strip((s) => {
        s.trimDb = 6;
        s.invertPolarity = true;
        s.faderDb = -12;
        s.pan = 0.5;
        s.panLaw = "-3dB";
      }),
      x,
      x,
    );
    const g = -(10 ** (6 / 20)) * 10 ** (-12 / 20);
    const theta = (1.5 * Math.PI) / 4;
    expect(out.left[100] / x[100]).toBeCloseTo(g * Math.cos(theta), 12);
    expect(out.right[100] / x[100]).toBeCloseTo(g * Math.sin(theta), 12);
  });

  it("silences the output when muted", () => {
    const x = noise(1024, 4);
    const out = render(
      strip((s) => {
        s.mute = true;
      }),
      x,
      x,
    );
    expect(maxAbsDifference(out.left, new Float64Array(1024))).toBe(0);
  });

  it("lands a mute automation hold step on its exact frame, mid-block", () => {
    const x = noise(2048, 5);
    const lanes: AutomationLane[] = [
      {
        parameter: "mute",
        points: [
          { frame: 0, value: 0, curve: "hold" },
          { frame: 777, value: 1, curve: "hold" },
          { frame: 1500, value: 0, curve: "hold" },
        ],
      },
    ];
    const out = render(strip(), x, x, lanes, { block: 64 });
    expect(out.left[776]).toBe(x[776]);
    expect(Math.abs(out.left[777])).toBe(0);
    expect(Math.abs(out.left[1499])).toBe(0);
    expect(out.left[1500]).toBe(x[1500]);
  });

  it("follows a linear fader ramp sample by sample", () => {
    const x = new Float64Array(2048).fill(0.5);
    const lanes: AutomationLane[] = [
      {
        parameter: "faderDb",
        points: [
          { frame: 100, value: 0, curve: "linear" },
          { frame: 1100, value: -20, curve: "linear" },
        ],
      },
    ];
    const out = render(strip(), x, x, lanes, { block: 64 });
    expect(out.left[100]).toBe(0.5);
    expect(out.left[600]).toBeCloseTo(0.5 * 10 ** (-10 / 20), 14);
    expect(out.left[1100]).toBeCloseTo(0.05, 14);
    expect(out.left[2047]).toBeCloseTo(0.05, 14);
  });

  it("ramps a live fader change over 20 ms instead of jumping", () => {
    const x = new Float64Array(4096).fill(1);
    const out = render(strip(), x, x, [], {
      block: 256,
      at: { 1024: (p) => p.setParameter("faderDb", -6) },
    });
    expect(out.left[1023]).toBe(1);
    expect(out.left[1024]).toBe(1);
    expect(out.left[1024 + 480]).toBeCloseTo(10 ** (-3 / 20), 12);
    expect(out.left[1024 + 960]).toBeCloseTo(10 ** (-6 / 20), 12);
    for (let i = 1; i < 4096; i++)
      expect(Math.abs(out.left[i] - out.left[i - 1])).toBeLessThan(1e-3);
  });
});

describe("channel strip sends and solo", () => {
  const withSends = (s: ChannelStrip) => {
    s.faderDb = -10;
    s.pan = -1;
    s.sends = [
      { id: "pre", busId: "cue", levelDb: -6, preFader: true, enabled: true },
      { id: "post", busId: "reverb", levelDb: -3, preFader: false, enabled: true },
      { id: "off", busId: "delay", levelDb: 0, preFader: false, enabled: false },
    ];
  };

  it("writes pre-fader sends before the fader and post-fader sends from the panned output", () => {
    const x = noise(1024, 6);
    const out = render(strip(withSends), x, x);
    const i = 321;
    expect(out.sendLeft[0][i]).toBeCloseTo(x[i] * 10 ** (-6 / 20), 14);
    expect(out.sendRight[0][i]).toBeCloseTo(x[i] * 10 ** (-6 / 20), 14);
    expect(out.left[i]).toBeCloseTo(x[i] * 10 ** (-10 / 20), 14);
    expect(Math.abs(out.right[i])).toBe(0);
    expect(out.sendLeft[1][i]).toBeCloseTo(out.left[i] * 10 ** (-3 / 20), 14);
    expect(Math.abs(out.sendRight[1][i])).toBe(0);
  });

  it("overwrites the send buffers and writes silence for a disabled send", () => {
    const x = noise(1024, 7);
    const out = render(strip(withSends), x, x);
    expect(maxAbsDifference(out.sendLeft[2], new Float64Array(1024))).toBe(0);
    expect(maxAbsDifference(out.sendRight[2], new Float64Array(1024))).toBe(0);
  });

  it("silences output and every send within 20 ms when solo elsewhere mutes it", () => {
    const x = noise(4096, 8);
    const out = render(strip(withSends), x, x, [], {
      block: 128,
      at: { 1024: (p) => p.setSoloMuted(true) },
    });
    expect(out.sendLeft[0][1000]).not.toBe(0);
    for (const signal of [out.left, out.sendLeft[0], out.sendLeft[1]]) {
      expect(maxAbsDifference(signal.subarray(1024 + 960), new Float64Array(4096 - 1984))).toBe(0);
    }
  });

  it("is silent from the first frame when solo-muted before playback starts", () => {
    const x = noise(1024, 9);
    const out = render(strip(withSends), x, x, [], { at: { 0: (p) => p.setSoloMuted(true) } });
    expect(maxAbsDifference(out.left, new Float64Array(1024))).toBe(0);
    expect(maxAbsDifference(out.sendLeft[0], new Float64Array(1024))).toBe(0);
  });

  it("keys the compressor from the sidechain input when the settings name one", () => {
    const x = new Float64Array(FS / 2).fill(10 ** (-30 / 20));
    const key = new Float64Array(FS / 2).fill(1);
    const settings = strip((s) => {
      s.compressor = { ...s.compressor, enabled: true, sidechainTrackId: "kick", attackMs: 1 };
    });
    const keyed = render(settings, x, x, [], { key });
    expect(20 * Math.log10(keyed.left[FS / 2 - 1] / x[0])).toBeCloseTo(-13.5, 6);
    // Without a key signal from the caller the strip keys from itself: −30 dBFS is below −18.
    const unkeyed = render(settings, x, x);
    expect(unkeyed.left[FS / 2 - 1]).toBe(x[0]);
  });
});

describe("channel strip determinism", () => {
  const everything = (s: ChannelStrip) => {
    s.trimDb = 3;
    s.invertPolarity = true;
    s.highPass = { enabled: true, frequency: 60, slope: 24 };
    s.lowPass = { enabled: true, frequency: 15_000, slope: 12 };
    s.eq = [
      { type: "lowShelf", enabled: true, frequency: 120, gainDb: 3, q: Math.SQRT1_2 },
      { type: "peak", enabled: true, frequency: 500, gainDb: -4, q: 1.5 },
      { type: "peak", enabled: true, frequency: 2500, gainDb: 0, q: 1 },
      { type: "highShelf", enabled: true, frequency: 9000, gainDb: 2, q: Math.SQRT1_2 },
    ];
    s.compressor = {
      ...s.compressor,
      enabled: true,
      thresholdDb: -24,
      ratio: 3,
      kneeDb: 6,
      attackMs: 5,
      releaseMs: 80,
      makeupDb: 4,
      detection: "rms",
    };
    s.faderDb = -3;
    s.pan = 0.2;
    s.panLaw = "-4.5dB";
    s.sends = [
      { id: "a", busId: "a", levelDb: -6, preFader: true, enabled: true },
      { id: "b", busId: "b", levelDb: -9, preFader: false, enabled: true },
    ];
  };
  const frames = FS * 2;
  const lanes: AutomationLane[] = [
    {
      parameter: "faderDb",
      points: [
        { frame: 1000, value: -3, curve: "linear" },
        { frame: 30_000.5, value: -20, curve: "linear" },
        { frame: 50_001, value: 2, curve: "hold" },
        { frame: 70_007, value: -8, curve: "linear" },
        { frame: 90_000, value: -1, curve: "linear" },
      ],
    },
    {
      parameter: "pan",
      points: [
        { frame: 0, value: -1, curve: "linear" },
        { frame: 96_000, value: 1, curve: "linear" },
      ],
    },
    {
      parameter: "eq.2.gainDb",
      points: [
        { frame: 10_000, value: 0, curve: "linear" },
        { frame: 40_000, value: 12, curve: "linear" },
        { frame: 60_000, value: -6, curve: "linear" },
        { frame: 61_111, value: 0, curve: "hold" },
      ],
    },
    {
      parameter: "eq.1.frequency",
      points: [
        { frame: 20_000, value: 500, curve: "linear" },
        { frame: 80_000, value: 3000, curve: "linear" },
      ],
    },
    {
      parameter: "sends.a.levelDb",
      points: [
        { frame: 0, value: -20, curve: "linear" },
        { frame: 40_000, value: 0, curve: "hold" },
      ],
    },
  ];
  const left = noise(frames, 21, 0.7);
  const right = noise(frames, 22, 0.7);
  const key = noise(frames, 23, 0.1);
  const live = {
    4096: (p: ChannelStripProcessor) => p.setParameter("trimDb", -2),
    12288: (p: ChannelStripProcessor) => p.setParameter("lowPass.frequency", 6000),
    20480: (p: ChannelStripProcessor) => p.setParameter("compressor.thresholdDb", -30),
    65536: (p: ChannelStripProcessor) => p.setSoloMuted(true),
    81920: (p: ChannelStripProcessor) => p.setSoloMuted(false),
  };

  it("gives the same output in blocks of 64 and of 512 (below −120 dBFS; in fact bit for bit)", () => {
    const a = render(strip(everything), left, right, lanes, { block: 64, at: live, key });
    const b = render(strip(everything), left, right, lanes, { block: 512, at: live, key });
    for (const [x, y] of [
      [a.left, b.left],
      [a.right, b.right],
      [a.sendLeft[0], b.sendLeft[0]],
      [a.sendRight[1], b.sendRight[1]],
    ]) {
      expect(maxAbsDifference(x, y)).toBeLessThan(1e-6);
      expect(firstDifference(x, y)).toBe(-1);
    }
    // The automation really moved things: the output is not silent and not trivially equal.
    expect(maxAbsDifference(a.left, new Float64Array(frames))).toBeGreaterThan(0.1);
  });

  it("gives the same output in blocks of 37 frames, not a divisor of any grid", () => {
    const a = render(strip(everything), left, right, lanes, { block: 37, key });
    const b = render(strip(everything), left, right, lanes, { block: 512, key });
    expect(firstDifference(a.left, b.left)).toBe(-1);
    expect(firstDifference(a.right, b.right)).toBe(-1);
    expect(firstDifference(a.sendLeft[1], b.sendLeft[1])).toBe(-1);
  });
});

describe("channel strip in silence", () => {
  it("settles filter tails to exact zero instead of lingering in denormals, at any block size", () => {
    const frames = FS * 3;
    const x = new Float64Array(frames);
    x[0] = 1;
    const settings = strip((s) => {
      s.highPass = { enabled: true, frequency: 20, slope: 24 };
      s.eq[0] = { type: "lowShelf", enabled: true, frequency: 40, gainDb: 12, q: 2 };
    });
    const a = render(settings, x, x, [], { block: 64 });
    const b = render(settings, x, x, [], { block: 512 });
    expect(firstDifference(a.left, b.left)).toBe(-1);
    // A 20 Hz pole decays by ~e^−0.0026 a frame: without the flush the tail would still be
    // ~1e-70 after 3 s and reach the subnormal range much later.
    expect(Math.abs(a.left[frames - 1])).toBe(0);
    expect(Math.abs(a.left[FS])).toBeGreaterThan(0);
  });
});

describe("channel strip automation lanes", () => {
  it("rejects a lane on a parameter that cannot be automated", () => {
    expect(() => new ChannelStripProcessor(strip(), [{ parameter: "panLaw", points: [] }])).toThrow(
      ControlRoomError,
    );
  });

  it("rejects a lane on a send the strip does not have", () => {
    try {
      new ChannelStripProcessor(strip(), [
        { parameter: "sends.nope.levelDb", points: [{ frame: 0, value: 0, curve: "hold" }] },
      ]);
      expect.unreachable();
    } catch (error) {
      expect((error as ControlRoomError).code).toBe("E_AUTOMATION_PARAMETER");
    }
  });

  it("rejects two lanes on one parameter", () => {
    const lane: AutomationLane = {
      parameter: "faderDb",
      points: [{ frame: 0, value: 0, curve: "hold" }],
    };
    expect(() => new ChannelStripProcessor(strip(), [lane, lane])).toThrow(/two automation lanes/);
  });
});

describe("a block longer than prepared", () => {
  it("is refused: silence out and on every send, counted, and the next block plays", () => {
    const settings = strip((s) => {
      s.faderDb = -6;
      s.sends = [{ id: "verb", busId: "b", levelDb: 0, preFader: true, enabled: true }];
    });
    const processor = new ChannelStripProcessor(settings);
    processor.prepare(FS, 64);
    const io: StripIO = {
      left: new Float64Array(128).fill(0.5),
      right: new Float64Array(128).fill(0.5),
      keyLeft: null,
      keyRight: null,
      sendLeft: [new Float64Array(128).fill(1)],
      sendRight: [new Float64Array(128).fill(1)],
    };
    processor.process(io, 128, 0);
    expect(processor.refusedBlocks).toBe(1);
    for (const buffer of [io.left, io.right, io.sendLeft[0], io.sendRight[0]]) {
      expect(buffer.every((x) => x === 0)).toBe(true);
    }
    io.left.fill(0.5);
    io.right.fill(0.5);
    processor.process(io, 64, 128);
    expect(processor.refusedBlocks).toBe(1);
    expect(io.left[0]).toBeCloseTo(0.5 * 10 ** (-6 / 20), 12);
    expect(io.sendLeft[0][0]).toBe(0.5);
  });
});
