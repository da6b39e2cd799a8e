export const help = `controlroom render <dir> -o <file> [options]

Renders the project's mix through every channel strip, bus and the master limiter.
The file appears only when the render has succeeded; a failed render leaves it untouched.

  -o, --output <file>      the mix file to write (required)
  --format wav|flac|mp3    default: from the file extension, else wav
  --bit-depth 16|24|32f    default 24 (wav, flac) and 16 (mp3); 16 and 24 are TPDF-dithered
  --sample-rate N          render at N Hz (default: the project rate); sources are resampled
  --stems <dir>            also write one file per track or bus that feeds the master
  --start T, --end T       render only part: 12.5 (s), 1:02.5 (m:ss), @9 or @9.3 (bar.beat)
  --threads N              worker threads for the tracks (default: the cores, up to 4, but
                           none for a render under 10 s; 0 = none)
  --block-size N           engine block size in frames (default 512; the output is the same)
  --master <profile>       master the mix to a delivery profile (spotify, apple, cd, …):
                           loudness, true-peak ceiling, rate, bit depth and format
                           come from the profile; see controlroom master --help
  --json                   print the report as JSON`;
