export const help = `controlroom new <dir> [--title T] [--sample-rate N] [--json]

Creates <dir>/project.json (120 BPM, 4/4, 48 kHz unless told otherwise) and <dir>/audio/.
Refuses a folder that already holds a project.

  --title T          song title (default: the folder name)
  --sample-rate N    project sample rate in Hz (default 48000)
  --json             print the result as JSON`;
