import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../kernel/columns.ts';
import {
  needsRevenueStamp,
  renderFormalReceiptHtml,
  renderReceiptHtml,
  renderReceiptText,
  type ReceiptDocument,
} from './receipt.ts';
import { computeReceipt, type TaxCategory } from './tax.ts';

const lines = [
  {
    name: 'ピカチュウex SAR',
    detail: '状態A',
    quantity: 1,
    unitPrice: 12_800,
    category: 'standard' as TaxCategory,
  },
  {
    name: 'リザードンex SR 黒炎の支配者 拡張パック収録',
    detail: 'PSA10',
    quantity: 2,
    unitPrice: 3_300,
    category: 'standard' as TaxCategory,
    discount: { kind: 'yen' as const, value: 300 },
  },
  { name: 'ミネラルウォーター', quantity: 1, unitPrice: 108, category: 'reduced' as TaxCategory },
];

function sale(over: Partial<ReceiptDocument> = {}): ReceiptDocument {
  const totals = computeReceipt({
    lines,
    cartDiscount: { kind: 'yen', value: 500 },
    mode: 'inclusive',
    rounding: 'down',
  });
  return {
    kind: 'sale',
    store: {
      name: 'カードショップ regi 秋葉原店',
      address: '東京都千代田区外神田1-2-3',
      phone: '03-1234-5678',
      footer: 'またのご来店をお待ちしております',
      timeZone: 'Asia/Tokyo',
    },
    invoiceRegistrationNumber: 'T1234567890123',
    saleNumber: '000123',
    registerName: '1番',
    staffName: '山田',
    issuedAt: new Date('2026-11-28T08:05:00Z'),
    reprint: false,
    lines,
    totals,
    mode: 'inclusive',
    payments: [{ method: 'cash', amount: totals.total }],
    tendered: 20_000,
    change: 20_000 - totals.total,
    ...over,
  };
}

describe('receipt text', () => {
  it('prints a 48-column receipt with tax per rate and the registration number', () => {
    expect(renderReceiptText(sale())).toMatchInlineSnapshot(`
      "          カードショップ regi 秋葉原店
                 東京都千代田区外神田1-2-3
                      TEL 03-1234-5678
      ------------------------------------------------
      2026/11/28(土) 17:05                   No.000123
      レジ 1番                               担当 山田
      ------------------------------------------------
      ピカチュウex SAR [状態A]
        ¥12,800 × 1点                          ¥12,800
      リザードンex SR 黒炎の支配者 拡張パック収録 [PSA
      10]
        ¥3,300 × 2点                            ¥6,600
        値引                                     -¥300
      ※ミネラルウォーター
        ¥108 × 1点                                ¥108
      ------------------------------------------------
      小計 (4点)                               ¥19,208
      値引                                       -¥500
      合計                                     ¥18,708
      (10%対象                ¥18,603 内消費税 ¥1,691)
      (8%対象                        ¥105 内消費税 ¥7)
      ------------------------------------------------
      現金                                     ¥18,708
      お預り                                   ¥20,000
      お釣り                                    ¥1,292
      ------------------------------------------------
      ※は軽減税率対象商品です
      登録番号 T1234567890123
              またのご来店をお待ちしております
      "
    `);
  });

  it('never prints a line wider than the printer', () => {
    for (const width of [32, 42, 48]) {
      for (const line of renderReceiptText(sale(), width).split('\n'))
        expect(displayWidth(line)).toBeLessThanOrEqual(width);
    }
  });

  it('marks a reprint and a return, with the return amounts negative', () => {
    const text = renderReceiptText(sale({ kind: 'return', reprint: true, tendered: null, change: null }));
    expect(text).toContain('【返品】');
    expect(text).toContain('【再印刷】');
    expect(text).toMatch(/合計\s+-¥18,708/);
    expect(text).toMatch(/返品? ?返金 現金|返金 現金/);
  });

  it('shows the added tax in tax-exclusive mode', () => {
    const totals = computeReceipt({
      lines: [{ ...lines[0]!, unitPrice: 10_000 }],
      mode: 'exclusive',
      rounding: 'down',
    });
    const text = renderReceiptText(
      sale({ lines: [{ ...lines[0]!, unitPrice: 10_000 }], totals, mode: 'exclusive' }),
    );
    expect(text).toMatch(/外税\s+¥1,000/);
    expect(text).toMatch(/合計\s+¥11,000/);
    expect(text).toContain('(10%対象                  ¥11,000 消費税 ¥1,000)');
  });

  it('escapes shop-entered text in the HTML receipt', () => {
    const html = renderReceiptHtml(sale({ store: { ...sale().store, name: '<script>x</script>' } }));
    expect(html).not.toContain('<script>x');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('size: 80mm auto');
  });
});

describe('formal receipt (領収書)', () => {
  const totalsOf = (amount: number) =>
    computeReceipt({
      lines: [{ unitPrice: amount, quantity: 1, category: 'standard' }],
      mode: 'inclusive',
      rounding: 'down',
    });

  it('needs a revenue stamp from ¥50,000 tax-excluded, paid in cash only', () => {
    expect(needsRevenueStamp(totalsOf(55_000), true)).toBe(true); // 50,000 + 5,000 tax
    expect(needsRevenueStamp(totalsOf(54_998), true)).toBe(false); // 49,999 tax-excluded
    expect(needsRevenueStamp(totalsOf(55_000), false)).toBe(false); // card: not a receipt of money
  });

  it('prints addressee, amount, purpose, tax breakdown, registration number and the stamp box', () => {
    const html = renderFormalReceiptHtml({
      number: 'R-000045',
      issuedAt: new Date('2026-11-28T08:05:00Z'),
      timeZone: 'Asia/Tokyo',
      addressee: '株式会社テスト',
      purpose: 'トレーディングカード代として',
      totals: totalsOf(110_000),
      paidInCash: true,
      issuer: { storeName: 'カードショップ regi', invoiceRegistrationNumber: 'T1234567890123' },
    });
    for (const part of [
      '株式会社テスト 様',
      '¥110,000-',
      '但し トレーディングカード代として',
      '¥100,000',
      '¥10,000',
      '登録番号 T1234567890123',
      'class="stamp"',
      '2026/11/28',
    ]) {
      expect(html).toContain(part);
    }
  });
});
