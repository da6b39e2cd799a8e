import { bandLabel, OCTAVE_BANDS_HZ } from "../../acoustics/bands.ts";
import { defaultSpeakers, listeningAdvice } from "../../acoustics/listening-position.ts";
import { MATERIALS } from "../../acoustics/materials.ts";
import { readRoomFile } from "../../acoustics/node/room-files.ts";
import { bandChartSvg } from "../../acoustics/plot/band-chart.ts";
import { modeChartSvg } from "../../acoustics/plot/mode-chart.ts";
import { firstReflections } from "../../acoustics/reflections.ts";
import { eyringRt60, sabineRt60 } from "../../acoustics/reverberation.ts";
import {
  parseDimensions,
  type RoomDimensions,
  roomVolume,
} from "../../acoustics/room-dimensions.ts";
import type { Room } from "../../acoustics/room-file.ts";
import {
  bonelloCheck,
  modeName,
  modeWarnings,
  roomModes,
  schroederFrequency,
} from "../../acoustics/room-modes.ts";
import { flatRange, planTreatment, targetRange } from "../../acoustics/treatment-plan.ts";
import { plotFormat, writePlot } from "../../analysis/node/write-plot.ts";
import { ControlRoomError } from "../../music/errors.ts";
import { type Command, parseCommandLine, requirePositional } from "../command.ts";
import { EXIT } from "../exit-codes.ts";
import { table } from "../format-table.ts";
import { help } from "../help/room.ts";

const SUBCOMMANDS = ["modes", "rt60", "plan", "layout", "materials"] as const;

export const roomCommand: Command = {
  help,
  async run(argv) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case "modes":
        return modes(rest);
      case "rt60":
        return rt60(rest);
      case "plan":
        return plan(rest);
      case "layout":
        return layout(rest);
      case "materials":
        return materials(rest);
      default:
        throw new ControlRoomError(
          "E_USAGE",
          `room: ${sub === undefined ? "say what to do" : `unknown subcommand "${sub}"`}: ${SUBCOMMANDS.join(", ")}; see controlroom room --help`,
          "room",
        );
    }
  },
};

function positiveNumber(
  text: string | undefined,
  flag: string,
  fallback: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new ControlRoomError(
      "E_USAGE",
      `${flag} "${text}" must be a number above 0 and up to ${max}`,
      flag,
    );
  }
  return value;
}

const seconds = (t: number) => `${t.toFixed(2)} s`;

async function modes(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine("room modes", argv, {
    dims: { type: "string" },
    max: { type: "string" },
    rt60: { type: "string" },
    json: { type: "boolean" },
    plot: { type: "string" },
  });
  if (values.plot !== undefined) plotFormat(values.plot);
  let dims: RoomDimensions;
  let rt: number;
  let name: string;
  if (values.dims !== undefined) {
    dims = parseDimensions(values.dims);
    rt = positiveNumber(values.rt60, "--rt60", 0.4, 10);
    name = `${dims.length} × ${dims.width} × ${dims.height} m`;
  } else {
    const file = requirePositional("room modes", positionals, "<room.json> or --dims LxWxH");
    const room = await readRoomFile(file);
    if (!room.dimensions) {
      throw new ControlRoomError(
        "E_ROOM_SCHEMA",
        `${file}: modes need the room's dimensions; this room gives only its volume`,
        file,
      );
    }
    dims = room.dimensions;
    // The Schroeder frequency follows the room's own low-mid reverberation (Eyring, 500 Hz).
    rt =
      values.rt60 !== undefined
        ? positiveNumber(values.rt60, "--rt60", 0.4, 10)
        : eyringRt60(room.volumeM3, room.surfaces)[2];
    name = room.name;
  }
  const maxHz = positiveNumber(values.max, "--max", 200, 1000);
  const list = roomModes(dims, { maxHz });
  const volume = roomVolume(dims);
  const schroeder = schroederFrequency(rt, volume);
  const bonello = bonelloCheck(list, maxHz);
  const warnings = modeWarnings(list, Math.min(schroeder, maxHz));
  if (values.plot !== undefined) {
    await writePlot(
      values.plot,
      modeChartSvg({
        title: `Room modes: ${name}`,
        modes: list,
        maxHz,
        schroederHz: schroeder,
        warnings,
      }),
    );
  }
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          ok: true,
          dimensions: dims,
          volumeM3: volume,
          rt60Seconds: rt,
          schroederHz: schroeder,
          modes: list,
          bonello,
          warnings: warnings.map(({ modes: _, ...w }) => w),
          plot: values.plot ?? null,
        },
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  console.log(
    `${name}: ${volume.toFixed(1)} m³, Schroeder frequency ${schroeder.toFixed(0)} Hz (RT60 ${rt.toFixed(2)} s)`,
  );
  console.log("");
  console.log(
    table(
      ["Mode", "kind", "frequency"],
      list.map((m) => [modeName(m), m.kind, `${m.frequencyHz.toFixed(1)} Hz`]),
      "  ",
      ["left", "left", "right"],
    ),
  );
  console.log("");
  console.log(`Bonello (modes per third octave): ${bonello.passes ? "passes" : "fails"}`);
  console.log(
    table(
      ["Band", "modes", ""],
      bonello.bands
        .filter((b) => b.modes > 0 || b.fewerThanBelow)
        .map((b) => [
          `${b.centreHz.toFixed(0)} Hz`,
          String(b.modes),
          [
            b.fewerThanBelow ? "fewer than the band below" : "",
            b.coincident.length > 0 ? `${b.coincident.length} coinciding` : "",
          ]
            .filter(Boolean)
            .join(", "),
        ]),
      "  ",
      ["left", "right", "left"],
    ),
  );
  if (warnings.length > 0) {
    console.log("");
    for (const w of warnings)
      console.log(`  ${w.kind === "gap" ? "gap  " : "bunch"}  ${w.message}`);
  }
  if (values.plot !== undefined) console.log(`\nplot: ${values.plot}`);
  return EXIT.ok;
}

