import { Inflate, zipSync } from "fflate";
import { ControlRoomError } from "../../music/errors.ts";

/**
 * A DAWproject container is a ZIP file (APPNOTE.TXT). This reader takes the central
 * directory apart itself, so it can refuse an archive before inflating anything: entry
 * names that climb out (`..`, absolute, backslashes, drive letters), too many entries,
 * declared sizes over the limits. Inflation (fflate) is fed in small pieces and the
 * bytes it actually produces are counted, so an entry that lies about its size (a zip
 * bomb) stops at its declared size, never at whatever it would have expanded to.
 */

export interface ArchiveLimits {
  /** Entries in the central directory. */
  maxEntries: number;
  /** Inflated bytes of one entry. */
  maxEntryBytes: number;
  /** Inflated bytes of all entries read, together. */
  maxTotalBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 10_000,
  maxEntryBytes: 1024 ** 3,
  maxTotalBytes: 4 * 1024 ** 3,
};

export interface ArchiveEntry {
  name: string;
  compressedBytes: number;
  /** The size the central directory promises; reading checks the inflated bytes against it. */
  bytes: number;
  method: number;
  crc32: number;
  localHeaderOffset: number;
}

/** Compressed input handed to the inflater at a time: deflate expands at most ~1032:1, so one push yields ≤ 4 MiB. */
const INFLATE_INPUT_CHUNK = 4096;

export class DawprojectArchive {
  readonly entries: ReadonlyMap<string, ArchiveEntry>;
  private readonly bytes: Uint8Array;
  private readonly limits: ArchiveLimits;
  private readonly archiveName: string;
  private inflatedTotal = 0;

  private constructor(
    bytes: Uint8Array,
    entries: Map<string, ArchiveEntry>,
    limits: ArchiveLimits,
    archiveName: string,
  ) {
    this.bytes = bytes;
    this.entries = entries;
    this.limits = limits;
    this.archiveName = archiveName;
  }

  /** Reads the central directory and checks every entry's name and declared size. */
  static open(
    bytes: Uint8Array,
    archiveName = "project.dawproject",
    limits: Partial<ArchiveLimits> = {},
  ): DawprojectArchive {
    const all = { ...DEFAULT_ARCHIVE_LIMITS, ...limits };
    return new DawprojectArchive(
      bytes,
      readCentralDirectory(bytes, archiveName, all),
      all,
      archiveName,
    );
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The inflated bytes of one entry, its CRC checked. */
  read(name: string): Uint8Array {
    const entry = this.entries.get(name);
    if (!entry) {
      throw new ControlRoomError(
        "E_DAWPROJECT_MISSING_ENTRY",
        `${this.archiveName} has no file ${name}`,
        `${this.archiveName}:${name}`,
      );
    }
    const subject = `${this.archiveName}:${name}`;
    const data = entryData(this.bytes, entry, subject);
    if (this.inflatedTotal + entry.bytes > this.limits.maxTotalBytes) {
      throw new ControlRoomError(
        "E_ZIP_TOO_LARGE",
        `${this.archiveName}: reading ${name} would unpack more than ${this.limits.maxTotalBytes} bytes in all`,
        subject,
      );
    }
    let out: Uint8Array;
    if (entry.method === 0) {
      out = data;
    } else {
      out = inflateCounted(data, entry.bytes, subject, name);
    }
    if (out.length !== entry.bytes) {
      throw new ControlRoomError(
        "E_ZIP_SIZE_MISMATCH",
        `${name} unpacks to ${out.length} bytes, the archive promises ${entry.bytes}; the archive is damaged`,
        subject,
      );
    }
    if (crc32(out) !== entry.crc32) {
      throw new ControlRoomError(
        "E_ZIP_CRC",
        `${name} fails its CRC-32 check; the archive is damaged`,
        subject,
      );
    }
    this.inflatedTotal += out.length;
    return out;
  }

  readText(name: string): string {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(this.read(name));
    } catch (error) {
      if (error instanceof ControlRoomError) throw error;
      throw new ControlRoomError(
        "E_DAWPROJECT_ENCODING",
        `${name} is not valid UTF-8 text`,
        `${this.archiveName}:${name}`,
      );
    }
  }
}

