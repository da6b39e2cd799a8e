export const help = `controlroom add-track <dir> --audio <file> [--name N] [--json]

Copies the file into <dir>/audio/ and adds a track with one clip that plays it from bar 1.
WAV files are copied as they are; MP3, FLAC, Ogg Vorbis and Opus are decoded to a
32-bit float WAV at their own sample rate. The engine converts rates when it plays.

  --audio <file>   the audio file to import (required)
  --name N         track name (default: the file name)
  --json           print the result as JSON`;
