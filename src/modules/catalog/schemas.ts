import { z } from 'zod';

/** Input shapes of the catalogue API (validated at the edge, documented in OpenAPI). */
export const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const storeParams = z.object({ storeId: z.string() });
const yen = z.number().int().min(0).max(100_000_000);

/** A rate: percent in basis points (80% = 8000) or yen added (may be negative). */
export const rate = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent'), value: z.number().int().min(0).max(1_000_000) }),
  z.object({ kind: z.literal('yen'), value: z.number().int().min(-100_000_000).max(100_000_000) }),
]);
export type RateInput = z.infer<typeof rate>;

export const genreInput = z
  .object({ name: z.string().trim().min(1).max(100), sortOrder: z.number().int().default(0) })
  .strict();

export const conditionInput = z
  .object({ name: z.string().trim().min(1).max(40), sell: rate, buy: rate })
  .strict();

export const categoryKinds = ['single', 'box', 'pack', 'supply', 'lucky_bag', 'other', 'custom'] as const;
export const categoryInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    kind: z.enum(categoryKinds),
    conditions: z.array(conditionInput).min(1).max(30),
  })
  .strict()
  .refine((c) => new Set(c.conditions.map((x) => x.name)).size === c.conditions.length, {
    message: 'condition names must be unique',
    path: ['conditions'],
  });

export const conditionPatch = z.object({ sell: rate, buy: rate }).partial().strict();
export const genreRateInput = z.object({ sell: rate, buy: rate }).strict();

export const specialtyInput = z
  .object({ name: z.string().trim().min(1).max(60), sell: rate, buy: rate })
  .strict();

const text = (max: number) => z.string().trim().max(max);
export const itemFields = {
  genreId: id,
  categoryId: id,
  code: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[\x21-\x7e]+$/, 'printable ASCII only')
    .nullable()
    .default(null),
  name: z.string().trim().min(1).max(300),
  reading: text(300).default(''),
  expansion: text(100).default(''),
  cardNumber: text(40).default(''),
  rarity: text(40).default(''),
  jan: z
    .string()
    .regex(/^\d{8}$|^\d{13}$/, 'is 8 or 13 digits')
    .nullable()
    .default(null),
  imageUrl: z.url().max(500).nullable().default(null),
  baseSellPrice: yen,
  baseBuyPrice: yen,
  allowRound: z.boolean().default(true),
  /** Consumption tax of the item: cards and supplies are standard (10%); food and drinks reduced (8%). */
  taxCategory: z.enum(['standard', 'reduced', 'exempt']).default('standard'),
  status: z.enum(['draft', 'published', 'hidden']).default('draft'),
};
export const itemInput = z.object({ ...itemFields, specialtyIds: z.array(id).max(20).default([]) }).strict();
export type ItemInput = z.infer<typeof itemInput>;
export const itemPatch = z
  .object({ ...itemFields, specialtyIds: z.array(id).max(20) })
  .omit({ genreId: true, categoryId: true })
  .partial()
  .strict();
export type ItemPatch = z.infer<typeof itemPatch>;

export const productPatch = z
  .object({
    manualSellPrice: yen.nullable(),
    manualBuyPrice: yen.nullable(),
    reserve: z.number().int().min(0).max(1_000_000).nullable(),
    lowStockThreshold: z.number().int().min(0).max(1_000_000).nullable(),
    allowNegative: z.boolean(),
  })
  .partial()
  .strict();
export type ProductPatch = z.infer<typeof productPatch>;

export const searchInput = z.object({
  q: z.string().max(100).optional(),
  genreId: id.optional(),
  categoryId: id.optional(),
  status: z.enum(['draft', 'published', 'hidden']).optional(),
  cursor: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
