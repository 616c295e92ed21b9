import { z } from 'zod';

/** Input and output shapes of the customers API (validated at the edge, documented in OpenAPI). */
export const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const storeParams = z.object({ storeId: z.string() });
export const customerParams = storeParams.extend({ customerId: id });

const PHONE = /^[0-9+()\-\s]*$/;

const fields = {
  /** 会員番号: what the member card's barcode holds. Letters, digits, - and _. */
  code: z
    .string()
    .trim()
    .max(32)
    .regex(/^[0-9A-Za-z_-]*$/, 'is letters, digits, - or _')
    .nullable()
    .describe('Member number (unique in the store); null or empty without a member card'),
  name: z.string().trim().min(1).max(100),
  nameKana: z.string().trim().max(100).describe('Reading (フリガナ); hiragana is stored as katakana'),
  phone: z
    .string()
    .trim()
    .max(30)
    .refine((v) => PHONE.test(v.normalize('NFKC')), 'is digits with - + ( ) or spaces'),
  email: z.union([z.literal(''), z.email().max(254)]),
  note: z.string().trim().max(1000),
};

export const customerInput = z
  .object({
    code: fields.code.default(null),
    name: fields.name,
    nameKana: fields.nameKana.default(''),
    phone: fields.phone.default(''),
    email: fields.email.default(''),
    note: fields.note.default(''),
  })
  .strict();
export type CustomerInput = z.infer<typeof customerInput>;

export const customerPatch = z.object(fields).partial().strict();
export type CustomerPatch = z.infer<typeof customerPatch>;

export const customerQuery = z.object({
  q: z
    .string()
    .trim()
    .max(100)
    .default('')
    .describe('Fragments of the name, reading, phone, member number or e-mail (each word must match)'),
  status: z.enum(['active', 'archived', 'all']).default('active'),
  before: id.optional().describe('Cursor: the nextBefore of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type CustomerQuery = z.infer<typeof customerQuery>;

export const customerView = z.object({
  id: z.number(),
  code: z.string().nullable(),
  name: z.string(),
  nameKana: z.string(),
  phone: z.string(),
  email: z.string(),
  note: z.string(),
  archivedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CustomerView = z.infer<typeof customerView>;

export const customerStats = z.object({
  salesCount: z.number(),
  salesTotal: z.number().describe('Yen, tax included'),
  returnsCount: z.number(),
  returnsTotal: z.number(),
  netTotal: z.number().describe('salesTotal − returnsTotal'),
  items: z.number().describe('Units bought, less units returned'),
  firstVisitDate: z.string().nullable().describe('Business date of the first sale or return'),
  lastVisitDate: z.string().nullable(),
  updatedAt: z.string().nullable().describe('When worker-transaction last applied a sale; null: never'),
});
export type CustomerStats = z.infer<typeof customerStats>;

export const customerDetail = customerView.extend({ stats: customerStats });
export type CustomerDetail = z.infer<typeof customerDetail>;

export const customerRow = customerView.extend({
  salesCount: z.number(),
  lastVisitDate: z.string().nullable(),
});
export type CustomerRow = z.infer<typeof customerRow>;

export const customerPage = z.object({
  items: z.array(customerRow),
  nextBefore: z.number().nullable(),
});
