import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../kernel/columns.ts';
import { calendarDate } from '../../kernel/time.ts';
import { renderSettlementHtml, renderSettlementText, type SettlementDocument } from './document.ts';
import { cashMethodTotals, summarizeMovements } from './figures.ts';
import { checkSign } from './ledger.ts';
import type { SettlementView } from './settlements.ts';

describe('business day', () => {
  it('names the day by the date in the store’s time zone, not UTC', () => {
    const lateUtc = new Date('2026-11-28T16:30:00Z'); // 01:30 on the 29th in Tokyo
    expect(calendarDate(lateUtc, 'Asia/Tokyo')).toBe('2026-11-29');
    expect(calendarDate(lateUtc, 'UTC')).toBe('2026-11-28');
    expect(calendarDate(lateUtc, 'America/Los_Angeles')).toBe('2026-11-28');
  });
});

describe('cash movement signs', () => {
  it('accepts money in for sales and cash in, money out for refunds, buys and cash out', () => {
    expect(() => checkSign('sale', 100)).not.toThrow();
    expect(() => checkSign('cash_in', 1)).not.toThrow();
    expect(() => checkSign('sale_refund', -100)).not.toThrow();
    expect(() => checkSign('buy', -5)).not.toThrow();
    expect(() => checkSign('open_adjust', -3)).not.toThrow();
    expect(() => checkSign('close_reset', 3)).not.toThrow();
  });

  it('refuses a sale taking money out, a refund putting it in, zero and fractions', () => {
    expect(() => checkSign('sale', -100)).toThrow(/sale movement cannot be -100/);
    expect(() => checkSign('sale_refund', 100)).toThrow();
    expect(() => checkSign('cash_out', 0)).toThrow();
    expect(() => checkSign('cash_in', 10.5)).toThrow();
    expect(() => checkSign('close_reset', 0)).toThrow();
  });
});

describe('settlement figures', () => {
  const rows = [
    { kind: 'sale' as const, amount: 1_000 },
    { kind: 'sale' as const, amount: 2_500 },
    { kind: 'sale_refund' as const, amount: -1_000 },
    { kind: 'buy' as const, amount: -800 },
    { kind: 'cash_in' as const, amount: 5_000 },
    { kind: 'cash_out' as const, amount: -300 },
  ];

  it('sums each kind as an absolute total and derives the expected cash from the signed sum', () => {
    expect(summarizeMovements(10_000, rows)).toEqual({
      openingCash: 10_000,
      cashSales: 3_500,
      cashSaleRefunds: 1_000,
      cashBuys: 800,
      cashBuyRefunds: 0,
      deposits: 0,
      depositRefunds: 0,
      cashIn: 5_000,
      cashOut: 300,
      expected: 10_000 + 3_500 - 1_000 - 800 + 5_000 - 300,
      movements: 6,
    });
  });

  it('lists only the cash lines that moved money by method until sales provides the rest', () => {
    expect(cashMethodTotals(summarizeMovements(0, rows))).toEqual([
      { kind: 'sale', method: 'cash', total: 3_500 },
      { kind: 'sale_refund', method: 'cash', total: 1_000 },
      { kind: 'buy', method: 'cash', total: 800 },
    ]);
    expect(cashMethodTotals(summarizeMovements(0, []))).toEqual([]);
  });
});

describe('settlement document', () => {
  const close: SettlementView = {
    id: 42,
    registerId: 7,
    kind: 'close',
    businessDate: '2026-11-28',
    staffId: 3,
    expected: 61_277,
    counted: 61_274,
    difference: -3,
    nextFloat: 30_000,
    count: { '10000': 6, '1000': 1, '100': 2, '50': 1, '10': 2, '1': 4 },
    figures: {
      ...summarizeMovements(28_520, [
        { kind: 'sale', amount: 22_107 },
        { kind: 'sale_refund', amount: -350 },
        { kind: 'cash_in', amount: 10_000 },
        { kind: 'cash_out', amount: -3_000 },
      ]),
      salesByMethod: [
        { kind: 'sale', method: 'cash', total: 22_107 },
        { kind: 'sale', method: 'card', total: 15_400 },
        { kind: 'sale_refund', method: 'cash', total: 350 },
      ],
      fromSeq: 1,
    },
    periodStart: '2026-11-28 00:30:00.000',
    periodEnd: '2026-11-28 11:00:00.000',
    createdAt: '2026-11-28 11:00:00.000',
  };
  const doc: SettlementDocument = {
    storeName: 'ドラゴンカード梅田店',
    registerName: 'レジ1',
    staffName: '佐藤',
    timeZone: 'Asia/Tokyo',
    settlement: close,
    reprint: false,
  };

  it('prints the close at 48 columns with full-width text counted as two', () => {
    const text = renderSettlementText(doc);
    for (const line of text.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(48);
    expect(text).toMatchInlineSnapshot(`
      "              ドラゴンカード梅田店
                          《精算》
      2026/11/28(土) 20:00                       No.42
      営業日 2026-11-28                     レジ レジ1
                                             担当 佐藤
      ------------------------------------------------
      【金種別在高】
      ¥10,000 × 6                              ¥60,000
      ¥1,000 × 1                                ¥1,000
      ¥100 × 2                                    ¥200
      ¥50 × 1                                      ¥50
      ¥10 × 2                                      ¥20
      ¥1 × 4                                        ¥4
      ------------------------------------------------
      現金在高 (実査)                          ¥61,274
      理論在高                                 ¥61,277
      過不足                                       -¥3
      ------------------------------------------------
      【現金の動き】
      開始時釣銭                               ¥28,520
      現金売上                                 ¥22,107
      現金返品                                   -¥350
      現金買取                                      ¥0
      買取返品                                      ¥0
      予約金                                        ¥0
      予約金返金                                    ¥0
      入金                                     ¥10,000
      出金                                     -¥3,000
      ------------------------------------------------
      【支払方法別】
      販売 現金                                ¥22,107
      販売 クレジットカード                    ¥15,400
      販売返品 現金                               ¥350
      ------------------------------------------------
      翌日釣銭準備金                           ¥30,000
      回収額                                   ¥31,274
      ------------------------------------------------
      "
    `);
  });

  it('prints an opening count without the day’s figures, and marks a reprint', () => {
    const text = renderSettlementText({
      ...doc,
      reprint: true,
      settlement: {
        ...close,
        kind: 'open',
        nextFloat: null,
        count: {},
        expected: 0,
        counted: 0,
        difference: 0,
      },
    });
    expect(text).toContain('《レジ開け》');
    expect(text).toContain('【再印刷】');
    expect(text).toContain('(なし)');
    expect(text).not.toContain('支払方法別');
    expect(text).not.toContain('翌日釣銭準備金');
  });

  it('renders HTML for an 80 mm page with the names escaped', () => {
    const html = renderSettlementHtml({ ...doc, storeName: 'Cards <&> "Umeda"' });
    expect(html).toContain('size: 80mm auto');
    expect(html).toContain('Cards &lt;&amp;&gt; &quot;Umeda&quot;');
    expect(html).not.toContain('<&>');
    expect(html).toContain('<th>過不足</th><td>-¥3</td>');
  });
});
