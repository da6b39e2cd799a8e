import { z } from "zod";
import { ControlRoomError } from "../music/errors.ts";

/**
 * Money as integer minor units (cents, pence, yen) with an ISO 4217 code. Never a float:
 * sums, products and conversions are done on integers (BigInt where a product could pass
 * 2^53) and rounded once, half to even, at the minor unit.
 */
export interface Money {
  readonly amountMinor: number;
  readonly currency: string;
}

/**
 * The largest amount one line may carry: 10^11 minor units (a billion euros). Anything
 * larger is a typo; 20 000 such lines still sum below 2^53.
 */
export const MAX_AMOUNT_MINOR = 100_000_000_000;

const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

/** Whether `code` is an ISO 4217 currency the runtime's CLDR data knows. */
export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && KNOWN_CURRENCIES.has(code);
}

/** Digits after the decimal point of the currency's minor unit (EUR 2, JPY 0, BHD 3). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
    .maximumFractionDigits as number;
}

export const currencySchema = z
  .string()
  .refine(isCurrency, { message: "not an ISO 4217 currency code (EUR, USD, GBP, JPY…)" });

export const amountMinorSchema = z
  .number()
  .int("an amount is a whole number of minor units (cents), not a fraction")
  .min(0, "an amount cannot be negative")
  .max(MAX_AMOUNT_MINOR, `an amount above ${MAX_AMOUNT_MINOR} minor units is not believable`);

export const moneySchema = z.strictObject({
  amountMinor: amountMinorSchema,
  currency: currencySchema,
});

/** Refuses what is not an amount of money, naming `field`. */
export function checkMoney(money: Money, field: string): Money {
  if (!isCurrency(money.currency)) {
    throw new ControlRoomError(
      "E_MONEY_CURRENCY",
      `${field}: "${money.currency}" is not an ISO 4217 currency code (EUR, USD, GBP, JPY…)`,
      `${field}.currency`,
    );
  }
  if (!Number.isSafeInteger(money.amountMinor) || money.amountMinor < 0) {
    throw new ControlRoomError(
      "E_MONEY_AMOUNT",
      `${field}: ${money.amountMinor} is not an amount; amounts are whole minor units, 0 or more`,
      `${field}.amountMinor`,
    );
  }
  if (money.amountMinor > MAX_AMOUNT_MINOR) {
    throw new ControlRoomError(
      "E_MONEY_AMOUNT",
      `${field}: ${money.amountMinor} minor units is more than any line of a record budget (at most ${MAX_AMOUNT_MINOR})`,
      `${field}.amountMinor`,
    );
  }
  return money;
}

/** Sum of integer minor units, exact; refuses a sum past 2^53 rather than rounding it. */
export function addMinor(a: number, b: number): number {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) {
    throw new ControlRoomError("E_MONEY_OVERFLOW", `a total passed ${Number.MAX_SAFE_INTEGER}`);
  }
  return sum;
}

/** a × numerator / denominator, rounded half to even: exact for any integers. */
export function scaleMinor(amountMinor: number, numerator: bigint, denominator: bigint): number {
  if (denominator <= 0n) throw new RangeError("denominator must be positive");
  const product = BigInt(amountMinor) * numerator;
  let quotient = product / denominator;
  const remainder = product - quotient * denominator;
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  if (twice > denominator || (twice === denominator && quotient % 2n !== 0n)) {
    quotient += product < 0n ? -1n : 1n;
  }
  const result = Number(quotient);
  if (!Number.isSafeInteger(result)) {
    throw new ControlRoomError("E_MONEY_OVERFLOW", `an amount passed ${Number.MAX_SAFE_INTEGER}`);
  }
  return result;
}

/** An exchange rate as the producer typed it: a positive decimal, up to 10 places. */
export const exchangeRateSchema = z
  .string()
  .regex(/^\d{1,9}(\.\d{1,10})?$/, "an exchange rate is a decimal such as 1.0825")
  .refine((rate) => /[1-9]/.test(rate), "an exchange rate is more than 0");

/** A decimal string as an exact fraction. */
function decimalFraction(decimal: string): { numerator: bigint; denominator: bigint } {
  const [whole, fraction = ""] = decimal.split(".");
  return {
    numerator: BigInt(whole + fraction),
    denominator: 10n ** BigInt(fraction.length),
  };
}

/**
 * `money` in `currency` at `rate` units of `currency` for one of `money.currency`, as the
 * producer entered it; rounded half to even at the target's minor unit.
 */
export function convert(money: Money, rate: string, currency: string): Money {
  exchangeRateSchema.parse(rate);
  if (money.currency === currency) return money;
  const { numerator, denominator } = decimalFraction(rate);
  const shift = minorDigits(currency) - minorDigits(money.currency);
  const scaledNumerator = shift >= 0 ? numerator * 10n ** BigInt(shift) : numerator;
  const scaledDenominator = shift < 0 ? denominator * 10n ** BigInt(-shift) : denominator;
  return {
    amountMinor: scaleMinor(money.amountMinor, scaledNumerator, scaledDenominator),
    currency,
  };
}

/** The amount as a plain decimal string in major units ("1234.50", "-3.05", "1200" for JPY). */
export function formatDecimal(amountMinor: number, currency: string): string {
  const digits = minorDigits(currency);
  const negative = amountMinor < 0;
  const text = String(Math.abs(amountMinor)).padStart(digits + 1, "0");
  const major = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${major}` : major;
}
