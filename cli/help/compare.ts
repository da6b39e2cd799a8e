export const help = `controlroom compare <file> --reference <file> [--plot <file.svg>] [--json]

Analyses both files and prints the differences: tonal balance in four bands and in
octaves, integrated loudness, loudness range and crest factor, with key and tempo.

  --reference <file>   the track to compare against (required)
  --plot <file>        draw both spectra on one chart (.svg, or .png with rsvg-convert)
  --json               print the comparison as JSON`;
