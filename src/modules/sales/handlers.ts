import { sql } from 'kysely';
import { toDbTime } from '../../kernel/time.ts';
import { onEvent } from '../../platform/bus/handler.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { requestNotification } from '../notifications/index.ts';
import { saleCompleted, saleReturned } from './events.ts';
import { readSale } from './queries.ts';
import { receiptDocument } from './receipts.ts';
import { renderReceiptText } from './receipt.ts';
import './tables.ts';

/*
 * worker-transaction: what follows a sale or a return. Each handler runs in the consumer's
 * transaction with its inbox record, so a redelivered event adds nothing twice.
 */

async function addToDay(
  tx: Tx,
  key: { corporationId: number; storeId: number; businessDate: string },
  delta: { sales_count: number; sales_total: number; returns_count: number; returns_total: number },
) {
  const at = toDbTime(new Date());
  await tx
    .insertInto('sales_running_total')
    .orIgnore()
    .values({
      store_id: key.storeId,
      business_date: key.businessDate,
      corporation_id: key.corporationId,
      sales_count: 0,
      sales_total: 0,
      returns_count: 0,
      returns_total: 0,
      updated_at: at,
    })
    .execute();
  await tx
    .updateTable('sales_running_total')
    .set({
      sales_count: sql`sales_count + ${delta.sales_count}`,
      sales_total: sql`sales_total + ${delta.sales_total}`,
      returns_count: sql`returns_count + ${delta.returns_count}`,
      returns_total: sql`returns_total + ${delta.returns_total}`,
      updated_at: at,
    })
    .where('store_id', '=', key.storeId)
    .where('business_date', '=', key.businessDate)
    .execute();
}

/** The dashboard's running figures of the day (the nightly job computes the exact ones). */
export const runningTotalOfSale = onEvent('sales.running_total', saleCompleted, async (tx, e) => {
  await addToDay(
    tx,
    { corporationId: e.corporationId!, storeId: e.storeId!, businessDate: e.data.businessDate },
    { sales_count: 1, sales_total: e.data.total, returns_count: 0, returns_total: 0 },
  );
});

export const runningTotalOfReturn = onEvent('sales.running_total_return', saleReturned, async (tx, e) => {
  await addToDay(
    tx,
    { corporationId: e.corporationId!, storeId: e.storeId!, businessDate: e.data.businessDate },
    { sales_count: 0, sales_total: 0, returns_count: 1, returns_total: e.data.total },
  );
});

/**
 * The receipt by e-mail when the customer gave an address: the address stays in the sale row (no
 * personal data in events) and the notification worker sends it.
 */
export const receiptMail = onEvent('sales.receipt_mail', saleCompleted, async (tx, e) => {
  if (!e.data.receiptRequested) return;
  const sale = await tx
    .selectFrom('sale')
    .select('receipt_email')
    .where('id', '=', e.data.saleId)
    .executeTakeFirst();
  if (!sale?.receipt_email) return;
  const doc = await receiptDocument(tx, e.storeId!, (await readSale(tx, e.storeId!, e.data.saleId))!);
  await requestNotification(tx, {
    corporationId: e.corporationId,
    storeId: e.storeId,
    kind: 'sales.receipt',
    channel: 'email',
    recipient: sale.receipt_email,
    params: { storeName: doc.store.name, number: doc.saleNumber, receipt: renderReceiptText(doc) },
  });
});
