/** Numbers the way a meter shows them: one decimal, −inf for silence. */
export function db(value: number, unit: string, decimals = 1): string {
  if (value === Number.NEGATIVE_INFINITY) return `-inf ${unit}`;
  if (!Number.isFinite(value)) return `n/a`;
  return `${value.toFixed(decimals)} ${unit}`;
}

export function signedDb(value: number, unit = "dB", decimals = 1): string {
  if (!Number.isFinite(value)) return "n/a";
  const text = value.toFixed(decimals);
  return `${value > 0 && Number(text) !== 0 ? "+" : ""}${text} ${unit}`;
}

/** A plain-text table with a header row; columns padded to their widest cell. */
export function table(header: string[], rows: string[][], indent = "  "): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("   ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return "n/a";
  return `${Math.floor(seconds / 60)}:${(seconds % 60).toFixed(1).padStart(4, "0")}`;
}
