import type { Yen } from '../../kernel/money.ts';

/**
 * Counting a register drawer by denomination (金種), from ¥10,000 notes down to ¥1 coins, including
 * the ¥2,000 note. Pure: used when a register opens, at a middle check and when it closes.
 */
export const denominations = [10_000, 5_000, 2_000, 1_000, 500, 100, 50, 10, 5, 1] as const;
export type Denomination = (typeof denominations)[number];

/** How many of each denomination are in the drawer; a missing denomination counts as none. */
export type CashCount = Partial<Record<`${Denomination}`, number>>;

export interface CountProblem {
  field: string;
  message: string;
}

export function validateCount(count: Record<string, unknown>): CountProblem[] {
  const problems: CountProblem[] = [];
  for (const [key, value] of Object.entries(count)) {
    if (!(denominations as readonly number[]).includes(Number(key))) {
      problems.push({ field: key, message: `¥${key} is not a Japanese denomination` });
    } else if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100_000) {
      problems.push({ field: key, message: 'must be a whole number of pieces (0–100000)' });
    }
  }
  return problems;
}

export function countTotal(count: CashCount): Yen {
  return denominations.reduce((sum, d) => sum + d * (count[`${d}`] ?? 0), 0);
}

export interface CashCheck {
  expected: Yen;
  counted: Yen;
  /** counted − expected: positive is over (過剰), negative is short (不足). */
  difference: Yen;
}

export function checkCash(expected: Yen, count: CashCount): CashCheck {
  const counted = countTotal(count);
  return { expected, counted, difference: counted - expected };
}
