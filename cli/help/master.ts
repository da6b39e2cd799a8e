import { DELIVERY_PROFILES } from "../../production/delivery/profiles.ts";

export const help = `controlroom master <dir|file> --profile <p[,p...]|all> -o <dir> [--json]

Writes one master per profile into <dir>: normalised to the profile's loudness target,
converted to its sample rate, true-peak limited under its ceiling, dithered to its bit
depth and encoded in its format, each with a JSON report beside it, and prints a table.
<dir|file> is a project folder (its mix is rendered first) or a mix file.

Profiles: ${DELIVERY_PROFILES.map((p) => p.id).join(", ")}

  --profile P   one or more profiles, comma-separated, or "all" (required)
  -o <dir>      the folder for the masters (required)
  --json        print the reports as JSON`;