function inflateCounted(
  data: Uint8Array,
  expected: number,
  subject: string,
  name: string,
): Uint8Array {
  const out = new Uint8Array(expected);
  let length = 0;
  let done = false;
  const inflater = new Inflate((chunk, final) => {
    if (length + chunk.length > expected) {
      throw new ControlRoomError(
        "E_ZIP_SIZE_MISMATCH",
        `${name} unpacks to more than the ${expected} bytes the archive promises; refusing it (a zip bomb or a damaged archive)`,
        subject,
      );
    }
    out.set(chunk, length);
    length += chunk.length;
    if (final) done = true;
  });
  try {
    for (let at = 0; at < data.length && !done; at += INFLATE_INPUT_CHUNK) {
      const end = Math.min(data.length, at + INFLATE_INPUT_CHUNK);
      inflater.push(data.subarray(at, end), end === data.length);
    }
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof ControlRoomError) throw error;
    throw new ControlRoomError(
      "E_ZIP_DEFLATE",
      `${name} cannot be unpacked: ${(error as Error).message}; the archive is damaged`,
      subject,
    );
  }
  if (!done) {
    throw new ControlRoomError(
      "E_ZIP_DEFLATE",
      `${name} ends before its compressed data does; the archive is damaged`,
      subject,
    );
  }
  return out.subarray(0, length);
}

function readCentralDirectory(
  bytes: Uint8Array,
  archiveName: string,
  limits: ArchiveLimits,
): Map<string, ArchiveEntry> {
  const fail = (code: string, message: string, subject = archiveName): never => {
    throw new ControlRoomError(code, `${archiveName}: ${message}`, subject);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record sits in the last 22 + 65 535 (comment) bytes.
  let eocd = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 65_535); at--) {
    if (view.getUint32(at, true) === 0x06054b50) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) fail("E_ZIP_FORMAT", "is not a ZIP archive (no end of central directory)");
  let count = view.getUint16(eocd + 10, true);
  let size = view.getUint32(eocd + 12, true);
  let offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    // ZIP64: the locator sits just before the end record.
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== 0x07064b50) {
      fail("E_ZIP_FORMAT", "has a damaged ZIP64 end of central directory");
    }
    const record = Number(view.getBigUint64(locator + 8, true));
    if (record + 56 > bytes.length || view.getUint32(record, true) !== 0x06064b50) {
      fail("E_ZIP_FORMAT", "has a damaged ZIP64 end of central directory");
    }
    count = Number(view.getBigUint64(record + 32, true));
    size = Number(view.getBigUint64(record + 40, true));
    offset = Number(view.getBigUint64(record + 48, true));
  }
  if (count > limits.maxEntries) {
    fail("E_ZIP_TOO_MANY_ENTRIES", `has ${count} entries; at most ${limits.maxEntries} are read`);
  }
  if (offset + size > bytes.length) {
    fail("E_ZIP_FORMAT", "has a central directory past the end of the file");
  }
  const entries = new Map<string, ArchiveEntry>();
  let total = 0;
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) {
      fail("E_ZIP_FORMAT", `entry ${i + 1} of the central directory is damaged`);
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    let compressedBytes = view.getUint32(at + 20, true);
    let uncompressed = view.getUint32(at + 24, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    let localHeaderOffset = view.getUint32(at + 42, true);
    const end = at + 46 + nameLength + extraLength + commentLength;
    if (end > bytes.length) fail("E_ZIP_FORMAT", `entry ${i + 1} runs past the end of the file`);
    const rawName = bytes.subarray(at + 46, at + 46 + nameLength);
    const name = decodeName(rawName, (flags & 0x800) !== 0);
    // ZIP64 extra field: the 64-bit sizes replace the ones set to 0xffffffff, in order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true);
      const length = view.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        const fieldEnd = Math.min(field + length, extraEnd);
        const next = () => {
          if (field + 8 > fieldEnd) fail("E_ZIP_FORMAT", `${name} has a damaged ZIP64 field`, name);
          const value = Number(view.getBigUint64(field, true));
          field += 8;
          return value;
        };
        if (uncompressed === 0xffffffff) uncompressed = next();
        if (compressedBytes === 0xffffffff) compressedBytes = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      extra += 4 + length;
    }
    at = end;
    if (name.endsWith("/")) continue; // a folder
    checkEntryName(name, archiveName);
    if (flags & 0x1) fail("E_ZIP_ENCRYPTED", `${name} is encrypted`, `${archiveName}:${name}`);
    if (method !== 0 && method !== 8) {
      fail(
        "E_ZIP_METHOD",
        `${name} is compressed with method ${method}; only stored and deflated entries are read`,
        `${archiveName}:${name}`,
      );
    }
    if (method === 0 && compressedBytes !== uncompressed) {
      fail("E_ZIP_FORMAT", `${name} is stored but its two sizes differ`, `${archiveName}:${name}`);
    }
    if (uncompressed > limits.maxEntryBytes) {
      fail(
        "E_ZIP_TOO_LARGE",
        `${name} unpacks to ${uncompressed} bytes; at most ${limits.maxEntryBytes} are read for one file`,
        `${archiveName}:${name}`,
      );
    }
    total += uncompressed;
    if (total > limits.maxTotalBytes) {
      fail(
        "E_ZIP_TOO_LARGE",
        `unpacks to more than ${limits.maxTotalBytes} bytes in all; refusing it`,
        `${archiveName}:${name}`,
      );
    }
    if (entries.has(name)) {
      fail("E_ZIP_DUPLICATE", `holds ${name} twice`, `${archiveName}:${name}`);
    }
    entries.set(name, {
      name,
      compressedBytes,
      bytes: uncompressed,
      method,
      crc32: crc,
      localHeaderOffset,
    });
  }
  return entries;
}

