import { deflateSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { ControlRoomError } from "../../music/errors.ts";
import { DawprojectArchive, writeArchive } from "./archive.ts";
import { readDawproject } from "./import.ts";
import { parseXml } from "./xml.ts";

const text = (s: string) => new TextEncoder().encode(s);

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ControlRoomError);
    return (error as ControlRoomError).code;
  }
  throw new Error("expected a ControlRoomError");
}

const MINIMAL = `<?xml version="1.0" encoding="UTF-8"?>
<Project version="1.0"><Application name="T" version="1"/>
<Structure><Track id="t1" name="Keys" contentType="notes"><Channel id="c1" role="regular"/></Track></Structure>
<Arrangement id="a"><Lanes timeUnit="beats"><Lanes track="t1"><Clips>
CLIP
</Clips></Lanes></Lanes></Arrangement></Project>`;

function dawproject(projectXml: string, extra: Record<string, Uint8Array> = {}): Uint8Array {
  return writeArchive({ "project.xml": text(projectXml), ...extra });
}

/** Overwrites the sizes an archive's central directory declares for its first entry. */
function patchDeclaredSize(zip: Uint8Array, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let at = out.length - 22; at >= 0; at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      const central = view.getUint32(at + 16, true);
      view.setUint32(central + 24, size, true);
      return out;
    }
  }
  throw new Error("no end of central directory");
}

describe("DAWproject archive safety", () => {
  it("refuses entries that climb out of the archive (zip-slip)", () => {
    for (const name of [
      "../evil.txt",
      "audio/../../evil.txt",
      "/etc/passwd",
      "audio\\x.wav",
      "C:/x.wav",
    ]) {
      const zip = zipSync({ "project.xml": text(MINIMAL), [name]: text("x") });
      let error: unknown;
      try {
        DawprojectArchive.open(zip, "slip.dawproject");
      } catch (e) {
        error = e;
      }
      expect(error, name).toBeInstanceOf(ControlRoomError);
      expect((error as ControlRoomError).code).toBe("E_ZIP_UNSAFE_PATH");
      expect((error as ControlRoomError).message).toContain("slip.dawproject");
    }
  });

  it("stops a zip bomb at the size it declares, counting inflated bytes", () => {
    const zeros = new Uint8Array(16 * 1024 * 1024);
    const zip = zipSync({ "project.xml": [zeros, { level: 9 }] });
    expect(zip.length).toBeLessThan(50_000);
    // The directory says 1 000 bytes; 16 MiB come out of the deflate stream.
    const lying = patchDeclaredSize(zip, 1000);
    const archive = DawprojectArchive.open(lying, "bomb.dawproject");
    expect(codeOf(() => archive.read("project.xml"))).toBe("E_ZIP_SIZE_MISMATCH");
  });

  it("refuses an entry whose declared size is over the limit before inflating it", () => {
    const zip = zipSync({ "project.xml": text(MINIMAL) });
    expect(codeOf(() => DawprojectArchive.open(patchDeclaredSize(zip, 0xfffffff0)))).toBe(
      "E_ZIP_TOO_LARGE",
    );
    expect(
      codeOf(() =>
        DawprojectArchive.open(zipSync({ a: text("123456"), b: text("123456") }), "x", {
          maxTotalBytes: 10,
        }),
      ),
    ).toBe("E_ZIP_TOO_LARGE");
  });

  it("refuses more entries than the limit", () => {
    const files: Record<string, Uint8Array> = {};
    for (let i = 0; i < 20; i++) files[`f${i}`] = text("x");
    expect(codeOf(() => DawprojectArchive.open(zipSync(files), "many", { maxEntries: 10 }))).toBe(
      "E_ZIP_TOO_MANY_ENTRIES",
    );
  });

  it("refuses data that is not a ZIP, and a damaged entry", () => {
    expect(codeOf(() => readDawproject(text("not a zip at all, really not"), "x.dawproject"))).toBe(
      "E_ZIP_FORMAT",
    );
    const zip = dawproject(MINIMAL.replace("CLIP", ""));
    const damaged = zip.slice();
    damaged[60] ^= 0xff;
    expect(() => readDawproject(damaged, "x.dawproject")).toThrow(ControlRoomError);
  });

  it("reads a deflated entry back byte for byte", () => {
    const payload = text("<Project/>".repeat(1000));
    const zip = zipSync({ "project.xml": [payload, { level: 6 }] });
    expect(DawprojectArchive.open(zip).read("project.xml")).toEqual(payload);
    expect(deflateSync(payload).length).toBeLessThan(payload.length);
  });
});

describe("DAWproject XML safety", () => {
  it("refuses an XML entity bomb at once, without expanding it", () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [<!ENTITY lol "lol">',
      ...Array.from(
        { length: 9 },
        (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? "" : i};`.repeat(10)}">`,
      ),
      "]>",
      "<Project>&lol9;</Project>",
    ].join("\n");
    let error: ControlRoomError | undefined;
    try {
      readDawproject(dawproject(lol), "bomb.dawproject");
    } catch (e) {
      error = e as ControlRoomError;
    }
    expect(error?.code).toBe("E_XML_DOCTYPE");
    expect(error?.message).toContain("project.xml");
  });

  it("refuses an external entity", () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><Project>&x;</Project>`;
    expect(codeOf(() => parseXml(xxe, "project.xml"))).toBe("E_XML_DOCTYPE");
  });

  it("refuses an undefined entity and XML nested too deep", () => {
    expect(codeOf(() => parseXml("<Project>&nope;</Project>", "project.xml"))).toBe("E_XML_SYNTAX");
    const deep = `${"<a>".repeat(500)}${"</a>".repeat(500)}`;
    expect(codeOf(() => parseXml(deep, "project.xml"))).toBe("E_XML_TOO_DEEP");
  });

  it("names the element and attribute when project.xml fails the schema", () => {
    const noKey = MINIMAL.replace(
      "CLIP",
      '<Clip time="0" duration="4"><Notes><Note time="0" duration="1" channel="0" vel="0.8"/></Notes></Clip>',
    );
    let error: ControlRoomError | undefined;
    try {
      readDawproject(dawproject(noKey), "bad.dawproject");
    } catch (e) {
      error = e as ControlRoomError;
    }
    expect(error?.code).toBe("E_DAWPROJECT_SCHEMA");
    expect(error?.message).toMatch(/project\.xml: .*Note 1: <Note> has no key attribute/);

    const wrongRoot = `<Projekt version="1.0"/>`;
    expect(codeOf(() => readDawproject(dawproject(wrongRoot), "bad.dawproject"))).toBe(
      "E_DAWPROJECT_SCHEMA",
    );
    const badTime = MINIMAL.replace("CLIP", '<Clip time="soon" duration="4"/>');
    expect(codeOf(() => readDawproject(dawproject(badTime), "bad.dawproject"))).toBe(
      "E_DAWPROJECT_SCHEMA",
    );
    expect(codeOf(() => readDawproject(writeArchive({ "x.xml": text("<a/>") }), "x"))).toBe(
      "E_DAWPROJECT_NO_PROJECT",
    );
  });
});
