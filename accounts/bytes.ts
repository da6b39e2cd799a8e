/**
 * Random bytes, base64url and constant-time comparison for secrets.
 *
 * Randomness comes from Web Crypto (`globalThis.crypto`), present in Node and in browsers,
 * so this folder stays free of `node:*`. SHA-256 and HMAC come from @noble/hashes.
 */
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";

const encoder = new TextEncoder();

export function randomBytes(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/** RFC 4648 §5, without padding: safe in cookies, headers and URLs. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function sha256Hex(text: string): string {
  return toHex(sha256(encoder.encode(text)));
}

export function hmacSha256Base64Url(key: Uint8Array, text: string): string {
  return toBase64Url(hmac(sha256, key, encoder.encode(text)));
}

/**
 * Compares two strings in time that depends on their length only, never on where they
 * differ, so a secret cannot be guessed one character at a time.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  let difference = left.length ^ right.length;
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return difference === 0;
}

function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}
