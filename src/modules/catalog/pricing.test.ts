import { describe, expect, it } from 'vitest';
import {
  computeEcPrice,
  computePrice,
  effectiveAdjustment,
  type Adjustment,
  type PriceInput,
} from './pricing.ts';

const pct = (percent: number): Adjustment => ({ kind: 'percent', bp: Math.round(percent * 100) });
const yen = (value: number): Adjustment => ({ kind: 'yen', value });
const base = (over: Partial<PriceInput>): PriceInput => ({
  base: 1000,
  adjustments: [],
  rounding: { rule: 'down', unit: 1 },
  allowRound: true,
  ...over,
});

describe('computePrice', () => {
  it.each([
    // base, adjustments, rule, unit, expected
    [1000, [], 'down', 1, 1000],
    [1000, [pct(90)], 'down', 1, 900],
    [1980, [pct(80)], 'down', 10, 1580],
    [1980, [pct(80)], 'up', 10, 1590],
    [1980, [pct(80)], 'nearest', 10, 1580],
    [1985, [pct(80)], 'nearest', 10, 1590],
    [1980, [pct(80)], 'nearest', 100, 1600],
    [1980, [pct(80)], 'up', 1000, 2000],
    [333, [pct(33.33)], 'nearest', 1, 111],
    [1000, [yen(-100)], 'down', 1, 900],
    [50, [yen(-100)], 'down', 1, 0],
    [1000, [pct(70), yen(-50)], 'down', 10, 650],
    [1000, [yen(-50), pct(70)], 'down', 10, 660],
    [12345, [pct(50), pct(150)], 'down', 1, 9258],
    [0, [pct(80)], 'up', 100, 0],
  ] as const)('¥%i with %j rounded %s to ¥%i is ¥%i', (b, adjustments, rule, unit, expected) => {
    const r = computePrice(base({ base: b, adjustments: [...adjustments], rounding: { rule, unit } }));
    expect(r).toEqual({ price: expected, computed: expected, source: 'computed' });
  });

  it('rounds a chain of rates once, at the end', () => {
    // 1001 × 95% × 95% = 903.4025 → 903; rounding after each step would give 950.95 → 950 → 902.5 → 902.
    expect(computePrice(base({ base: 1001, adjustments: [pct(95), pct(95)] })).price).toBe(903);
  });

  it('only floors to ¥1 when the item opts out of the store rounding', () => {
    const r = computePrice(
      base({ base: 1985, adjustments: [pct(80)], rounding: { rule: 'up', unit: 100 }, allowRound: false }),
    );
    expect(r.price).toBe(1588);
  });

  it('lets a manual price win but keeps the computed one beside it', () => {
    const r = computePrice(base({ base: 1000, adjustments: [pct(90)], manualPrice: 777 }));
    expect(r).toEqual({ price: 777, computed: 900, source: 'manual' });
  });

  it('treats a manual price of ¥0 as a price, and null as none', () => {
    expect(computePrice(base({ manualPrice: 0 })).price).toBe(0);
    expect(computePrice(base({ manualPrice: null })).source).toBe('computed');
  });

  it.each([
    ['a negative base', base({ base: -1 })],
    ['a fractional base', base({ base: 10.5 })],
    ['a negative percentage', base({ adjustments: [{ kind: 'percent', bp: -1 }] })],
    ['a fractional yen adjustment', base({ adjustments: [{ kind: 'yen', value: 0.5 }] })],
    ['a negative manual price', base({ manualPrice: -5 })],
  ])('refuses %s', (_what, input) => {
    expect(() => computePrice(input)).toThrow(RangeError);
  });
});

describe('effectiveAdjustment', () => {
  it("takes the genre's override over the category's rate", () => {
    expect(effectiveAdjustment(pct(80), pct(85))).toEqual(pct(85));
    expect(effectiveAdjustment(pct(80), null)).toEqual(pct(80));
    expect(effectiveAdjustment(pct(80))).toEqual(pct(80));
  });
});

describe('computeEcPrice', () => {
  it.each([
    [1000, 11000, 'up', 10, 1100],
    [1580, 10500, 'up', 10, 1660],
    [1580, 10500, 'down', 100, 1600],
    [1580, 10000, 'nearest', 1, 1580],
    [999, 9000, 'nearest', 10, 900],
  ] as const)('¥%i at %ibp rounded %s to ¥%i is ¥%i', (sell, rate, rule, unit, expected) => {
    expect(computeEcPrice(sell, rate, { rule, unit })).toBe(expected);
  });

  it('refuses a negative EC rate', () => {
    expect(() => computeEcPrice(100, -1, { rule: 'down', unit: 1 })).toThrow(RangeError);
  });
});