/** Entry names are relative, forward-slashed and stay inside the archive (no zip-slip). */
export function checkEntryName(name: string, archiveName: string): void {
  const refuse = (why: string): never => {
    throw new ControlRoomError(
      "E_ZIP_UNSAFE_PATH",
      `${archiveName}: the entry "${name}" ${why}; refusing the archive`,
      `${archiveName}:${name}`,
    );
  };
  if (name.length === 0) refuse("has an empty name");
  if (name.includes("\\")) refuse("uses a backslash");
  if (name.startsWith("/")) refuse("is an absolute path");
  if (/^[a-zA-Z]:/.test(name)) refuse("names a drive");
  if (name.includes("\0")) refuse("contains a NUL character");
  if (name.split("/").some((part) => part === ".." || part === ".")) refuse("climbs with . or ..");
}

function decodeName(raw: Uint8Array, utf8: boolean): string {
  if (utf8) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(raw);
    } catch {
      return latin1(raw);
    }
  }
  // CP437 for everything outside ASCII is rare in DAWproject; bytes ≥ 0x80 read as Latin-1.
  return latin1(raw);
}

function latin1(raw: Uint8Array): string {
  let s = "";
  for (const b of raw) s += String.fromCharCode(b);
  return s;
}

function entryData(bytes: Uint8Array, entry: ArchiveEntry, subject: string): Uint8Array {
  const at = entry.localHeaderOffset;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (at + 30 > bytes.length || view.getUint32(at, true) !== 0x04034b50) {
    throw new ControlRoomError(
      "E_ZIP_FORMAT",
      `${entry.name} has a damaged local header; the archive is damaged`,
      subject,
    );
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedBytes;
  if (end > bytes.length) {
    throw new ControlRoomError(
      "E_ZIP_TRUNCATED",
      `${entry.name} runs past the end of the archive; the archive is truncated`,
      subject,
    );
  }
  return bytes.subarray(start, end);
}

let crcTable: Uint32Array | undefined;

export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Packs files into a ZIP: XML deflated, audio (already dense) stored. */
export function writeArchive(files: Record<string, Uint8Array>): Uint8Array {
  const input: Record<string, [Uint8Array, { level: 0 | 6 }]> = {};
  for (const [name, data] of Object.entries(files)) {
    input[name] = [data, { level: name.endsWith(".xml") ? 6 : 0 }];
  }
  return zipSync(input, { mtime: new Date(Date.UTC(2000, 0, 1)) });
}
