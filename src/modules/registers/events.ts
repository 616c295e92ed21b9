import { z } from 'zod';
import { defineEvent } from '../../platform/bus/events.ts';

const yen = z.number().int();

export const registerOpened = defineEvent(
  'registers.opened',
  1,
  z.object({
    registerId: z.number().int().positive(),
    settlementId: z.number().int().positive(),
    businessDate: z.string(),
    /** True when this open also opened the store's business day (the primary register). */
    storeOpened: z.boolean(),
    expected: yen,
    counted: yen,
    difference: yen,
  }),
);

export const registerClosed = defineEvent(
  'registers.closed',
  1,
  z.object({
    registerId: z.number().int().positive(),
    settlementId: z.number().int().positive(),
    businessDate: z.string(),
    /** True when this close also closed the store's business day (the primary register). */
    storeClosed: z.boolean(),
    expected: yen,
    counted: yen,
    difference: yen,
    nextFloat: yen,
  }),
);

export const cashMoved = defineEvent(
  'registers.cash_moved',
  1,
  z.object({
    registerId: z.number().int().positive(),
    movementId: z.number().int().positive(),
    kind: z.string(),
    amount: yen,
    balanceAfter: yen,
    sourceKind: z.string(),
    sourceId: z.string().nullable(),
  }),
);

export const events = [registerOpened, registerClosed, cashMoved];
