export const help = `controlroom loudness <file...> [--json] [--plot <file.svg>] [--target LUFS]

Measures integrated loudness, loudness range, true peak, sample peak and the maximum
momentary and short-term loudness (ITU-R BS.1770-5, EBU R128), and shows each streaming
platform's playback gain: the loudness penalty when a master is louder than its target.
Reads WAV, FLAC, MP3, Ogg Vorbis and Opus.

  --plot <file>   draw momentary and short-term loudness over time (.svg, or .png with
                  rsvg-convert installed); with several files, each gets its own plot
  --target LUFS   the line drawn on the plot (default -14)
  --json          print the measurements as JSON`;
