import { center, spread, wrap } from '../../kernel/columns.ts';
import { formatYen, type Yen } from '../../kernel/money.ts';
import { formatReceiptDateTime } from '../../kernel/time.ts';
import { taxLabel, type ReceiptTotals, type TaxCategory, type TaxMode } from './tax.ts';

/**
 * The receipt of a sale (レシート) as a document, and its two renderings: plain text for 48-column
 * thermal printers and HTML for the browser's 80 mm print. Everything a qualified simplified invoice
 * (適格簡易請求書) needs is here: issuer and registration number, date, goods (reduced-rate ones
 * marked ※), totals and tax per rate with the rate label.
 */
export type PaymentMethod = 'cash' | 'card' | 'qr' | 'emoney' | 'bank_transfer';

export const paymentLabel: Record<PaymentMethod, string> = {
  cash: '現金',
  card: 'クレジットカード',
  qr: 'QRコード決済',
  emoney: '電子マネー',
  bank_transfer: '銀行振込',
};

export interface ReceiptLine {
  name: string;
  /** Condition and specialty, e.g. "状態A / PSA10". */
  detail?: string;
  quantity: number;
  unitPrice: Yen;
  category: TaxCategory;
}

export interface ReceiptDocument {
  kind: 'sale' | 'return';
  store: {
    name: string;
    address?: string;
    phone?: string;
    header?: string;
    footer?: string;
    timeZone: string;
  };
  invoiceRegistrationNumber: string | null;
  saleNumber: string;
  registerName: string;
  staffName: string;
  issuedAt: Date;
  reprint: boolean;
  lines: ReceiptLine[];
  /** computeReceipt() of the same lines: receipts print the engine's figures, never recompute them. */
  totals: ReceiptTotals;
  mode: TaxMode;
  payments: { method: PaymentMethod; amount: Yen }[];
  tendered: Yen | null;
  change: Yen | null;
}

export const RECEIPT_COLUMNS = 48;

