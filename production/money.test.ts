import { describe, expect, it } from "vitest";
import {
  addMinor,
  checkMoney,
  convert,
  formatDecimal,
  isCurrency,
  minorDigits,
  moneySchema,
  scaleMinor,
} from "./money.ts";

describe("money", () => {
  it("adds 0.1 + 0.2 euros to exactly 0.30, as integer cents", () => {
    expect(addMinor(10, 20)).toBe(30);
    expect(formatDecimal(addMinor(10, 20), "EUR")).toBe("0.30");
  });

  it("knows each currency's minor unit from ISO 4217 (EUR 2, JPY 0, BHD 3)", () => {
    expect(minorDigits("EUR")).toBe(2);
    expect(minorDigits("JPY")).toBe(0);
    expect(minorDigits("BHD")).toBe(3);
    expect(formatDecimal(123456, "JPY")).toBe("123456");
    expect(formatDecimal(5, "BHD")).toBe("0.005");
    expect(formatDecimal(-305, "EUR")).toBe("-3.05");
  });

  it("rounds a fraction of a cent half to even, exactly", () => {
    // 7 h 20 min at 45.00 an hour = 330.00; 50 min at 0.01 an hour = 0.0083… → 0.01
    expect(scaleMinor(4500, 440n, 60n)).toBe(33000);
    expect(scaleMinor(1, 50n, 60n)).toBe(1);
    expect(scaleMinor(1, 30n, 60n)).toBe(0); // 0.5 → 0 (even)
    expect(scaleMinor(3, 30n, 60n)).toBe(2); // 1.5 → 2 (even)
  });

  it("converts at the rate the producer entered, with no float in between", () => {
    // 1 234.56 USD at 0.9137 EUR per USD = 1 128.0175… EUR → 1 128.02
    expect(convert({ amountMinor: 123456, currency: "USD" }, "0.9137", "EUR")).toEqual({
      amountMinor: 112802,
      currency: "EUR",
    });
    // Across minor units: 100.00 EUR at 161.5 JPY per EUR = 16 150 JPY.
    expect(convert({ amountMinor: 10000, currency: "EUR" }, "161.5", "JPY")).toEqual({
      amountMinor: 16150,
      currency: "JPY",
    });
    // 0.1 × 3 done in floats is 0.30000000000000004; here it is 30 cents.
    expect(convert({ amountMinor: 10, currency: "EUR" }, "3", "USD").amountMinor).toBe(30);
  });

  it("refuses an unknown currency, naming the field", () => {
    expect(isCurrency("EUR")).toBe(true);
    expect(isCurrency("XYZ")).toBe(false);
    expect(isCurrency("eur")).toBe(false);
    expect(() => checkMoney({ amountMinor: 100, currency: "EURO" }, "estimate")).toThrow(
      /estimate: "EURO" is not an ISO 4217 currency/,
    );
  });

  it("refuses negative, fractional and absurd amounts", () => {
    expect(() => checkMoney({ amountMinor: -1, currency: "EUR" }, "actual")).toThrow(/actual: -1/);
    expect(() => checkMoney({ amountMinor: 1e15, currency: "EUR" }, "actual")).toThrow(
      /more than any line/,
    );
    expect(moneySchema.safeParse({ amountMinor: 10.5, currency: "EUR" }).success).toBe(false);
    expect(moneySchema.safeParse({ amountMinor: 1000, currency: "EUR" }).success).toBe(true);
  });
});
