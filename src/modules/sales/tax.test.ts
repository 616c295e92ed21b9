import { describe, expect, it } from 'vitest';
import { computeReceipt, DiscountTooLarge, taxLabel, type ReceiptInput } from './tax.ts';

const line = (unitPrice: number, quantity = 1, category: 'standard' | 'reduced' | 'exempt' = 'standard') => ({
  unitPrice,
  quantity,
  category,
});

describe('computeReceipt, tax-inclusive (the norm)', () => {
  it('takes the tax contained in the total once per rate', () => {
    const r = computeReceipt({ lines: [line(1100), line(550, 2)], mode: 'inclusive', rounding: 'down' });
    expect(r.total).toBe(2200);
    expect(r.rates).toEqual([
      { category: 'standard', rateBp: 1000, taxIncluded: 2200, taxExcluded: 2000, tax: 200 },
    ]);
  });

  it('rounds the tax of each rate once, not per line', () => {
    // Per line: 99×10/110 = 9.0 → 9, three times = 27. Per receipt: 297×10/110 = 27.0 → 27.
    // 98 ×3 shows the difference: per line 8.90→8 (×3 = 24); per receipt 294×10/110 = 26.72 → 26.
    const r = computeReceipt({ lines: [line(98), line(98), line(98)], mode: 'inclusive', rounding: 'down' });
    expect(r.tax).toBe(26);
  });

  it.each([
    ['down', 26],
    ['nearest', 27],
    ['up', 27],
  ] as const)('applies the store rounding rule %s', (rounding, tax) => {
    expect(computeReceipt({ lines: [line(294)], mode: 'inclusive', rounding }).tax).toBe(tax);
  });

  it('keeps 10% and 8% goods apart on one receipt', () => {
    const r = computeReceipt({
      lines: [line(1100, 1, 'standard'), line(540, 2, 'reduced'), line(300, 1, 'exempt')],
      mode: 'inclusive',
      rounding: 'down',
    });
    expect(r.rates).toEqual([
      { category: 'standard', rateBp: 1000, taxIncluded: 1100, taxExcluded: 1000, tax: 100 },
      { category: 'reduced', rateBp: 800, taxIncluded: 1080, taxExcluded: 1000, tax: 80 },
      { category: 'exempt', rateBp: 0, taxIncluded: 300, taxExcluded: 300, tax: 0 },
    ]);
    expect(r.total).toBe(2480);
    expect(r.tax).toBe(180);
  });

  it('spreads a cart discount over the rates in proportion before computing tax', () => {
    const r = computeReceipt({
      lines: [line(1100, 1, 'standard'), line(1080, 1, 'reduced')],
      cartDiscount: { kind: 'yen', value: 218 },
      mode: 'inclusive',
      rounding: 'down',
    });
    expect(r.lines.map((l) => l.cartDiscountShare)).toEqual([110, 108]);
    expect(r.rates.map((x) => [x.taxIncluded, x.tax])).toEqual([
      [990, 90],
      [972, 72],
    ]);
    expect(r.total).toBe(2180 - 218);
  });

  it('floors percentage discounts on lines and on the cart', () => {
    const r = computeReceipt({
      lines: [{ ...line(999), discount: { kind: 'percent', bp: 1000 } }],
      cartDiscount: { kind: 'percent', bp: 500 },
      mode: 'inclusive',
      rounding: 'down',
    });
    expect(r.lineDiscounts).toBe(99); // 99.9 → 99
    expect(r.subtotal).toBe(900);
    expect(r.cartDiscount).toBe(45);
    expect(r.total).toBe(855);
  });
});

