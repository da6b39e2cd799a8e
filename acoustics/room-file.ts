/**
 * room.json: a room as the engineer describes it. Either its inside dimensions, with a
 * material per boundary (the surfaces are then derived) and patches on them (a window, a door),
 * or a volume and a list of surfaces with their areas, for a room that is not a box.
 *
 * {
 *   "name": "Mix room",
 *   "dimensions": { "length": 5, "width": 4, "height": 2.7 },
 *   "boundaries": { "floor": "wood-floor", "ceiling": "gypsum-board-13mm", "walls": "gypsum-board-13mm" },
 *   "surfaces": [{ "name": "window", "material": "glass-3mm", "area": 2.4, "on": "left" }],
 *   "treatments": [{ "material": "fibreglass-703-100mm", "pricePerPanel": 60 }]
 * }
 */
import { z } from "zod";
import { ControlRoomError } from "../music/errors.ts";
import type { BandValues } from "./bands.ts";
import { findMaterial, type Material } from "./materials.ts";
import type { Point } from "./reflections.ts";
import type { AbsorbingSurface } from "./reverberation.ts";
import { checkDimensions, type RoomDimensions, roomVolume } from "./room-dimensions.ts";

export const BOUNDARIES = ["front", "back", "left", "right", "floor", "ceiling"] as const;
export type Boundary = (typeof BOUNDARIES)[number];

const metres = z.number().positive("must be more than 0 m");
const coefficient = z.number().min(0, "must be from 0 to 1").max(1, "must be from 0 to 1");
const point = z.strictObject({ x: z.number(), y: z.number(), z: z.number() });

const MaterialSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1),
  absorption: z.array(coefficient).length(6, "needs six coefficients, 125 Hz to 4 kHz"),
  source: z.string().min(1, "say where the coefficients come from"),
});

const TreatmentSchema = z.strictObject({
  material: z.string().min(1),
  /** A standard panel: 1.2 × 0.6 m unless told. */
  panel: z.strictObject({ width: metres, height: metres }).optional(),
  pricePerPanel: z.number().min(0).optional(),
});

export const RoomFileSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    dimensions: z
      .strictObject({ length: z.number(), width: z.number(), height: z.number() })
      .optional(),
    volume: z.number().positive("must be more than 0 m³").optional(),
    boundaries: z
      .strictObject({
        walls: z.string().min(1).optional(),
        front: z.string().min(1).optional(),
        back: z.string().min(1).optional(),
        left: z.string().min(1).optional(),
        right: z.string().min(1).optional(),
        floor: z.string().min(1).optional(),
        ceiling: z.string().min(1).optional(),
      })
      .optional(),
    surfaces: z
      .array(
        z.strictObject({
          name: z.string().min(1),
          material: z.string().min(1),
          area: z.number().positive("must be more than 0 m²"),
          on: z.enum(BOUNDARIES).optional(),
        }),
      )
      .default([]),
    materials: z.array(MaterialSchema).default([]),
    treatments: z.array(TreatmentSchema).default([]),
    currency: z.string().min(1).default("EUR"),
    listening: z
      .strictObject({ listener: point, speakers: z.tuple([point, point]).optional() })
      .optional(),
  })
  .refine((room) => room.dimensions !== undefined || room.volume !== undefined, {
    message: "give the room's dimensions, or its volume and its surfaces",
  });

export type RoomFile = z.infer<typeof RoomFileSchema>;

export interface RoomSurface extends AbsorbingSurface {
  material: Material;
  on: Boundary | null;
}

export interface TreatmentChoice {
  material: Material;
  panelWidthM: number;
  panelHeightM: number;
  pricePerPanel: number;
}

export interface Room {
  name: string;
  dimensions: RoomDimensions | null;
  volumeM3: number;
  surfaces: RoomSurface[];
  treatments: TreatmentChoice[];
  currency: string;
  listening: { listener: Point; speakers: [Point, Point] | null } | null;
}

/** Prices of a standard 1.2 × 0.6 m panel: house estimates for budgeting, not quotes. */
const DEFAULT_PANEL_PRICES: Record<string, number> = {
  "fibreglass-703-25mm": 30,
  "fibreglass-703-50mm": 45,
  "fibreglass-703-100mm": 70,
  "rockwool-50mm": 35,
  "foam-50mm": 20,
};
/** What the planner offers when a room names no treatments: broadband panels and thick ones. */
const DEFAULT_TREATMENTS = ["fibreglass-703-50mm", "fibreglass-703-100mm"];