function rtRows(sabine: readonly number[], eyring: readonly number[]): string[][] {
  return OCTAVE_BANDS_HZ.map((hz, b) => [bandLabel(hz), seconds(sabine[b]), seconds(eyring[b])]);
}

async function rt60(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine("room rt60", argv, {
    json: { type: "boolean" },
    plot: { type: "string" },
  });
  const file = requirePositional("room rt60", positionals, "<room.json>");
  if (values.plot !== undefined) plotFormat(values.plot);
  const room = await readRoomFile(file);
  const sabine = sabineRt60(room.volumeM3, room.surfaces);
  const eyring = eyringRt60(room.volumeM3, room.surfaces);
  if (values.plot !== undefined) {
    await writePlot(
      values.plot,
      bandChartSvg({
        title: `RT60: ${room.name}`,
        bands: OCTAVE_BANDS_HZ,
        series: [
          { label: "Eyring", values: eyring },
          { label: "Sabine", values: sabine, dashed: true },
        ],
      }),
    );
  }
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          ok: true,
          room: room.name,
          volumeM3: room.volumeM3,
          bandsHz: OCTAVE_BANDS_HZ,
          sabineSeconds: sabine,
          eyringSeconds: eyring,
          surfaces: room.surfaces.map((s) => ({
            name: s.name,
            material: s.material.id,
            areaM2: s.areaM2,
          })),
          plot: values.plot ?? null,
        },
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  console.log(`${room.name}: ${room.volumeM3.toFixed(1)} m³, ${room.surfaces.length} surfaces`);
  console.log("");
  console.log(table(["Band", "Sabine", "Eyring"], rtRows(sabine, eyring)));
  console.log("");
  console.log(
    table(
      ["Surface", "material", "area"],
      room.surfaces.map((s) => [s.name, s.material.name, `${s.areaM2.toFixed(2)} m²`]),
      "  ",
      ["left", "left", "right"],
    ),
  );
  if (values.plot !== undefined) console.log(`\nplot: ${values.plot}`);
  return EXIT.ok;
}

function parseTarget(text: string | undefined) {
  if (text === undefined) {
    throw new ControlRoomError(
      "E_USAGE",
      "room plan: give --target, e.g. --target 0.3 or --target 0.2-0.4",
      "--target",
    );
  }
  const range = /^\s*([\d.]+)\s*[-–]\s*([\d.]+)\s*$/.exec(text);
  if (range) return flatRange(Number(range[1]), Number(range[2]));
  const value = Number(text);
  if (!Number.isFinite(value)) {
    throw new ControlRoomError(
      "E_ROOM_TARGET",
      `--target "${text}" is not seconds; write 0.3 or 0.2-0.4`,
      "--target",
    );
  }
  return targetRange(value);
}

