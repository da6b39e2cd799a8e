/**
 * Synthesised test material for the spectrum, key and tempo tests: drum hits on a grid and
 * chords from harmonic tones. Deterministic, so every run measures the same signal.
 */

/** MIDI note number to frequency, A4 = 69 = 440 Hz (equal temperament). */
export function noteHz(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}

/** Uniform noise in −1 … 1 from a fixed seed (xorshift32, Marsaglia 2003). */
export function noise(frames: number, seed = 0x9e3779b9): Float32Array {
  let state = seed | 0 || 1;
  return Float32Array.from({ length: frames }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 31 - 1;
  });
}

/**
 * A rock beat: kick on beats 1 and 3, snare (a noise burst over a 190 Hz body) on 2 and 4, and a
 * closed hi-hat (differenced noise, 25 ms) on every eighth note.
 */
export function rockBeat(bpm: number, seconds: number, sampleRate: number): Float32Array {
  const out = kickTrack(bpm / 2, seconds, sampleRate);
  const beat = (60 / bpm) * sampleRate;
  const grain = noise(Math.round(0.3 * sampleRate));
  const place = (start: number, voice: (t: number, i: number) => number, seconds: number) => {
    for (let i = 0; i < seconds * sampleRate && start + i < out.length; i++) {
      out[start + i] += voice(i / sampleRate, i);
    }
  };
  for (let n = 0; n * beat < out.length; n++) {
    if (n % 2 === 1) {
      place(
        Math.round(n * beat),
        (t, i) => Math.exp(-t / 0.06) * (0.35 * grain[i] + 0.3 * Math.sin(2 * Math.PI * 190 * t)),
        0.3,
      );
    }
    for (const half of [0, 0.5]) {
      place(
        Math.round((n + half) * beat),
        (t, i) => 0.15 * Math.exp(-t / 0.008) * (grain[i + 1] - grain[i]),
        0.025,
      );
    }
  }
  return out;
}

/**
 * A kick drum on every beat: a sine falling from 150 to 50 Hz under an 80 ms decay, with a
 * 2 ms click of high partials for the beater. Starts on the first beat at time 0.
 */
export function kickTrack(bpm: number, seconds: number, sampleRate: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  const beat = (60 / bpm) * sampleRate;
  const length = Math.round(0.4 * sampleRate);
  const hit = new Float32Array(length);
  let phase = 0;
  for (let i = 0; i < length; i++) {
    const t = i / sampleRate;
    phase += (2 * Math.PI * (50 + 100 * Math.exp(-t / 0.03))) / sampleRate;
    const click = t < 0.002 ? 0.3 * Math.sin(2 * Math.PI * 3000 * t) * (1 - t / 0.002) : 0;
    hit[i] = 0.8 * Math.exp(-t / 0.08) * Math.sin(phase) + click;
  }
  for (let n = 0; ; n++) {
    const start = Math.round(n * beat);
    if (start >= out.length) break;
    for (let i = 0; i < length && start + i < out.length; i++) out[start + i] += hit[i];
  }
  return out;
}

/**
 * Chords, one after another, each `seconds` long: every MIDI note a tone of four harmonics
 * (amplitudes 1/h) with a 10 ms attack and an exponential decay, the sum scaled to stay below
 * full scale.
 */
export function chordSequence(
  chords: readonly (readonly number[])[],
  seconds: number,
  sampleRate: number,
): Float32Array {
  const length = Math.round(seconds * sampleRate);
  const out = new Float32Array(length * chords.length);
  chords.forEach((notes, c) => {
    for (const note of notes) {
      const f = noteHz(note);
      for (let i = 0; i < length; i++) {
        const t = i / sampleRate;
        const envelope = Math.min(1, t / 0.01) * Math.exp(-t / (seconds * 0.7));
        let sample = 0;
        for (let h = 1; h <= 4; h++) sample += Math.sin(2 * Math.PI * h * f * t) / h;
        out[c * length + i] += (0.15 * envelope * sample) / notes.length;
      }
    }
  });
  return out;
}

/** A sine of the given amplitude, frequency and length. */
export function sine(
  amplitude: number,
  hz: number,
  frames: number,
  sampleRate: number,
): Float64Array {
  return Float64Array.from(
    { length: frames },
    (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate),
  );
}