/** room.json's parsed content → a room whose every surface has an area and a material. */
export function parseRoom(input: unknown, fileName = "room.json"): Room {
  const parsed = RoomFileSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join(".") || "(root)";
    const message =
      issue.code === "unrecognized_keys"
        ? `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`
        : issue.message;
    throw new ControlRoomError(
      "E_ROOM_SCHEMA",
      `${fileName}: ${field}: ${message}`,
      `${fileName}:${field}`,
    );
  }
  const file = parsed.data;
  const fail = (code: string, field: string, message: string): never => {
    throw new ControlRoomError(code, `${fileName}: ${field}: ${message}`, `${fileName}:${field}`);
  };
  const extra: Material[] = file.materials.map((x) => ({
    ...x,
    absorption: x.absorption as unknown as BandValues,
  }));
  const material = (id: string, field: string): Material => {
    try {
      return findMaterial(id, extra, `${fileName}:${field}`);
    } catch (error) {
      if (error instanceof ControlRoomError) fail(error.code, field, error.message);
      throw error;
    }
  };

  let dimensions: RoomDimensions | null = null;
  if (file.dimensions) {
    try {
      dimensions = checkDimensions(file.dimensions);
    } catch (error) {
      if (error instanceof ControlRoomError)
        fail(error.code, error.subject ?? "dimensions", error.message);
      throw error;
    }
  }
  if (dimensions && file.volume !== undefined) {
    fail("E_ROOM_SCHEMA", "volume", "give the dimensions or the volume, not both");
  }
  const volumeM3 = dimensions ? roomVolume(dimensions) : file.volume!;

  const surfaces: RoomSurface[] = [];
  const patched = new Map<Boundary, number>();
  file.surfaces.forEach((s, i) => {
    const field = `surfaces.${i}`;
    if (s.on && !dimensions)
      fail(
        "E_ROOM_SCHEMA",
        `${field}.on`,
        "a surface can lie on a boundary only of a room with dimensions",
      );
    if (s.on) patched.set(s.on, (patched.get(s.on) ?? 0) + s.area);
    const m = material(s.material, `${field}.material`);
    surfaces.push({
      name: s.name,
      areaM2: s.area,
      absorption: m.absorption,
      material: m,
      on: s.on ?? null,
    });
  });

  if (dimensions) {
    const b = file.boundaries ?? {};
    for (const boundary of BOUNDARIES) {
      const isWall = boundary !== "floor" && boundary !== "ceiling";
      const id = b[boundary] ?? (isWall ? b.walls : undefined);
      if (id === undefined) {
        fail(
          "E_ROOM_SCHEMA",
          `boundaries.${boundary}`,
          `say what the ${boundary} is made of (a material id${isWall ? ', or "walls" for all four' : ""})`,
        );
      }
      const area = boundaryArea(dimensions, boundary);
      const rest = area - (patched.get(boundary) ?? 0);
      if (rest < -1e-9) {
        fail(
          "E_ROOM_SURFACES",
          "surfaces",
          `the surfaces on the ${boundary} cover ${(patched.get(boundary) ?? 0).toFixed(2)} m², more than its ${area.toFixed(2)} m²`,
        );
      }
      const m = material(
        id!,
        `boundaries.${isWall && b[boundary] === undefined ? "walls" : boundary}`,
      );
      if (rest > 1e-9)
        surfaces.push({
          name: boundary,
          areaM2: rest,
          absorption: m.absorption,
          material: m,
          on: boundary,
        });
    }
  } else if (file.boundaries) {
    fail(
      "E_ROOM_SCHEMA",
      "boundaries",
      "boundaries need the room's dimensions; list surfaces with areas instead",
    );
  }
  if (surfaces.length === 0) fail("E_ROOM_SCHEMA", "surfaces", "a room needs at least one surface");

  const treatmentSpecs: RoomFile["treatments"] =
    file.treatments.length > 0
      ? file.treatments
      : DEFAULT_TREATMENTS.map((id) => ({ material: id }));
  const treatments = treatmentSpecs.map((t, i): TreatmentChoice => {
    const m = material(t.material, `treatments.${i}.material`);
    return {
      material: m,
      panelWidthM: t.panel?.width ?? 0.6,
      panelHeightM: t.panel?.height ?? 1.2,
      pricePerPanel: t.pricePerPanel ?? DEFAULT_PANEL_PRICES[m.id] ?? 0,
    };
  });

  let listening: Room["listening"] = null;
  if (file.listening) {
    const points = [file.listening.listener, ...(file.listening.speakers ?? [])];
    if (dimensions) {
      points.forEach((p, i) => {
        const inside =
          p.x > 0 &&
          p.x < dimensions.length &&
          p.y > 0 &&
          p.y < dimensions.width &&
          p.z > 0 &&
          p.z < dimensions.height;
        if (!inside)
          fail(
            "E_ROOM_POSITION",
            i === 0 ? "listening.listener" : `listening.speakers.${i - 1}`,
            `(${p.x}, ${p.y}, ${p.z}) is outside the ${dimensions.length} × ${dimensions.width} × ${dimensions.height} m room`,
          );
      });
    }
    listening = { listener: file.listening.listener, speakers: file.listening.speakers ?? null };
  }

  return {
    name: file.name ?? fileName.replace(/\.json$/i, ""),
    dimensions,
    volumeM3,
    surfaces,
    treatments,
    currency: file.currency,
    listening,
  };
}

export function boundaryArea(d: RoomDimensions, boundary: Boundary): number {
  if (boundary === "floor" || boundary === "ceiling") return d.length * d.width;
  if (boundary === "front" || boundary === "back") return d.width * d.height;
  return d.length * d.height;
}
