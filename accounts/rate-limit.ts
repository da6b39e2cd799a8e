/**
 * The sign-in rate limiter: token buckets per account email and per client address.
 *
 * Each sign-in attempt takes a token from both buckets; a bucket refills one token per
 * `refillSeconds` up to `capacity`. When either is empty the attempt is refused with the
 * seconds until both have a token again (the `Retry-After` of an HTTP 429). The email
 * bucket stops guessing at one account from many addresses; the address bucket stops one
 * address spraying many accounts. A successful sign-in refills that account's bucket.
 *
 * `decideSignIn` is the policy on its own, for buckets kept elsewhere (the server keeps them in
 * the database, so the limit holds across processes); `SignInRateLimiter` keeps them in
 * memory. The clock is injected.
 */
import { normalizeEmail } from "./email.ts";

/** Milliseconds on any clock that does not jump backwards much; `Date.now` in the server. */
export type Clock = () => number;

export interface BucketLimit {
  readonly capacity: number;
  readonly refillSeconds: number;
}

export interface SignInLimits {
  readonly perAccount: BucketLimit;
  readonly perAddress: BucketLimit;
}

/** Five tries at an account, then one a minute; twenty from an address, then one every 15 s. */
export const SIGN_IN_LIMITS: SignInLimits = {
  perAccount: { capacity: 5, refillSeconds: 60 },
  perAddress: { capacity: 20, refillSeconds: 15 },
};

export type RateDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface SignInAttempt {
  readonly email: string;
  /** The client's IP address as the server sees it (after trusted-proxy handling). */
  readonly address: string;
}

/** A bucket's tokens as of `at` (milliseconds on the clock). */
export interface Bucket {
  tokens: number;
  at: number;
}

/** The bucket as of `now`: refilled for the time since it was last touched. */
export function refillBucket(bucket: Bucket | undefined, limit: BucketLimit, now: number): Bucket {
  if (bucket === undefined) return { tokens: limit.capacity, at: now };
  const elapsedSeconds = Math.max(0, now - bucket.at) / 1000;
  return {
    tokens: Math.min(limit.capacity, bucket.tokens + elapsedSeconds / limit.refillSeconds),
    at: Math.max(now, bucket.at),
  };
}

/**
 * One sign-in attempt against the account's and the address's buckets (undefined: never
 * touched): the decision, and both buckets as they are to be kept.
 */
export function decideSignIn(
  buckets: { account: Bucket | undefined; address: Bucket | undefined },
  now: number,
  limits: SignInLimits = SIGN_IN_LIMITS,
): { decision: RateDecision; account: Bucket; address: Bucket } {
  const account = refillBucket(buckets.account, limits.perAccount, now);
  const address = refillBucket(buckets.address, limits.perAddress, now);
  if (account.tokens >= 1 && address.tokens >= 1) {
    account.tokens -= 1;
    address.tokens -= 1;
    return { decision: { allowed: true }, account, address };
  }
  const wait = Math.max(
    waitSeconds(account, limits.perAccount),
    waitSeconds(address, limits.perAddress),
  );
  // The micro-second allowance keeps float dust (59/60 of a token) from adding a second.
  const retryAfterSeconds = Math.max(1, Math.ceil(wait - 1e-6));
  return { decision: { allowed: false, retryAfterSeconds }, account, address };
}

export class SignInRateLimiter {
  readonly #clock: Clock;
  readonly #limits: SignInLimits;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(options: { clock: Clock; limits?: SignInLimits; maxTrackedKeys?: number }) {
    this.#clock = options.clock;
    this.#limits = options.limits ?? SIGN_IN_LIMITS;
    this.#maxKeys = options.maxTrackedKeys ?? 100_000;
  }

  /** Takes a token from both buckets, or refuses without taking any. */
  attempt(attempt: SignInAttempt): RateDecision {
    const now = this.#clock();
    const account = this.#refilled(accountKey(attempt.email), this.#limits.perAccount, now);
    const address = this.#refilled(addressKey(attempt.address), this.#limits.perAddress, now);
    if (account.tokens >= 1 && address.tokens >= 1) {
      account.tokens -= 1;
      address.tokens -= 1;
      return { allowed: true };
    }
    const wait = Math.max(
      waitSeconds(account, this.#limits.perAccount),
      waitSeconds(address, this.#limits.perAddress),
    );
    // The micro-second allowance keeps float dust (59/60 of a token) from adding a second.
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait - 1e-6)) };
  }

  /** The account signed in: its failed tries no longer count against it. */
  succeeded(email: string): void {
    this.#buckets.delete(accountKey(email));
  }

  /** How many buckets are held (for tests and metrics). */
  get trackedKeys(): number {
    return this.#buckets.size;
  }

  #refilled(key: string, limit: BucketLimit, now: number): Bucket {
    const bucket = this.#buckets.get(key) ?? { tokens: limit.capacity, at: now };
    const elapsedSeconds = Math.max(0, now - bucket.at) / 1000;
    bucket.tokens = Math.min(limit.capacity, bucket.tokens + elapsedSeconds / limit.refillSeconds);
    bucket.at = now;
    // Re-inserting keeps the map in least-recently-used order for pruning.
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > this.#maxKeys) this.#prune(now);
    return bucket;
  }

  #prune(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      const limit = key.startsWith("account:") ? this.#limits.perAccount : this.#limits.perAddress;
      const elapsedSeconds = Math.max(0, now - bucket.at) / 1000;
      if (bucket.tokens + elapsedSeconds / limit.refillSeconds >= limit.capacity) {
        this.#buckets.delete(key);
      }
    }
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= this.#maxKeys) break;
      this.#buckets.delete(key);
    }
  }
}

function waitSeconds(bucket: Bucket, limit: BucketLimit): number {
  return bucket.tokens >= 1 ? 0 : (1 - bucket.tokens) * limit.refillSeconds;
}

/** The account's bucket's key. */
export function accountKey(email: string): string {
  return `account:${normalizeEmail(email)}`;
}

/**
 * One bucket per IPv4 address and per IPv6 /64: a single IPv6 host usually holds a whole
 * /64 (RFC 4291 §2.5.1) and could otherwise take a new address for every try.
 */
export function addressKey(address: string): string {
  const text = address
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (mapped !== null) return `address:${mapped[1]}`;
  if (!text.includes(":")) return `address:${text}`;
  const [head, tail = ""] = text.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = text.includes("::") ? (tail === "" ? [] : tail.split(":")) : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(Math.max(0, missing)).fill("0"), ...tailGroups];
  const prefix = groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, ""));
  return `address:${prefix.join(":")}::/64`;
}
