import { ControlRoomError } from "../music/errors.ts";

/**
 * Which proxies the studio believes about the client (Fastify's `trustProxy`): behind a TLS
 * proxy, X-Forwarded-Proto says the page is https (so cookies are Secure and `__Host-`) and
 * X-Forwarded-For names the client, whom the sign-in limiter counts. Believed from anyone,
 * those headers would let every client pick its own address, so the default trusts nobody.
 *
 * - `true`: whoever connects is the proxy (the studio is reachable only through it).
 * - a number: that many proxies in front, the nearest first.
 * - addresses or CIDR ranges: only connections from those are proxies.
 */
export type TrustProxy = boolean | number | string[];

/** Reads `--trust-proxy` or CONTROLROOM_TRUST_PROXY: true/false, a hop count, or addresses. */
export function parseTrustProxy(text: string | undefined, source: string): TrustProxy | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const value = text.trim().toLowerCase();
  if (["true", "yes", "1"].includes(value)) return true;
  if (["false", "no", "0"].includes(value)) return false;
  if (/^\d+$/.test(value)) return Number(value);
  const addresses = value.split(",").map((entry) => entry.trim());
  if (addresses.every((entry) => /^[0-9a-f.:]+(\/\d{1,3})?$/.test(entry))) return addresses;
  throw new ControlRoomError(
    "E_TRUST_PROXY",
    `${source} "${text}" is not true, false, a number of proxies, or a list of their addresses (10.0.0.1,192.168.0.0/16)`,
    source,
  );
}

/** Reads CONTROLROOM_ALLOWED_ORIGINS: origins besides the studio's own that may open its feed. */
export function parseAllowedOrigins(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      try {
        return new URL(entry).origin;
      } catch {
        throw new ControlRoomError(
          "E_ALLOWED_ORIGIN",
          `CONTROLROOM_ALLOWED_ORIGINS names "${entry}", which is not an origin like https://studio.example`,
          "CONTROLROOM_ALLOWED_ORIGINS",
        );
      }
    });
}
