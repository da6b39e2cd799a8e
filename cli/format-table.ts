/** Numbers the way a meter shows them: one decimal, −inf for silence, n/a for no value. */
export function db(value: number, unit: string, decimals = 1): string {
  if (value === Number.NEGATIVE_INFINITY) return `-inf ${unit}`;
  if (!Number.isFinite(value)) return `n/a`;
  return `${fixed(value, decimals)} ${unit}`;
}

/** A difference or a gain: signed, ±inf where one side is silence, n/a for no value. */
export function signedDb(value: number, unit = "dB", decimals = 1): string {
  if (value === Number.POSITIVE_INFINITY) return `+inf ${unit}`;
  if (value === Number.NEGATIVE_INFINITY) return `-inf ${unit}`;
  if (!Number.isFinite(value)) return "n/a";
  const text = fixed(value, decimals);
  return `${Number(text) > 0 ? "+" : ""}${text} ${unit}`;
}

/** toFixed without "-0.0" for a value that rounds to zero from below. */
function fixed(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return Number(text) === 0 ? (0).toFixed(decimals) : text;
}

/**
 * A plain-text table with a header row; columns padded to their widest cell. Numbers read
 * best right-aligned, words left: by default the first column is left-aligned and the rest
 * right, unless `align` says per column.
 */
export function table(
  header: string[],
  rows: string[][],
  indent = "  ",
  align?: readonly ("left" | "right")[],
): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const left = (c: number) => (align?.[c] ?? (c === 0 ? "left" : "right")) === "left";
  const line = (cells: string[]) =>
    indent +
    cells
      .map((cell, c) => (left(c) ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("   ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "n/a";
  return `${Math.floor(seconds / 60)}:${(seconds % 60).toFixed(1).padStart(4, "0")}`;
}
