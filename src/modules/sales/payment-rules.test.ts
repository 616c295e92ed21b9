import { describe, expect, it } from 'vitest';
import { PaymentRejected, planPayment } from './payment-rules.ts';

describe('planPayment', () => {
  it('takes cash with change', () => {
    expect(planPayment(18_708, { cashTendered: 20_000 })).toEqual({
      payments: [{ method: 'cash', amount: 18_708 }],
      cashIn: 18_708,
      tendered: 20_000,
      change: 1_292,
    });
  });

  it('takes exact cash with no change', () => {
    expect(planPayment(500, { cashTendered: 500 })).toMatchObject({ change: 0, cashIn: 500 });
  });

  it('charges another method alone, with no cash movement', () => {
    expect(planPayment(3_000, { other: { method: 'card', amount: 3_000 } })).toEqual({
      payments: [{ method: 'card', amount: 3_000 }],
      cashIn: 0,
      tendered: null,
      change: null,
    });
  });

  it('splits cash and one other method', () => {
    expect(planPayment(10_000, { other: { method: 'qr', amount: 6_000 }, cashTendered: 5_000 })).toEqual({
      payments: [
        { method: 'cash', amount: 4_000 },
        { method: 'qr', amount: 6_000 },
      ],
      cashIn: 4_000,
      tendered: 5_000,
      change: 1_000,
    });
  });

  it('accepts a free sale', () => {
    expect(planPayment(0, {})).toEqual({ payments: [], cashIn: 0, tendered: null, change: null });
  });

  it.each([
    ['too little cash', 1_000, { cashTendered: 999 }, 'tendered_too_little'],
    ['no cash at all', 1_000, {}, 'tendered_too_little'],
    [
      'too little cash in a split',
      1_000,
      { other: { method: 'card' as const, amount: 400 }, cashTendered: 500 },
      'tendered_too_little',
    ],
    [
      'a card amount over the total',
      1_000,
      { other: { method: 'card' as const, amount: 1_001 } },
      'over_total',
    ],
    [
      'a zero card amount',
      1_000,
      { other: { method: 'card' as const, amount: 0 }, cashTendered: 1_000 },
      'invalid_amount',
    ],
    ['a fractional tender', 1_000, { cashTendered: 1_000.5 }, 'invalid_amount'],
  ])('rejects %s', (_what, total, input, code) => {
    try {
      planPayment(total, input);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PaymentRejected);
      expect((e as PaymentRejected).errors.map((x) => x.code)).toContain(code);
    }
  });
});
