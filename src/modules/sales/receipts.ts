import { sql } from 'kysely';
import { ConflictError, NotFoundError } from '../../kernel/errors.ts';
import { fromDbTime } from '../../kernel/time.ts';
import type { Db } from '../../platform/db/connect.ts';
import { readSale, type SaleView } from './queries.ts';
import {
  renderFormalReceiptHtml,
  renderReceiptHtml,
  renderReceiptText,
  type PaymentMethod,
  type ReceiptDocument,
} from './receipt.ts';
import type { ReceiptTotals } from './tax.ts';
import '../tenancy/tables.ts';
import '../registers/tables.ts';

/** The engine's figures as stored on the sale: a receipt prints what was charged, never a recomputation. */
export function storedTotals(sale: SaleView): ReceiptTotals {
  return {
    lines: sale.lines.map((l) => ({
      gross: l.unitPrice * l.quantity,
      lineDiscount: l.lineDiscount,
      cartDiscountShare: l.cartDiscountShare,
      amount: l.amount,
    })),
    subtotal: sale.subtotal,
    lineDiscounts: sale.lineDiscounts,
    cartDiscount: sale.cartDiscountAmount,
    rates: sale.rates.map((r) => ({
      category: r.category,
      rateBp: r.rateBp,
      taxIncluded: r.taxIncluded,
      taxExcluded: r.taxExcluded,
      tax: r.tax,
    })),
    tax: sale.tax,
    total: sale.total,
  };
}

async function completedSale(db: Db, storeId: number, saleId: number) {
  const sale = await readSale(db, storeId, saleId);
  if (!sale) throw new NotFoundError('The sale');
  if (sale.status !== 'completed')
    throw new ConflictError('not_completed', 'Only a completed sale has a receipt.', { saleId });
  return sale;
}

/**
 * The receipt of a completed sale or return, as printed. Counting the print is part of issuing
 * it: every print after the first is marked 再印刷, so a customer cannot hold two originals.
 */
export async function issueReceipt(db: Db, storeId: number, saleId: number): Promise<ReceiptDocument> {
  const sale = await completedSale(db, storeId, saleId);
  await db
    .updateTable('sale')
    .set({ printed_count: sql`printed_count + 1` })
    .where('id', '=', saleId)
    .execute();
  return receiptDocument(db, storeId, sale);
}

/** The receipt without counting a print (the e-mailed copy). */
export async function receiptDocument(db: Db, storeId: number, sale: SaleView): Promise<ReceiptDocument> {
  const [store, register, staff] = await Promise.all([
    db
      .selectFrom('store')
      .innerJoin('corporation', 'corporation.id', 'store.corporation_id')
      .select([
        'store.name',
        'store.address',
        'store.phone',
        'store.receipt_header',
        'store.receipt_footer',
        'store.time_zone',
        'corporation.invoice_number',
      ])
      .where('store.id', '=', storeId)
      .executeTakeFirstOrThrow(),
    db.selectFrom('register').select('name').where('id', '=', sale.registerId).executeTakeFirst(),
    db
      .selectFrom('staff_account')
      .select('display_name')
      .where('id', '=', sale.completedBy ?? sale.staffId)
      .executeTakeFirst(),
  ]);
  return {
    kind: sale.kind,
    store: {
      name: store.name,
      address: store.address,
      phone: store.phone,
      header: store.receipt_header,
      footer: store.receipt_footer,
      timeZone: store.time_zone,
    },
    invoiceRegistrationNumber: store.invoice_number,
    saleNumber: sale.number!,
    registerName: register?.name ?? String(sale.registerId),
    staffName: staff?.display_name ?? '',
    issuedAt: fromDbTime(sale.completedAt!),
    reprint: sale.printedCount > 0,
    lines: sale.lines.map((l) => ({
      name: l.name,
      detail: l.detail,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      category: l.taxCategory,
    })),
    totals: storedTotals(sale),
    mode: sale.taxMode,
    payments: sale.payments.map((p) => ({ method: p.method as PaymentMethod, amount: Math.abs(p.amount) })),
    tendered: sale.tendered,
    change: sale.change,
  };
}

export async function receiptOf(db: Db, storeId: number, saleId: number, format: 'html' | 'text') {
  const doc = await issueReceipt(db, storeId, saleId);
  return format === 'html' ? renderReceiptHtml(doc) : renderReceiptText(doc);
}

/** 領収書 for a completed sale (not a return), addressed as the customer asks. */
export async function formalReceiptOf(
  db: Db,
  storeId: number,
  saleId: number,
  input: { addressee: string; purpose: string },
): Promise<string> {
  const sale = await completedSale(db, storeId, saleId);
  if (sale.kind !== 'sale')
    throw new ConflictError('not_a_sale', 'A formal receipt is issued for a sale, not a return.', { saleId });
  const store = await db
    .selectFrom('store')
    .innerJoin('corporation', 'corporation.id', 'store.corporation_id')
    .select(['store.name', 'store.address', 'store.phone', 'store.time_zone', 'corporation.invoice_number'])
    .where('store.id', '=', storeId)
    .executeTakeFirstOrThrow();
  return renderFormalReceiptHtml({
    number: sale.number!,
    issuedAt: fromDbTime(sale.completedAt!),
    timeZone: store.time_zone,
    addressee: input.addressee,
    purpose: input.purpose,
    totals: storedTotals(sale),
    paidInCash: sale.payments.some((p) => p.method === 'cash'),
    issuer: {
      storeName: store.name,
      address: store.address,
      phone: store.phone,
      invoiceRegistrationNumber: store.invoice_number,
    },
  });
}
