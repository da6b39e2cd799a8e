import { z } from "zod";

/** C0 controls and DEL, which no name or note holds; tab and line breaks only where allowed. */
function hasControl(value: string, lineBreaks: boolean): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (lineBreaks && (code === 9 || code === 10 || code === 13)) continue;
    if (code < 32 || code === 127) return true;
  }
  return false;
}

/** Trimmed text of at most `max` characters, with line breaks only when `lines` is set. */
export function plainText(max: number, lines = false) {
  return z
    .string()
    .trim()
    .max(max)
    .refine((value) => !hasControl(value, lines), {
      message: lines ? "no control characters besides line breaks" : "no control characters",
    });
}
