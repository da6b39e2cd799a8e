/**
 * DAWproject ids are XML IDs (NCNames, unique in the file). Our exports write a document id
 * as `cr_` plus the id with every character outside [A-Za-z0-9.-] escaped as `_<hex>_`, so
 * an import of our own file gets the same ids back; ids from other programs (Bitwig writes
 * `id12`) are replaced by readable ones made from names.
 */
const PREFIX = "cr_";

export function toXmlId(id: string, kind = ""): string {
  let out = PREFIX + kind;
  for (const ch of id) {
    out += /[A-Za-z0-9.-]/.test(ch) ? ch : `_${ch.codePointAt(0)!.toString(16)}_`;
  }
  return out;
}

/** The document id an XML id of ours stands for, or undefined for someone else's id. */
export function fromXmlId(xmlId: string | undefined, kind = ""): string | undefined {
  if (!xmlId?.startsWith(PREFIX + kind)) return undefined;
  const body = xmlId.slice(PREFIX.length + kind.length);
  if (!/^([A-Za-z0-9.-]|_[0-9a-f]{1,6}_)+$/.test(body)) return undefined;
  const id = body.replace(/_([0-9a-f]{1,6})_/g, (_, hex: string) => {
    const code = Number.parseInt(hex, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : "";
  });
  return id.length > 0 && id.length <= 200 ? id : undefined;
}

export function slug(name: string, fallback: string): string {
  const s = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return s || fallback;
}

/** Hands out ids, never the same one twice, never a reserved one. */
export class IdPool {
  private readonly used = new Set<string>();

  constructor(reserved: string[] = []) {
    for (const r of reserved) this.used.add(r);
  }

  take(wanted: string): string {
    let id = wanted;
    for (let n = 2; this.used.has(id); n++) id = `${wanted}-${n}`;
    this.used.add(id);
    return id;
  }

  has(id: string): boolean {
    return this.used.has(id);
  }
}
