/** The files export writes, by extension; the command's exporters are keyed the same way. */
export const EXPORT_FORMATS = {
  ".dawproject": "DAWproject, with the audio inside",
  ".mid": "Standard MIDI File: note clips and tempo map",
  ".midi": "Standard MIDI File: note clips and tempo map",
  ".cho": "ChordPro chord sheet",
  ".chordpro": "ChordPro chord sheet",
} as const;

export const help = `controlroom export <dir> -o <file>

Writes the project in <dir> for another tool; the extension of <file> chooses what:
${Object.entries(EXPORT_FORMATS)
  .map(([extension, what]) => `  ${extension.padEnd(12)} ${what}`)
  .join("\n")}

The file appears only when it is complete.`;
