export const help = `controlroom demo [-o <file>] [--json]

Generates the demo song into examples/demo-song/ if it is not there yet, renders its mix
and prints the report. This is what \`npm start\` does until the studio server exists.

  -o, --output <file>   where to write the mix (default: out/demo-mix.wav)
  --json                print the report as JSON`;