export function renderReceiptText(doc: ReceiptDocument, width = RECEIPT_COLUMNS): string {
  const rule = '-'.repeat(width);
  const out: string[] = [];
  const row = (left: string, right: string) => out.push(spread(left, right, width));
  const sign = doc.kind === 'return' ? -1 : 1;

  out.push(center(doc.store.name, width));
  for (const text of [doc.store.address, doc.store.phone && `TEL ${doc.store.phone}`, doc.store.header]) {
    if (text) for (const l of text.split('\n')) out.push(...wrap(l, width).map((w) => center(w, width)));
  }
  out.push(rule);
  if (doc.kind === 'return') out.push(center('【返品】', width));
  if (doc.reprint) out.push(center('【再印刷】', width));
  row(formatReceiptDateTime(doc.issuedAt, doc.store.timeZone), `No.${doc.saleNumber}`);
  row(`レジ ${doc.registerName}`, `担当 ${doc.staffName}`);
  out.push(rule);

  doc.lines.forEach((line, i) => {
    const reduced = line.category === 'reduced' ? '※' : '';
    const calc = doc.totals.lines[i]!;
    out.push(...wrap(reduced + line.name + (line.detail ? ` [${line.detail}]` : ''), width));
    row(`  ${formatYen(line.unitPrice)} × ${line.quantity}点`, formatYen(sign * calc.gross));
    if (calc.lineDiscount) row('  値引', formatYen(-sign * calc.lineDiscount));
  });
  out.push(rule);

  const items = doc.lines.reduce((n, l) => n + l.quantity, 0);
  row(`小計 (${items}点)`, formatYen(sign * doc.totals.subtotal));
  if (doc.totals.cartDiscount) row('値引', formatYen(-sign * doc.totals.cartDiscount));
  if (doc.mode === 'exclusive') row('外税', formatYen(sign * doc.totals.tax));
  row('合計', formatYen(sign * doc.totals.total));
  for (const r of doc.totals.rates) {
    const taxName =
      r.category === 'exempt'
        ? ''
        : doc.mode === 'inclusive'
          ? ` 内消費税 ${formatYen(sign * r.tax)}`
          : ` 消費税 ${formatYen(sign * r.tax)}`;
    row(`(${taxLabel(r.category)}`, `${formatYen(sign * r.taxIncluded)}${taxName})`);
  }
  out.push(rule);
  for (const p of doc.payments)
    row(
      doc.kind === 'return' ? `返金 ${paymentLabel[p.method]}` : paymentLabel[p.method],
      formatYen(p.amount),
    );
  if (doc.tendered != null) row('お預り', formatYen(doc.tendered));
  if (doc.change != null) row('お釣り', formatYen(doc.change));
  out.push(rule);
  if (doc.lines.some((l) => l.category === 'reduced')) out.push('※は軽減税率対象商品です');
  if (doc.invoiceRegistrationNumber) out.push(`登録番号 ${doc.invoiceRegistrationNumber}`);
  if (doc.store.footer)
    for (const l of doc.store.footer.split('\n')) out.push(...wrap(l, width).map((w) => center(w, width)));
  return out.map((l) => l.trimEnd()).join('\n') + '\n';
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The same receipt as a printable page for an 80 mm roll (72 mm printable). */
export function renderReceiptHtml(doc: ReceiptDocument): string {
  const text = renderReceiptText(doc);
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>${escapeHtml(`${doc.store.name} No.${doc.saleNumber}`)}</title>
<style>
@page { size: 80mm auto; margin: 4mm; }
body { margin: 0; width: 72mm; font-family: "Noto Sans Mono CJK JP", "MS Gothic", "Osaka-Mono", monospace; font-size: 2.9mm; }
pre { margin: 0; white-space: pre; font: inherit; }
</style></head>
<body><pre class="receipt">${escapeHtml(text)}</pre></body></html>
`;
}

export interface FormalReceiptInput {
  number: string;
  issuedAt: Date;
  timeZone: string;
  addressee: string;
  /** 但し書き, e.g. "トレーディングカード代として". */
  purpose: string;
  totals: ReceiptTotals;
  paidInCash: boolean;
  issuer: { storeName: string; address?: string; phone?: string; invoiceRegistrationNumber: string | null };
}

/**
 * A receipt on paper that is a taxable document under the Stamp Tax Act when paid in cash (card
 * payments are not receipts of money). Because the tax is stated separately, the stamp threshold
 * of ¥50,000 applies to the tax-excluded amount (Stamp Tax Act basic circular, art. 34).
 */
export function needsRevenueStamp(totals: ReceiptTotals, paidInCash: boolean): boolean {
  const taxExcluded = totals.rates.reduce((s, r) => s + r.taxExcluded, 0);
  return paidInCash && taxExcluded >= 50_000;
}

export function renderFormalReceiptHtml(r: FormalReceiptInput): string {
  const rates = r.totals.rates
    .map(
      (x) =>
        `<tr><td>${escapeHtml(taxLabel(x.category))}</td><td>${formatYen(x.taxExcluded)}</td><td>${x.category === 'exempt' ? '—' : formatYen(x.tax)}</td></tr>`,
    )
    .join('');
  const stamp = needsRevenueStamp(r.totals, r.paidInCash) ? '<div class="stamp">収入<br>印紙</div>' : '';
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>領収書 No.${escapeHtml(r.number)}</title>
<style>
@page { size: A5 landscape; margin: 10mm; }
body { font-family: "Noto Serif CJK JP", "Yu Mincho", serif; }
h1 { text-align: center; letter-spacing: 1em; }
.to { font-size: 1.4em; border-bottom: 1px solid; display: inline-block; min-width: 60%; }
.amount { font-size: 2em; text-align: center; border: 2px solid; padding: .2em; margin: .5em 0; }
.stamp { position: absolute; right: 12mm; top: 40mm; width: 22mm; height: 26mm; border: 1px dashed; text-align: center; padding-top: 7mm; box-sizing: border-box; }
table { border-collapse: collapse; } td { padding: 0 1em; }
</style></head><body>
<h1>領収書</h1>
<p>No. ${escapeHtml(r.number)}&emsp;発行日 ${escapeHtml(formatReceiptDateTime(r.issuedAt, r.timeZone).slice(0, 13))}</p>
<p class="to">${escapeHtml(r.addressee)} 様</p>
<div class="amount">${formatYen(r.totals.total)}-</div>
<p>但し ${escapeHtml(r.purpose)}<br>上記の金額正に領収いたしました。</p>
<table><tr><th>税率</th><th>税抜金額</th><th>消費税額</th></tr>${rates}</table>
<p>${escapeHtml(r.issuer.storeName)}<br>${escapeHtml(r.issuer.address ?? '')}<br>${escapeHtml(r.issuer.phone ?? '')}<br>
${r.issuer.invoiceRegistrationNumber ? `登録番号 ${escapeHtml(r.issuer.invoiceRegistrationNumber)}` : ''}</p>
${stamp}
</body></html>
`;
}
