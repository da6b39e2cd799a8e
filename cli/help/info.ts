export const help = `controlroom info <dir> [--json]

Reads and validates <dir>/project.json and prints what it holds.

  --json   print a machine-readable summary`;
