/**
 * Money is integer yen. Rates are exact: a percentage is held in basis points (1% = 100 bp), so
 * "80%" is 8000 and "2.5%" is 250, and every product of yen × rate is computed on integers and
 * rounded once, by an explicit rule. No floating-point value ever becomes a price.
 */
export type Yen = number;
export type BasisPoints = number;

export type RoundingRule = 'up' | 'down' | 'nearest';
/** The unit a price is rounded to: ¥1, ¥10, ¥100 or ¥1,000. */
export type RoundingUnit = 1 | 10 | 100 | 1000;

export const roundingUnits: readonly RoundingUnit[] = [1, 10, 100, 1000];

export function assertYen(value: number, what = 'amount'): Yen {
  if (!Number.isSafeInteger(value))
    throw new RangeError(`${what} must be a whole number of yen (got ${value})`);
  return value;
}

/**
 * Rounds the exact fraction numerator/denominator to a multiple of `unit` by `rule`.
 * `nearest` rounds halves away from zero (四捨五入), the Japanese default.
 */
export function roundFraction(
  numerator: number,
  denominator: number,
  rule: RoundingRule,
  unit: RoundingUnit = 1,
): Yen {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError(`cannot round ${numerator}/${denominator}`);
  }
  const d = BigInt(denominator) * BigInt(unit);
  const n = BigInt(numerator);
  const negative = n < 0n;
  const abs = negative ? -n : n;
  let q = abs / d;
  const r = abs % d;
  if (r !== 0n) {
    // Rounding "up" and "down" are about magnitude on the price axis: up = ceiling, down = floor.
    const towardInfinity = rule === 'up' ? !negative : rule === 'down' ? negative : 2n * r >= d;
    if (towardInfinity) q += 1n;
  }
  const result = Number(q * BigInt(unit));
  return negative ? -result : result;
}

export function roundYen(amount: Yen, rule: RoundingRule, unit: RoundingUnit): Yen {
  return roundFraction(assertYen(amount), 1, rule, unit);
}

/** amount × bp / 10000, rounded by `rule` to whole yen. */
export function applyRate(amount: Yen, bp: BasisPoints, rule: RoundingRule, unit: RoundingUnit = 1): Yen {
  return roundFraction(assertYen(amount) * assertYen(bp, 'rate'), 10_000, rule, unit);
}

/**
 * Splits `total` over `weights` in proportion, in whole yen, so that the parts add up to `total`
 * exactly (largest remainder; ties go to the earlier weight). Used to spread a cart discount over
 * tax rates and lines.
 */
export function allocate(total: Yen, weights: readonly number[]): Yen[] {
  assertYen(total);
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) {
    if (total !== 0) throw new RangeError('cannot allocate a non-zero amount over nothing');
    return [];
  }
  if (sum <= 0) throw new RangeError('allocation weights must add up to more than zero');
  const sign = total < 0 ? -1 : 1;
  const abs = Math.abs(total);
  const exact = weights.map((w) => (BigInt(abs) * BigInt(w)) as bigint);
  const parts = exact.map((e) => Number(e / BigInt(sum)));
  let left = abs - parts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => ({ i, rem: e % BigInt(sum) }))
    .sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (const { i } of order) {
    if (left === 0) break;
    parts[i]! += 1;
    left -= 1;
  }
  return parts.map((p) => p * sign);
}

/** `¥12,800`, `-¥500`: how amounts print on receipts and screens. */
export function formatYen(amount: Yen): string {
  const abs = Math.abs(amount).toLocaleString('en-US');
  return amount < 0 ? `-¥${abs}` : `¥${abs}`;
}
