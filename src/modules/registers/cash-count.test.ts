import { describe, expect, it } from 'vitest';
import { checkCash, countTotal, validateCount } from './cash-count.ts';

describe('cash count', () => {
  it('adds up every denomination including the ¥2,000 note', () => {
    expect(
      countTotal({
        '10000': 3,
        '5000': 1,
        '2000': 2,
        '1000': 4,
        '500': 1,
        '100': 7,
        '50': 1,
        '10': 9,
        '5': 1,
        '1': 3,
      }),
    ).toBe(30_000 + 5_000 + 4_000 + 4_000 + 500 + 700 + 50 + 90 + 5 + 3);
    expect(countTotal({})).toBe(0);
  });

  it('reports over and short against the expected amount', () => {
    expect(checkCash(50_000, { '10000': 5, '1': 2 })).toEqual({
      expected: 50_000,
      counted: 50_002,
      difference: 2,
    });
    expect(checkCash(50_000, { '10000': 4, '5000': 1, '1000': 4 })).toEqual({
      expected: 50_000,
      counted: 49_000,
      difference: -1_000,
    });
  });

  it('refuses unknown denominations and impossible piece counts, naming each field', () => {
    // Integer-like keys iterate in numeric order, so problems come smallest denomination first.
    expect(validateCount({ '10000': 1, '200': 1, '500': -1, '100': 1.5, '50': '3' })).toEqual([
      { field: '50', message: 'must be a whole number of pieces (0–100000)' },
      { field: '100', message: 'must be a whole number of pieces (0–100000)' },
      { field: '200', message: '¥200 is not a Japanese denomination' },
      { field: '500', message: 'must be a whole number of pieces (0–100000)' },
    ]);
    expect(validateCount({ '2000': 3, '1': 0 })).toEqual([]);
  });
});
