import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.ts';

/**
 * One stock movement. Quantities are absolute after the move (`stock`), with the signed delta
 * (`quantity`) for context: a consumer that sees events late or twice still ends at the right figure.
 */
export const stockChanged = defineEvent(
  'inventory.stock_changed',
  1,
  z.object({
    productId: z.number().int().positive(),
    itemId: z.number().int().positive(),
    ledgerId: z.number().int().positive(),
    quantity: z.number().int(),
    stock: z.number().int(),
    sourceKind: z.string(),
    sourceId: z.string(),
  }),
);

/** A product fell to or below its low-stock threshold (raised by worker-product). */
export const lowStock = defineEvent(
  'inventory.low_stock',
  1,
  z.object({
    productId: z.number().int().positive(),
    itemId: z.number().int().positive(),
    stock: z.number().int(),
    threshold: z.number().int(),
  }),
);

export const events = [stockChanged, lowStock];
