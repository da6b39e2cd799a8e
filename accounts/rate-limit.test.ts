import { describe, expect, it } from "vitest";
import { addressKey, type Bucket, decideSignIn, SignInRateLimiter } from "./rate-limit.ts";

/** A clock the test moves by hand. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    clock: () => now,
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}

const limits = {
  perAccount: { capacity: 5, refillSeconds: 60 },
  perAddress: { capacity: 20, refillSeconds: 15 },
};

describe("the sign-in rate limiter", () => {
  it("allows five tries at an account, then asks to wait a minute", () => {
    const time = manualClock();
    const limiter = new SignInRateLimiter({ clock: time.clock, limits });
    for (let i = 0; i < 5; i++) {
      expect(limiter.attempt({ email: "ana@studio.example", address: "203.0.113.7" })).toEqual({
        allowed: true,
      });
    }
    expect(limiter.attempt({ email: "ana@studio.example", address: "203.0.113.7" })).toEqual({
      allowed: false,
      retryAfterSeconds: 60,
    });
    time.advance(59);
    expect(limiter.attempt({ email: "ana@studio.example", address: "203.0.113.7" })).toEqual({
      allowed: false,
      retryAfterSeconds: 1,
    });
    time.advance(1);
    expect(limiter.attempt({ email: "ana@studio.example", address: "203.0.113.7" }).allowed).toBe(
      true,
    );
  });

  it("counts an account across addresses and letter case", () => {
    const time = manualClock();
    const limiter = new SignInRateLimiter({ clock: time.clock, limits });
    for (let i = 0; i < 5; i++) {
      const email = i % 2 === 0 ? "Ana@Studio.example" : " ana@studio.example";
      expect(limiter.attempt({ email, address: `198.51.100.${i}` }).allowed).toBe(true);
    }
    expect(limiter.attempt({ email: "ana@studio.example", address: "192.0.2.99" }).allowed).toBe(
      false,
    );
  });

  it("stops one address spraying many accounts", () => {
    const time = manualClock();
    const limiter = new SignInRateLimiter({ clock: time.clock, limits });
    for (let i = 0; i < 20; i++) {
      expect(
        limiter.attempt({ email: `user${i}@studio.example`, address: "203.0.113.7" }).allowed,
      ).toBe(true);
    }
    expect(limiter.attempt({ email: "new@studio.example", address: "203.0.113.7" })).toEqual({
      allowed: false,
      retryAfterSeconds: 15,
    });
    expect(limiter.attempt({ email: "new@studio.example", address: "203.0.113.8" }).allowed).toBe(
      true,
    );
  });

  it("treats one IPv6 /64 as one address", () => {
    const time = manualClock();
    const limiter = new SignInRateLimiter({ clock: time.clock, limits });
    for (let i = 0; i < 20; i++) {
      limiter.attempt({
        email: `user${i}@studio.example`,
        address: `2001:db8:1:2::${i.toString(16)}`,
      });
    }
    expect(
      limiter.attempt({ email: "x@studio.example", address: "2001:db8:1:2:ffff::1" }).allowed,
    ).toBe(false);
    expect(limiter.attempt({ email: "x@studio.example", address: "2001:db8:1:3::1" }).allowed).toBe(
      true,
    );
  });

  it("does not take a token from either bucket when it refuses", () => {
    const time = manualClock();
    const limiter = new SignInRateLimiter({ clock: time.clock, limits });
    for (let i = 0; i < 5; i++)
      limiter.attempt({ email: "ana@studio.example", address: "203.0.113.7" });
    for (let i = 0; i < 30; i++)
      limiter.attempt({ email: "ana@studio.example", address: "203.0.113.7" });
    // 5 taken from the address bucket, not 35: fifteen more accounts may still try from it.
    for (let i = 0; i < 15; i++) {
      expect(
        limiter.attempt({ email: `u${i}@studio.example`, address: "203.0.113.7" }).allowed,
      ).toBe(true);
    }
  });

  it("refills an account's bucket when it signs in", () => {
    const time = manualClock();
    const limiter = new SignInRateLimiter({ clock: time.clock, limits });
    for (let i = 0; i < 5; i++)
      limiter.attempt({ email: "ana@studio.example", address: "203.0.113.7" });
    limiter.succeeded("ANA@studio.example");
    expect(limiter.attempt({ email: "ana@studio.example", address: "203.0.113.7" }).allowed).toBe(
      true,
    );
  });

  it("refills gradually, one try per refill period, up to the capacity", () => {
    const time = manualClock();
    const limiter = new SignInRateLimiter({ clock: time.clock, limits });
    for (let i = 0; i < 5; i++)
      limiter.attempt({ email: "ana@studio.example", address: "203.0.113.7" });
    time.advance(3600);
    for (let i = 0; i < 5; i++) {
      expect(limiter.attempt({ email: "ana@studio.example", address: "203.0.113.7" }).allowed).toBe(
        true,
      );
    }
    expect(limiter.attempt({ email: "ana@studio.example", address: "203.0.113.7" }).allowed).toBe(
      false,
    );
  });

  it("does not refill when the clock steps backwards", () => {
    const time = manualClock();
    const limiter = new SignInRateLimiter({ clock: time.clock, limits });
    for (let i = 0; i < 5; i++)
      limiter.attempt({ email: "ana@studio.example", address: "203.0.113.7" });
    time.advance(-3600);
    expect(limiter.attempt({ email: "ana@studio.example", address: "203.0.113.7" }).allowed).toBe(
      false,
    );
  });

  it("holds a bounded number of buckets, dropping full ones first", () => {
    const time = manualClock();
    const limiter = new SignInRateLimiter({ clock: time.clock, limits, maxTrackedKeys: 50 });
    for (let i = 0; i < 200; i++) {
      limiter.attempt({ email: `user${i}@studio.example`, address: `10.0.${i >> 8}.${i & 255}` });
      time.advance(1);
    }
    expect(limiter.trackedKeys).toBeLessThanOrEqual(50);
  });
});

describe("address keys", () => {
  it("keep IPv4 addresses whole and fold IPv4-mapped IPv6 onto them", () => {
    expect(addressKey("203.0.113.7")).toBe("address:203.0.113.7");
    expect(addressKey("::ffff:203.0.113.7")).toBe("address:203.0.113.7");
  });

  it("cut IPv6 addresses to their /64 however they are written", () => {
    const expected = "address:2001:db8:0:1::/64";
    expect(addressKey("2001:db8:0:1::5")).toBe(expected);
    expect(addressKey("2001:0DB8:0000:0001:0:0:0:5")).toBe(expected);
    expect(addressKey("[2001:db8:0:1:aaaa:bbbb:cccc:dddd]")).toBe(expected);
    expect(addressKey("2001:db8:0:1::5%eth0")).toBe(expected);
    expect(addressKey("::1")).toBe("address:0:0:0:0::/64");
  });
});

describe("decideSignIn, the policy for buckets kept elsewhere", () => {
  it("decides as the in-memory limiter does: five tries at an account, then one a minute", () => {
    let buckets: { account: Bucket | undefined; address: Bucket | undefined } = {
      account: undefined,
      address: undefined,
    };
    const at = (seconds: number) => 1_000_000 + seconds * 1000;
    for (let i = 0; i < 5; i++) {
      const decided = decideSignIn(buckets, at(0));
      expect(decided.decision.allowed).toBe(true);
      buckets = { account: decided.account, address: decided.address };
    }
    const refused = decideSignIn(buckets, at(0));
    expect(refused.decision).toEqual({ allowed: false, retryAfterSeconds: 60 });
    expect(decideSignIn(buckets, at(60)).decision.allowed).toBe(true);
  });
});
