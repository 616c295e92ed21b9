import {
  applyRate,
  assertYen,
  roundFraction,
  type BasisPoints,
  type RoundingRule,
  type RoundingUnit,
  type Yen,
} from '../../kernel/money.ts';

/**
 * The price engine: how a product's sell, buy and EC prices follow from its item's base price.
 * Pure and exhaustively tested; the catalogue stores its results and re-runs it (as a task) when a
 * rate or a rounding rule changes.
 *
 *   price = round(base × condition adjustment × specialty adjustment)  by the store rule
 *         → manual override, when the product has one
 *   EC    = round(sell price × EC rate)                                by the EC rule
 */
export type Adjustment = { kind: 'percent'; bp: BasisPoints } | { kind: 'yen'; value: Yen };

export interface Rounding {
  rule: RoundingRule;
  unit: RoundingUnit;
}

export const NO_ADJUSTMENT: Adjustment = { kind: 'percent', bp: 10_000 };

/** A genre may override its category's rate for a condition; otherwise the category's rate holds. */
export function effectiveAdjustment(categoryRate: Adjustment, genreOverride?: Adjustment | null): Adjustment {
  return genreOverride ?? categoryRate;
}

export function validateAdjustment(a: Adjustment): string | undefined {
  if (a.kind === 'percent') {
    if (!Number.isInteger(a.bp) || a.bp < 0 || a.bp > 1_000_000)
      return 'a percentage must be between 0% and 10000%';
  } else if (!Number.isSafeInteger(a.value) || Math.abs(a.value) > 100_000_000) {
    return 'a yen adjustment must be a whole number of yen';
  }
  return undefined;
}

export interface PriceInput {
  base: Yen;
  /** Condition first, then specialty (e.g. PSA10), applied in order. */
  adjustments: Adjustment[];
  rounding: Rounding;
  /** An item may opt out of the store rounding: its prices are then only floored to ¥1. */
  allowRound: boolean;
  manualPrice?: Yen | null;
}

export interface PriceResult {
  price: Yen;
  /** The engine's own figure, kept even when a manual price overrides it (shown next to it). */
  computed: Yen;
  source: 'manual' | 'computed';
}

/**
 * Percent adjustments multiply as exact fractions and yen adjustments add, in order; the result is
 * rounded once at the end, so a chain of rates never accumulates rounding errors. Never below ¥0.
 */
export function computePrice(input: PriceInput): PriceResult {
  assertYen(input.base, 'base price');
  if (input.base < 0) throw new RangeError('base price must not be negative');
  // Exact fraction numerator / denominator.
  let numerator = BigInt(input.base);
  let denominator = 1n;
  for (const a of input.adjustments) {
    const problem = validateAdjustment(a);
    if (problem) throw new RangeError(problem);
    if (a.kind === 'percent') {
      numerator *= BigInt(a.bp);
      denominator *= 10_000n;
    } else {
      numerator += BigInt(a.value) * denominator;
    }
  }
  if (numerator < 0n) numerator = 0n;
  // Reduce to keep the fraction in safe-integer range before rounding.
  const g = gcd(numerator, denominator);
  const n = Number(numerator / g);
  const d = Number(denominator / g);
  const computed = input.allowRound
    ? roundFraction(n, d, input.rounding.rule, input.rounding.unit)
    : roundFraction(n, d, 'down', 1);
  if (input.manualPrice != null) {
    assertYen(input.manualPrice, 'manual price');
    if (input.manualPrice < 0) throw new RangeError('manual price must not be negative');
    return { price: input.manualPrice, computed, source: 'manual' };
  }
  return { price: computed, computed, source: 'computed' };
}

/** The online price: the shop's (tax-included) sell price × its EC rate, by the EC rounding rule. */
export function computeEcPrice(sellPrice: Yen, ecRateBp: BasisPoints, rounding: Rounding): Yen {
  if (!Number.isInteger(ecRateBp) || ecRateBp < 0) throw new RangeError('EC rate must not be negative');
  return applyRate(sellPrice, ecRateBp, rounding.rule, rounding.unit);
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}
