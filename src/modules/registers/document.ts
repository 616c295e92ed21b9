import { center, padStart, spread, wrap } from '../../kernel/columns.ts';
import { formatYen, type Yen } from '../../kernel/money.ts';
import { formatReceiptDateTime, fromDbTime } from '../../kernel/time.ts';
import { denominations } from './cash-count.ts';
import type { MethodTotal } from './figures.ts';
import type { SettlementView } from './settlements.ts';

/**
 * The printed register check (レジ開け / 中間点検 / 精算): pure, from a settlement as stored, so a
 * reprint shows exactly the figures of the day. Plain text for 48-column thermal printers (full-width
 * aware through kernel/columns) and HTML for the browser's 80 mm print.
 */
export interface SettlementDocument {
  storeName: string;
  registerName: string;
  staffName: string;
  timeZone: string;
  settlement: SettlementView;
  reprint: boolean;
}

export const SETTLEMENT_COLUMNS = 48;

const titles = { open: '《レジ開け》', middle: '《中間点検》', close: '《精算》' } as const;

const kindLabel: Record<MethodTotal['kind'], string> = {
  sale: '販売',
  sale_refund: '販売返品',
  buy: '買取',
  buy_refund: '買取返品',
};

const methodLabel: Record<string, string> = {
  cash: '現金',
  card: 'クレジットカード',
  qr: 'QRコード決済',
  emoney: '電子マネー',
  bank_transfer: '銀行振込',
};

const signed = (y: Yen) => (y > 0 ? `+${formatYen(y)}` : formatYen(y));

interface Section {
  title?: string;
  rows: [string, string][];
}

/** The document as labelled rows: both renderings are built from this one list. */
function sections(doc: SettlementDocument): Section[] {
  const s = doc.settlement;
  const out: Section[] = [];
  const counted: [string, string][] = denominations
    .filter((d) => (s.count[`${d}`] ?? 0) > 0)
    .map((d) => {
      const n = s.count[`${d}`]!;
      return [`${formatYen(d)} × ${n}`, formatYen(d * n)];
    });
  out.push({ title: '金種別在高', rows: counted.length ? counted : [['(なし)', formatYen(0)]] });
  out.push({
    rows: [
      ['現金在高 (実査)', formatYen(s.counted)],
      ['理論在高', formatYen(s.expected)],
      ['過不足', signed(s.difference)],
    ],
  });
  if (s.kind !== 'open') {
    const f = s.figures;
    out.push({
      title: '現金の動き',
      rows: [
        ['開始時釣銭', formatYen(f.openingCash)],
        ['現金売上', formatYen(f.cashSales)],
        ['現金返品', formatYen(-f.cashSaleRefunds)],
        ['現金買取', formatYen(-f.cashBuys)],
        ['買取返品', formatYen(f.cashBuyRefunds)],
        ['予約金', formatYen(f.deposits)],
        ['予約金返金', formatYen(-f.depositRefunds)],
        ['入金', formatYen(f.cashIn)],
        ['出金', formatYen(-f.cashOut)],
      ],
    });
    out.push({
      title: '支払方法別',
      rows: f.salesByMethod.length
        ? f.salesByMethod.map((m) => [
            `${kindLabel[m.kind]} ${methodLabel[m.method] ?? m.method}`,
            formatYen(m.total),
          ])
        : [['(取引なし)', formatYen(0)]],
    });
  }
  if (s.kind === 'close' && s.nextFloat != null)
    out.push({
      rows: [
        ['翌日釣銭準備金', formatYen(s.nextFloat)],
        ['回収額', formatYen(s.counted - s.nextFloat)],
      ],
    });
  return out;
}

export function renderSettlementText(doc: SettlementDocument, width = SETTLEMENT_COLUMNS): string {
  const s = doc.settlement;
  const rule = '-'.repeat(width);
  const lines: string[] = [];
  lines.push(...wrap(doc.storeName, width).map((l) => center(l, width)));
  lines.push(center(titles[s.kind], width));
  if (doc.reprint) lines.push(center('【再印刷】', width));
  lines.push(spread(formatReceiptDateTime(fromDbTime(s.createdAt), doc.timeZone), `No.${s.id}`, width));
  lines.push(spread(`営業日 ${s.businessDate}`, `レジ ${doc.registerName}`, width));
  lines.push(spread('', `担当 ${doc.staffName}`, width));
  for (const sec of sections(doc)) {
    lines.push(rule);
    if (sec.title) lines.push(`【${sec.title}】`);
    for (const [label, value] of sec.rows) lines.push(spread(label, padStart(value, 12), width));
  }
  lines.push(rule);
  return lines.join('\n') + '\n';
}

const escapeHtml = (t: string) =>
  t.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderSettlementHtml(doc: SettlementDocument): string {
  const s = doc.settlement;
  const when = formatReceiptDateTime(fromDbTime(s.createdAt), doc.timeZone);
  const body = sections(doc)
    .map(
      (sec) =>
        (sec.title ? `<h2>${escapeHtml(sec.title)}</h2>` : '') +
        '<table>' +
        sec.rows.map(([l, v]) => `<tr><th>${escapeHtml(l)}</th><td>${escapeHtml(v)}</td></tr>`).join('') +
        '</table>',
    )
    .join('<hr>');
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>${escapeHtml(titles[s.kind])} No.${s.id}</title>
<style>
@page { size: 80mm auto; margin: 4mm; }
body { width: 72mm; margin: 0 auto; font: 12px/1.4 sans-serif; }
h1 { font-size: 14px; text-align: center; margin: 0; }
h2 { font-size: 12px; margin: 4px 0; }
p { margin: 0; }
.center { text-align: center; }
table { width: 100%; border-collapse: collapse; }
th { text-align: left; font-weight: normal; }
td { text-align: right; font-variant-numeric: tabular-nums; }
hr { border: 0; border-top: 1px dashed #000; }
</style></head><body>
<h1>${escapeHtml(doc.storeName)}</h1>
<p class="center">${escapeHtml(titles[s.kind])}</p>
${doc.reprint ? '<p class="center">【再印刷】</p>' : ''}
<p>${escapeHtml(when)} No.${s.id}</p>
<p>営業日 ${escapeHtml(s.businessDate)} / レジ ${escapeHtml(doc.registerName)} / 担当 ${escapeHtml(doc.staffName)}</p>
<hr>
${body}
</body></html>
`;
}
