/**
 * Sound absorption coefficients per octave band (125 Hz … 4 kHz), each with where it comes
 * from. Published values above 1 (an ISO 354 / ASTM C423 artefact of edge diffraction on a
 * small sample) are capped at 0.99, so Eyring's −ln(1 − ᾱ) stays finite.
 */
import { ControlRoomError } from "../music/errors.ts";
import type { BandValues } from "./bands.ts";

export interface Material {
  id: string;
  name: string;
  absorption: BandValues;
  source: string;
}

const REFERENCE = "Control Room reference values (rooms: absorption coefficients)";
const EVEREST =
  "Everest & Pohlmann, Master Handbook of Acoustics, table of absorption coefficients of common materials";
const OWENS_CORNING =
  "Owens Corning 700 Series Insulation data sheet, ASTM C423, Type A mounting (values above 0.99 capped)";

export const MATERIALS: readonly Material[] = [
  m("rough-concrete", "rough concrete", [0.02, 0.03, 0.03, 0.03, 0.04, 0.07], REFERENCE),
  m(
    "plasterboard-on-frame",
    "plasterboard on frame",
    [0.15, 0.1, 0.06, 0.04, 0.04, 0.05],
    REFERENCE,
  ),
  m("glass-3mm", "glass, 3 mm", [0.08, 0.04, 0.03, 0.03, 0.02, 0.02], REFERENCE),
  m("thin-carpet", "thin carpet on concrete", [0.02, 0.04, 0.08, 0.2, 0.35, 0.4], REFERENCE),
  m("rockwool-50mm", "rockwool 50 mm", [0.23, 0.59, 0.86, 0.86, 0.86, 0.86], REFERENCE),
  m(
    "fibreglass-703-50mm",
    "2″ fibreglass panel (703)",
    [0.22, 0.82, 0.99, 0.99, 0.99, 0.99],
    REFERENCE,
  ),
  m("foam-50mm", "2″ foam", [0.06, 0.25, 0.56, 0.81, 0.9, 0.91], REFERENCE),
  m(
    "fibreglass-703-25mm",
    "1″ fibreglass panel (703)",
    [0.11, 0.28, 0.68, 0.9, 0.93, 0.96],
    OWENS_CORNING,
  ),
  m(
    "fibreglass-703-100mm",
    "4″ fibreglass panel (703)",
    [0.84, 0.99, 0.99, 0.99, 0.99, 0.97],
    OWENS_CORNING,
  ),
  m("brick", "brick, unglazed", [0.03, 0.03, 0.03, 0.04, 0.05, 0.07], EVEREST),
  m("painted-block", "concrete block, painted", [0.1, 0.05, 0.06, 0.07, 0.09, 0.08], EVEREST),
  m("plaster-on-brick", "plaster on brick", [0.01, 0.02, 0.02, 0.03, 0.04, 0.05], EVEREST),
  m("gypsum-board-13mm", "gypsum board ½″ on studs", [0.29, 0.1, 0.05, 0.04, 0.07, 0.09], EVEREST),
  m("plywood-10mm", "plywood panel ⅜″", [0.28, 0.22, 0.17, 0.09, 0.1, 0.11], EVEREST),
  m("wood-floor", "wood floor", [0.15, 0.11, 0.1, 0.07, 0.06, 0.07], EVEREST),
  m(
    "linoleum-on-concrete",
    "linoleum or vinyl on concrete",
    [0.02, 0.03, 0.03, 0.03, 0.03, 0.02],
    EVEREST,
  ),
  m("heavy-carpet", "heavy carpet on concrete", [0.02, 0.06, 0.14, 0.37, 0.6, 0.65], EVEREST),
  m("carpet-on-pad", "heavy carpet on foam pad", [0.08, 0.24, 0.57, 0.69, 0.71, 0.73], EVEREST),
  m("heavy-glass", "glass, heavy plate", [0.18, 0.06, 0.04, 0.03, 0.02, 0.02], EVEREST),
  m(
    "velour-curtain",
    "medium velour, draped to half its area",
    [0.07, 0.31, 0.49, 0.75, 0.7, 0.6],
    EVEREST,
  ),
  m("wood-door", "solid wood door", [0.14, 0.1, 0.06, 0.08, 0.1, 0.1], EVEREST),
];

function m(id: string, name: string, absorption: number[], source: string): Material {
  return { id, name, absorption: absorption as unknown as BandValues, source };
}

/**
 * The material with this id among the built-in ones and `extra` (a room's own), or
 * E_ROOM_MATERIAL naming the closest known ids.
 */
export function findMaterial(
  id: string,
  extra: readonly Material[] = [],
  subject = "material",
): Material {
  const found = extra.find((x) => x.id === id) ?? MATERIALS.find((x) => x.id === id);
  if (found) return found;
  const known = [...extra, ...MATERIALS].map((x) => x.id);
  const near = known
    .map((k) => ({ k, d: editDistance(k, id) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((x) => x.k);
  throw new ControlRoomError(
    "E_ROOM_MATERIAL",
    `unknown material "${id}"; did you mean ${near.join(", ")}? (controlroom room materials lists them all)`,
    subject,
  );
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const kept = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = kept;
    }
  }
  return row[b.length];
}