async function plan(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine("room plan", argv, {
    target: { type: "string" },
    json: { type: "boolean" },
    plot: { type: "string" },
  });
  const file = requirePositional("room plan", positionals, "<room.json>");
  const target = parseTarget(values.target);
  if (values.plot !== undefined) plotFormat(values.plot);
  const room = await readRoomFile(file);
  const result = planTreatment(room, target);
  if (values.plot !== undefined) {
    await writePlot(
      values.plot,
      bandChartSvg({
        title: `RT60 before and after treatment: ${room.name}`,
        bands: OCTAVE_BANDS_HZ,
        series: [
          { label: "before (Eyring)", values: result.before.eyring },
          { label: "after (Eyring)", values: result.after.eyring },
        ],
        target: result.target,
      }),
    );
  }
  if (values.json) {
    console.log(
      JSON.stringify(
        {
          ok: true,
          room: room.name,
          bandsHz: OCTAVE_BANDS_HZ,
          ...result,
          plot: values.plot ?? null,
        },
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  const money = (v: number) => `${v.toFixed(0)} ${result.currency}`;
  console.log(
    `${room.name}: ${room.volumeM3.toFixed(1)} m³, ${result.mountableM2.toFixed(1)} m² of walls and ceiling`,
  );
  console.log("");
  console.log(
    table(
      ["Treatment", "panels", "area", "cost"],
      [
        ...result.treatments.map((t) => [
          t.name,
          String(t.panels),
          `${t.areaM2.toFixed(2)} m²`,
          money(t.cost),
        ]),
        [
          "total",
          String(result.treatments.reduce((s, t) => s + t.panels, 0)),
          `${result.treatments.reduce((s, t) => s + t.areaM2, 0).toFixed(2)} m²`,
          money(result.totalCost),
        ],
      ],
    ),
  );
  console.log("");
  console.log(
    table(
      ["Band", "target", "before", "after", ""],
      OCTAVE_BANDS_HZ.map((hz, b) => [
        bandLabel(hz),
        `${result.target.min[b].toFixed(2)}–${result.target.max[b].toFixed(2)} s`,
        seconds(result.before.eyring[b]),
        seconds(result.after.eyring[b]),
        result.inRange[b] ? "in range" : "out of range",
      ]),
    ),
  );
  console.log(
    "  (Eyring; prices are house estimates per 1.2 × 0.6 m panel unless room.json sets them)",
  );
  if (result.notes.length > 0) {
    console.log("");
    for (const note of result.notes) console.log(`  ${note}`);
  }
  if (values.plot !== undefined) console.log(`\nplot: ${values.plot}`);
  return EXIT.ok;
}

async function layout(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine("room layout", argv, {
    json: { type: "boolean" },
  });
  const file = requirePositional("room layout", positionals, "<room.json>");
  const room: Room = await readRoomFile(file);
  const dims = room.dimensions;
  if (!dims) {
    throw new ControlRoomError(
      "E_ROOM_SCHEMA",
      `${file}: the layout needs the room's dimensions; this room gives only its volume`,
      file,
    );
  }
  const rt = eyringRt60(room.volumeM3, room.surfaces)[0];
  const listener = room.listening?.listener ?? { x: 0.38 * dims.length, y: dims.width / 2, z: 1.2 };
  const speakers = room.listening?.speakers ?? defaultSpeakers(dims, listener);
  const advice = listeningAdvice(dims, { rt60Seconds: rt, earHeightM: listener.z });
  const reflections = firstReflections(dims, listener, speakers);
  if (values.json) {
    console.log(
      JSON.stringify(
        { ok: true, room: room.name, listener, speakers, advice, reflections },
        null,
        2,
      ),
    );
    return EXIT.ok;
  }
  const at = (p: { x: number; y: number; z: number }) =>
    `(${p.x.toFixed(2)}, ${p.y.toFixed(2)}, ${p.z.toFixed(2)})`;
  console.log(
    `${room.name}: listener at ${at(listener)}, speakers at ${at(speakers[0])} and ${at(speakers[1])} (metres)`,
  );
  console.log("");
  console.log(
    `Seats on the centre line, ear height ${advice.earHeightM} m (modal response ${advice.fromHz}–${advice.toHz} Hz):`,
  );
  console.log(
    table(
      ["Seat", "from front wall", "deepest dip", "spread"],
      [
        [
          "38 % rule",
          `${advice.rule38.x.toFixed(2)} m`,
          `${advice.rule38.seat.worstDipDb.toFixed(1)} dB`,
          `${advice.rule38.seat.spreadDb.toFixed(1)} dB`,
        ],
        ...advice.best.map((s, i) => [
          `best ${i + 1}`,
          `${s.x.toFixed(2)} m`,
          `${s.worstDipDb.toFixed(1)} dB`,
          `${s.spreadDb.toFixed(1)} dB`,
        ]),
      ],
    ),
  );
  console.log("");
  console.log("First reflections (treat these points):");
  console.log(
    table(
      ["Speaker", "surface", "point (x, y, z)", "later by", "level"],
      reflections.map((r) => [
        r.speaker === 0 ? "left" : "right",
        r.boundary,
        at(r.point),
        `${r.delayMs.toFixed(1)} ms`,
        `${r.levelDb.toFixed(1)} dB`,
      ]),
    ),
  );
  return EXIT.ok;
}

async function materials(argv: string[]): Promise<number> {
  const { values } = parseCommandLine("room materials", argv, { json: { type: "boolean" } });
  if (values.json) {
    console.log(
      JSON.stringify({ ok: true, bandsHz: OCTAVE_BANDS_HZ, materials: MATERIALS }, null, 2),
    );
    return EXIT.ok;
  }
  console.log(
    table(
      ["Material", "name", ...OCTAVE_BANDS_HZ.map(bandLabel)],
      MATERIALS.map((m) => [m.id, m.name, ...m.absorption.map((a) => a.toFixed(2))]),
      "  ",
      ["left", "left", "right", "right", "right", "right", "right", "right"],
    ),
  );
  console.log("");
  const sources = [...new Set(MATERIALS.map((m) => m.source))];
  for (const s of sources) {
    console.log(`  ${MATERIALS.filter((m) => m.source === s).length} from ${s}`);
  }
  return EXIT.ok;
}
