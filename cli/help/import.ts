/** The files import reads, by extension; the command's importers are keyed the same way. */
export const IMPORT_FORMATS = {
  ".mid": "Standard MIDI File (format 0 or 1)",
  ".midi": "Standard MIDI File (format 0 or 1)",
  ".dawproject": "DAWproject (Bitwig, Studio One, …)",
} as const;

export const help = `controlroom import <file> <dir> [--json]

Makes a new project in <dir> from another tool's file; its extension says what it is:
${Object.entries(IMPORT_FORMATS)
  .map(([extension, what]) => `  ${extension.padEnd(12)} ${what}`)
  .join("\n")}

<dir> must not hold a project yet. Nothing is written unless the whole file reads.

  --json   print the project's summary as JSON`;
