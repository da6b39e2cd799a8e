import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { unzipSync, zipSync } from "fflate";
import { beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../cli/exit-codes.ts";
import { controlroom } from "./support/cli.ts";
import { tempDir } from "./support/projects.ts";

/**
 * `controlroom import` and `export` as a person runs them, on files other tools made: a
 * Bitwig Studio DAWproject and a MIDI file from the shared test set.
 */
const shared = path.resolve(import.meta.dirname, "..", "..", "shared");
const bitwig = path.join(shared, "testdata", "dawproject-bitwig");
const midi = path.join(shared, "testdata", "midi");
const schema = path.join(shared, "specs", "dawproject", "Project.xsd");
const haveShared = existsSync(bitwig) && existsSync(midi);
const haveXmllint = spawnSync("xmllint", ["--version"]).status === 0;
if (!haveShared)
  console.log(
    `import/export CLI tests skipped: ${shared} is absent (it comes beside the checkout)`,
  );

let work: string;
beforeAll(async () => {
  work = await tempDir("controlroom-interchange-");
});

/** One line on stderr that names the file and says what is wrong; no stack trace. */
function expectRefused(result: ReturnType<typeof controlroom>, code: string, name: string): void {
  expect(result.status).toBe(EXIT.audio);
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
  expect(result.stderr).toMatch(new RegExp(`^${code}[A-Z_]*: .*${name.replace(".", "\\.")}`));
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe.skipIf(!haveShared)("controlroom import and export", () => {
  it("imports Bitwig DAWprojects, renders one, and exports a DAWproject that validates against Project.xsd", () => {
    const dir = path.join(work, "notes");
    const imported = controlroom("import", path.join(bitwig, "note-regions.dawproject"), dir);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(
      /^imported note-regions\.dawproject into .*: ".*", \d+ tracks, 0 audio clips, \d+ note clips with 43 notes/,
    );
    expect(imported.stdout).toContain("from Bitwig Studio");
    const chirp = path.join(work, "chirp");
    expect(controlroom("import", path.join(bitwig, "audio-regions.dawproject"), chirp).status).toBe(
      0,
    );
    const rendered = controlroom("render", chirp, "-o", path.join(work, "chirp.wav"));
    expect(rendered.status, rendered.stderr).toBe(0);
    const out = path.join(work, "notes.dawproject");
    const exported = controlroom("export", dir, "-o", out);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout).toMatch(/^wrote .*notes\.dawproject: \d+ tracks/);
    const dir2 = path.join(work, "notes-again");
    expect(controlroom("import", out, dir2).stdout).toContain("with 43 notes");
    if (haveXmllint) {
      const xml = path.join(dir2, "exported-project.xml");
      writeFileSync(xml, unzipSync(readFileSync(out))["project.xml"]);
      const lint = spawnSync("xmllint", ["--noout", "--schema", schema, xml], { encoding: "utf8" });
      expect(lint.status, lint.stderr).toBe(0);
    } else {
      console.log(
        "Project.xsd check skipped: xmllint is not installed (Debian package libxml2-utils)",
      );
    }
  });

  it("imports a MIDI file, and exports its notes to a MIDI file that imports to the same notes", () => {
    const dir = path.join(work, "bach");
    const imported = controlroom("import", path.join(midi, "bach", "bach_846.mid"), dir, "--json");
    expect(imported.status, imported.stderr).toBe(0);
    const summary = JSON.parse(imported.stdout);
    expect(summary).toMatchObject({ ok: true, notes: 1284, sections: 3 });
    const mid = path.join(work, "bach.mid");
    expect(controlroom("export", dir, "-o", mid).status).toBe(0);
    const again = JSON.parse(
      controlroom("import", mid, path.join(work, "bach-again"), "--json").stdout,
    );
    expect(again.notes).toBe(1284);
    expect(again.tempoChanges).toBe(summary.tempoChanges);
    const arrange = controlroom("arrange", dir);
    expect(arrange.stdout).toMatch(/Prelude\s+Fugue\s+Fine/);
  });

  it("refuses a project folder that already holds a project, and an unknown kind of file", () => {
    const taken = controlroom("import", path.join(midi, "beat.mid"), path.join(work, "bach"));
    expect(taken.status).not.toBe(0);
    expect(taken.stderr).toMatch(/already exists/);
    const unknown = controlroom("import", path.join(work, "song.xyz"), path.join(work, "x"));
    expect(unknown.status).toBe(EXIT.usage);
    expect(unknown.stderr).toContain("Control Room imports .mid, .midi, .dawproject files");
  });
});

describe("controlroom import refuses hostile files without writing anything", () => {
  const project =
    '<?xml version="1.0"?><Project version="1.0"><Application name="x" version="1"/><Transport/><Structure/><Arrangement/></Project>';

  it.each([
    [
      "a DAWproject with a ../ entry",
      "slip.dawproject",
      () =>
        zipSync({
          "project.xml": new TextEncoder().encode(project),
          "../evil.txt": new Uint8Array(3),
        }),
      "E_ZIP_UNSAFE_PATH",
    ],
    [
      "an XML entity bomb",
      "bomb.dawproject",
      () =>
        zipSync({
          "project.xml": new TextEncoder().encode(
            `<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><Project version="1.0">&c;</Project>`,
          ),
        }),
      "E_XML_DOCTYPE",
    ],
    [
      "a truncated MIDI file",
      "cut.mid",
      () =>
        new Uint8Array([
          0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 1, 0, 2, 1, 0xe0, 0x4d, 0x54, 0x72, 0x6b, 0, 0, 1,
          0,
        ]),
      "E_MIDI",
    ],
    [
      "a MIDI header promising 60 000 tracks",
      "many.mid",
      () => new Uint8Array([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 1, 0xea, 0x60, 1, 0xe0]),
      "E_MIDI",
    ],
  ])("%s", (_, name, bytes, code) => {
    const file = path.join(work, name);
    writeFileSync(file, bytes());
    const dir = path.join(work, `${name}-project`);
    const result = controlroom("import", file, dir);
    expectRefused(result, code, name);
    expect(existsSync(path.join(dir, "project.json"))).toBe(false);
    expect(readFileSync(file).length).toBeGreaterThan(0);
  });
});
