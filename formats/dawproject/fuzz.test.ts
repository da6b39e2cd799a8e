import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ControlRoomError } from "../../music/errors.ts";
import { parseProject } from "../../music/validate.ts";
import { DawprojectArchive, writeArchive } from "./archive.ts";
import { readDawproject } from "./import.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const BITWIG = path.resolve(here, "../../../shared/testdata/dawproject-bitwig");
const hasFiles = existsSync(BITWIG);
if (!hasFiles) console.warn(`skipping the DAWproject fuzz test: ${BITWIG} is absent`);

/** mulberry32: a small seeded generator, so every run mutates the same way. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = [
  "-1",
  "0",
  "1e308",
  "-1e308",
  "NaN",
  "inf",
  "-inf",
  "",
  "x",
  "1e-300",
  "999999999",
  "0.0000001",
  "id2",
  "seconds",
  "beats",
  "true",
];

function mutateText(xml: string, next: () => number): string {
  const pick = (n: number) => Math.floor(next() * n);
  let s = xml;
  const rounds = 1 + pick(3);
  for (let r = 0; r < rounds; r++) {
    const at = pick(s.length);
    switch (pick(6)) {
      case 0: // delete a span
        s = s.slice(0, at) + s.slice(at + 1 + pick(40));
        break;
      case 1: {
        // duplicate a span
        const span = s.slice(at, at + 1 + pick(200));
        s = s.slice(0, at) + span + s.slice(at);
        break;
      }
      case 2: {
        // replace an attribute value
        const values = [...s.matchAll(/="([^"]*)"/g)];
        if (values.length === 0) break;
        const v = values[pick(values.length)];
        const start = (v.index ?? 0) + 2;
        s = s.slice(0, start) + NASTY[pick(NASTY.length)] + s.slice(start + v[1].length);
        break;
      }
      case 3: // change a digit
        if (/\d/.test(s[at] ?? "")) s = s.slice(0, at) + String(pick(10)) + s.slice(at + 1);
        break;
      case 4: // drop an element's closing
        s = s.replace(/<\/[A-Za-z]+>/, "");
        break;
      default: // a stray character
        s = s.slice(0, at) + "<>&\"'/="[pick(7)] + s.slice(at);
    }
  }
  return s;
}

describe.skipIf(!hasFiles)("DAWproject fuzzing", () => {
  it("turns 3 000 mutations of Bitwig's files into a Project or a ControlRoomError, never a crash", () => {
    const originals = ["audio-regions", "automation", "eq", "note-regions", "virtualcx"].map(
      (n) => {
        const bytes = new Uint8Array(readFileSync(path.join(BITWIG, `${n}.dawproject`)));
        const archive = DawprojectArchive.open(bytes, n);
        const entries: Record<string, Uint8Array> = {};
        // Audio and plug-in states only need to be there: small stand-ins keep the loop fast.
        for (const name of archive.entries.keys()) {
          entries[name] = name.endsWith(".xml") ? archive.read(name) : new Uint8Array(16);
        }
        return { name: n, bytes, entries, xml: new TextDecoder().decode(entries["project.xml"]) };
      },
    );
    const next = random(20_250_809);
    const outcomes = { project: 0, error: 0 };
    for (let i = 0; i < 3000; i++) {
      const original = originals[i % originals.length];
      let bytes: Uint8Array;
      if (i % 4 === 0) {
        // Bytes of the archive itself.
        bytes = original.bytes.slice();
        const flips = 1 + Math.floor(next() * 8);
        for (let f = 0; f < flips; f++)
          bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
        if (next() < 0.2) bytes = bytes.subarray(0, Math.floor(next() * bytes.length));
      } else {
        const xml = mutateText(original.xml, next);
        bytes = writeArchive({ ...original.entries, "project.xml": new TextEncoder().encode(xml) });
      }
      try {
        const { project } = readDawproject(bytes, `${original.name}-${i}.dawproject`);
        expect(() => parseProject(project)).not.toThrow();
        outcomes.project++;
      } catch (error) {
        if (!(error instanceof ControlRoomError)) {
          throw new Error(`mutation ${i} of ${original.name} threw ${(error as Error).stack}`);
        }
        expect(error.message.length).toBeGreaterThan(10);
        outcomes.error++;
      }
    }
    expect(outcomes.project).toBeGreaterThan(100);
    expect(outcomes.error).toBeGreaterThan(100);
  });
});
