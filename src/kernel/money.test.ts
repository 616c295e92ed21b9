import { describe, expect, it } from 'vitest';
import { allocate, applyRate, roundFraction, roundYen } from './money.ts';

describe('roundFraction', () => {
  it.each([
    // numerator, denominator, rule, unit, expected
    [1234, 1, 'down', 10, 1230],
    [1234, 1, 'up', 10, 1240],
    [1234, 1, 'nearest', 10, 1230],
    [1235, 1, 'nearest', 10, 1240],
    [1240, 1, 'up', 10, 1240],
    [1250, 1, 'nearest', 100, 1300],
    [1249, 1, 'nearest', 100, 1200],
    [1201, 1, 'up', 100, 1300],
    [1299, 1, 'down', 100, 1200],
    [15, 10, 'nearest', 1, 2],
    [14, 10, 'nearest', 1, 1],
    [11, 10, 'up', 1, 2],
    [19, 10, 'down', 1, 1],
    [0, 7, 'up', 100, 0],
    [-15, 10, 'nearest', 1, -2],
    [-15, 10, 'down', 1, -2],
    [-15, 10, 'up', 1, -1],
    [1500, 1, 'nearest', 1000, 2000],
    [1499, 1, 'nearest', 1000, 1000],
  ] as const)('%i/%i %s to ¥%i is %i', (n, d, rule, unit, expected) => {
    expect(roundFraction(n, d, rule, unit)).toBe(expected);
  });

  it('is exact where floating point is not', () => {
    // 0.1 + 0.2 style traps: 1,005 × 10% = 100.5 → 101 when rounded half up, never 100.
    expect(applyRate(1005, 1000, 'nearest')).toBe(101);
    // 9,007,199 × 99.99% needs more than float precision in the intermediate product.
    expect(applyRate(9_007_199, 9999, 'down')).toBe(9_006_298);
  });

  it('refuses fractional yen and a zero denominator', () => {
    expect(() => roundYen(10.5, 'down', 1)).toThrow(RangeError);
    expect(() => roundFraction(1, 0, 'down')).toThrow(RangeError);
  });
});

describe('applyRate', () => {
  it.each([
    [1000, 8000, 'down', 1, 800],
    [1980, 8000, 'down', 10, 1580],
    [1980, 8000, 'up', 10, 1590],
    [1980, 8000, 'nearest', 100, 1600],
    [333, 3333, 'nearest', 1, 111],
    [100, 10_000, 'down', 1, 100],
    [100, 0, 'up', 1, 0],
  ] as const)('¥%i × %ibp rounded %s to ¥%i is ¥%i', (amount, bp, rule, unit, expected) => {
    expect(applyRate(amount, bp, rule, unit)).toBe(expected);
  });
});

describe('allocate', () => {
  it('splits in proportion and always adds up to the total', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocate(500, [1100, 880])).toEqual([278, 222]);
    expect(allocate(0, [5, 5])).toEqual([0, 0]);
  });

  it('adds up exactly for many random splits', () => {
    let seed = 42;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let i = 0; i < 500; i++) {
      const weights = Array.from({ length: 1 + rand(6) }, () => 1 + rand(100_000));
      const total = rand(1_000_000);
      const parts = allocate(total, weights);
      expect(parts.reduce((a, b) => a + b, 0)).toBe(total);
      parts.forEach((p, k) =>
        expect(Math.abs(p - (total * weights[k]!) / weights.reduce((a, b) => a + b))).toBeLessThan(1),
      );
    }
  });

  it('refuses weights that add up to nothing', () => {
    expect(() => allocate(10, [0, 0])).toThrow(RangeError);
    expect(allocate(0, [])).toEqual([]);
  });
});
