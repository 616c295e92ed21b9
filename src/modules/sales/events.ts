import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.ts';

const yen = z.number().int();
const id = z.number().int().positive();

/** What worker-transaction needs of a completed sale or return; no personal data (the e-mail stays in the DB). */
const transactionData = z.object({
  saleId: id,
  number: z.string(),
  registerId: id,
  businessDate: z.string(),
  /** Positive for both kinds: the event type says which way the money went. */
  total: yen,
  tax: yen,
  items: z.number().int(),
  payments: z.array(z.object({ method: z.string(), amount: yen })),
  returnOfSaleId: id.nullable(),
  /** The customer the sale was made to, when one was attached (worker-transaction keeps their stats). */
  customerId: id.nullable().default(null),
  receiptRequested: z.boolean(),
});

export const saleCompleted = defineEvent('sales.completed', 1, transactionData);
export const saleReturned = defineEvent('sales.returned', 1, transactionData);

export const events = [saleCompleted, saleReturned];