describe('computeReceipt, tax-exclusive', () => {
  it('adds the tax of each rate to the tax-excluded sums', () => {
    const r = computeReceipt({
      lines: [line(1000, 1, 'standard'), line(999, 1, 'reduced')],
      mode: 'exclusive',
      rounding: 'down',
    });
    expect(r.rates).toEqual([
      { category: 'standard', rateBp: 1000, taxIncluded: 1100, taxExcluded: 1000, tax: 100 },
      { category: 'reduced', rateBp: 800, taxIncluded: 1078, taxExcluded: 999, tax: 79 },
    ]);
    expect(r.total).toBe(2178);
  });

  it.each([
    ['down', 79],
    ['nearest', 80],
    ['up', 80],
  ] as const)('rounds %s', (rounding, tax) => {
    expect(computeReceipt({ lines: [line(999, 1, 'reduced')], mode: 'exclusive', rounding }).tax).toBe(tax);
  });
});

describe('computeReceipt invariants', () => {
  it('always has total = Σ rate totals, tax = Σ rate taxes, and line amounts = subtotal − cart discount', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const cats = ['standard', 'reduced', 'exempt'] as const;
    for (let i = 0; i < 300; i++) {
      const input: ReceiptInput = {
        lines: Array.from({ length: 1 + rand(8) }, () => ({
          unitPrice: rand(50_000),
          quantity: 1 + rand(5),
          category: cats[rand(3)]!,
          discount: rand(3) === 0 ? { kind: 'percent' as const, bp: rand(5000) } : undefined,
        })),
        mode: rand(2) ? 'inclusive' : 'exclusive',
        rounding: (['down', 'up', 'nearest'] as const)[rand(3)]!,
      };
      const subtotal = computeReceipt(input).subtotal;
      input.cartDiscount = { kind: 'yen', value: rand(subtotal + 1) };
      const r = computeReceipt(input);
      expect(r.lines.reduce((s, l) => s + l.amount, 0)).toBe(r.subtotal - r.cartDiscount);
      expect(r.total).toBe(r.rates.reduce((s, x) => s + x.taxIncluded, 0));
      expect(r.tax).toBe(r.rates.reduce((s, x) => s + x.tax, 0));
      for (const x of r.rates) expect(x.taxIncluded - x.taxExcluded).toBe(x.tax);
      if (input.mode === 'inclusive') expect(r.total).toBe(r.subtotal - r.cartDiscount);
    }
  });

  it('refuses discounts larger than what they discount, and odd quantities', () => {
    expect(() =>
      computeReceipt({
        lines: [{ ...line(100), discount: { kind: 'yen', value: 101 } }],
        mode: 'inclusive',
        rounding: 'down',
      }),
    ).toThrow(DiscountTooLarge);
    expect(() =>
      computeReceipt({
        lines: [line(100)],
        cartDiscount: { kind: 'yen', value: 101 },
        mode: 'inclusive',
        rounding: 'down',
      }),
    ).toThrow(DiscountTooLarge);
    expect(() => computeReceipt({ lines: [line(100, 0)], mode: 'inclusive', rounding: 'down' })).toThrow(
      RangeError,
    );
    expect(() => computeReceipt({ lines: [line(100, 1.5)], mode: 'inclusive', rounding: 'down' })).toThrow(
      RangeError,
    );
    expect(() =>
      computeReceipt({
        lines: [{ ...line(100), discount: { kind: 'percent', bp: 10_001 } }],
        mode: 'inclusive',
        rounding: 'down',
      }),
    ).toThrow(RangeError);
  });

  it('handles an empty or all-free cart', () => {
    expect(computeReceipt({ lines: [], mode: 'inclusive', rounding: 'down' })).toMatchObject({
      total: 0,
      tax: 0,
      rates: [],
    });
    expect(computeReceipt({ lines: [line(0)], mode: 'inclusive', rounding: 'down' }).total).toBe(0);
  });

  it('labels rate groups the way a qualified invoice needs', () => {
    expect(['standard', 'reduced', 'exempt'].map((c) => taxLabel(c as 'standard'))).toEqual([
      '10%対象',
      '8%対象',
      '非課税',
    ]);
  });
});
