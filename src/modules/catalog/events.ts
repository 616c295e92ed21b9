import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.ts';

const yen = z.number().int();

/** An item was created or changed (fields, status); external shops re-read the listing. */
export const itemChanged = defineEvent(
  'catalog.item_changed',
  1,
  z.object({
    itemId: z.number().int().positive(),
    change: z.enum(['created', 'updated']),
    status: z.enum(['draft', 'published', 'hidden']),
    name: z.string(),
    jan: z.string().nullable(),
    productIds: z.array(z.number().int().positive()),
  }),
);

/** A product's stored prices changed; the figures are absolute (the new prices), not deltas. */
export const priceChanged = defineEvent(
  'catalog.price_changed',
  1,
  z.object({
    productId: z.number().int().positive(),
    itemId: z.number().int().positive(),
    sellPrice: yen,
    buyPrice: yen,
    ecPrice: yen,
    previous: z.object({ sellPrice: yen, buyPrice: yen, ecPrice: yen }).nullable(),
  }),
);

export const events = [itemChanged, priceChanged];
