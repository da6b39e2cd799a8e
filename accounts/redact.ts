/**
 * Strips secrets from anything on its way into a log line or the audit log.
 *
 * Deep: every field whose name says secret (password, token, cookie, authorization, csrf,
 * secret, salt, credential, api key, private key) becomes `[redacted]` at any depth, and
 * so does a `Password` or a string that is an argon2 hash, wherever it sits. Values come out as
 * plain JSON data: dates as ISO strings, cycles cut.
 */
export const REDACTED = "[redacted]";

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

const SECRET_NAMES = [
  "password",
  "passphrase",
  "passwd",
  "pwd",
  "secret",
  "token",
  "cookie",
  "authorization",
  "csrf",
  "salt",
  "credential",
  "apikey",
  "privatekey",
];
const MAX_DEPTH = 32;

export function isSecretName(name: string): boolean {
  const folded = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  return SECRET_NAMES.some((secret) => folded.includes(secret));
}

export function redactSecrets(value: unknown): JsonValue {
  return redact(value, new WeakSet(), 0);
}

function redact(value: unknown, seen: WeakSet<object>, depth: number): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
      return value.startsWith("$argon2") ? REDACTED : value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "object":
      break;
    default:
      return null;
  }
  const object = value as object;
  if (object instanceof Uint8Array) return REDACTED;
  if (seen.has(object) || depth >= MAX_DEPTH) return "[cut]";
  // As JSON.stringify does: a Password says "[redacted]", a Date gives its ISO string.
  if (typeof (object as { toJSON?: unknown }).toJSON === "function") {
    return redact((object as { toJSON: () => unknown }).toJSON(), seen, depth + 1);
  }
  seen.add(object);
  try {
    if (Array.isArray(object)) return object.map((item) => redact(item, seen, depth + 1));
    if (object instanceof Map) return redact(Object.fromEntries(object), seen, depth + 1);
    if (object instanceof Set) return redact([...object], seen, depth + 1);
    if (object instanceof Error) {
      return redact({ name: object.name, message: object.message }, seen, depth + 1);
    }
    const out: Record<string, JsonValue> = {};
    for (const [key, item] of Object.entries(object)) {
      out[key] = isSecretName(key) ? REDACTED : redact(item, seen, depth + 1);
    }
    return out;
  } finally {
    seen.delete(object);
  }
}

/**
 * Paths for pino's `redact` option, so request logs drop the same things before they are
 * written (pino matches exact paths; `redactSecrets` is the deep net under it).
 */
export const LOG_REDACT_PATHS: readonly string[] = [
  "req.headers.cookie",
  "req.headers.authorization",
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  "*.password",
  "*.newPassword",
  "*.currentPassword",
  "*.token",
];
