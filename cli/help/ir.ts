export const help = `controlroom ir <sweep|analyze> …

Measuring a room with an exponential sine sweep (Farina), as room-measurement tools do.

  ir sweep -o sweep.wav [--seconds 10] [--from 20] [--to 20000] [--rate 48000] [--silence 3]
      writes the sweep (mono, 24-bit WAV, peak -6 dBFS) and --silence seconds after it.
      Play it through the speakers and record it at the listening position with any
      recorder, from before the sweep starts until the file ends.
  ir analyze <recording> --sweep sweep.wav [--from 20] [--to 20000] [--json] [--plot <file>]
      deconvolves the recording into the room's impulse response and prints, per octave
      band (IEC 61260) and broadband: EDT, T20 and T30 (ISO 3382-1: Schroeder integration
      with Lundeby's noise compensation), C50, C80, the noise floor and whether each
      reading is reliable. --from and --to must match the sweep's. --plot draws the decay
      curves (.svg, or .png with rsvg-convert); beside it <name>-response.<ext> draws the
      frequency response (1/6-octave smoothed).

The recording may be WAV, FLAC, MP3 or Ogg at the sweep's sample rate; its first channel is
read. A silent or clipped recording is refused with what to change.`;
