import { z } from 'zod';
import { policyNames } from '../../kernel/policies.ts';

/** Input and output shapes of the tenancy API (Zod: validated at the edge, documented in OpenAPI). */
const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not an IANA time zone' },
);

export const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const storeParams = z.object({ storeId: z.string() });

export const corporationPatch = z
  .object({
    name: z.string().trim().min(1).max(200),
    invoiceNumber: z
      .string()
      .regex(/^T\d{13}$/, 'is "T" followed by 13 digits')
      .nullable(),
    antiqueLicenseNumber: z.string().trim().max(40).nullable(),
    antiqueLicenseCommission: z.string().trim().max(100).nullable(),
    taxMode: z.enum(['include', 'exclude']),
    roundingRule: z.enum(['round', 'floor', 'ceil']),
    roundingUnit: z.union([z.literal(1), z.literal(10), z.literal(100)]),
    staffCodeRequired: z.boolean(),
  })
  .partial()
  .strict();

export const storeSettings = z
  .object({
    autoPrintReceipt: z.boolean(),
    pointsEnabled: z.boolean(),
  })
  .partial()
  .strict();

export const storeInput = z
  .object({
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'is 1–32 letters, digits, - or _'),
    name: z.string().trim().min(1).max(200),
    timeZone: timeZone.default('Asia/Tokyo'),
    address: z.string().trim().max(300).default(''),
    phone: z.string().trim().max(30).default(''),
    receiptHeader: z.string().max(2000).default(''),
    receiptFooter: z.string().max(2000).default(''),
    staffCodeTimeoutMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(60),
    staffCodeEntry: z.enum(['barcode_or_typed', 'barcode_only']).default('barcode_or_typed'),
    settings: storeSettings.default({}),
  })
  .strict();
export type StoreInput = z.output<typeof storeInput>;

export const storePatch = z
  .object({
    name: z.string().trim().min(1).max(200),
    timeZone,
    address: z.string().trim().max(300),
    phone: z.string().trim().max(30),
    receiptHeader: z.string().max(2000),
    receiptFooter: z.string().max(2000),
    staffCodeTimeoutMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    staffCodeEntry: z.enum(['barcode_or_typed', 'barcode_only']),
    settings: storeSettings,
  })
  .partial()
  .strict();
export type StorePatch = z.output<typeof storePatch>;

export const registerInput = z
  .object({ name: z.string().trim().min(1).max(100), primary: z.boolean().default(false) })
  .strict();
export const registerPatch = z
  .object({ name: z.string().trim().min(1).max(100), primary: z.literal(true) })
  .partial()
  .strict();

const password = z.string().min(10, 'needs at least 10 characters').max(200);
const employeeCode = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,20}$/, 'is 1–20 letters, digits, - or _');

export const staffInput = z
  .object({
    email: z.string().trim().toLowerCase().email().max(254),
    password,
    displayName: z.string().trim().min(1).max(100),
    employeeCode: employeeCode.nullable().default(null),
    groupId: id,
    storeIds: z.array(id).max(500).default([]),
  })
  .strict();
export type StaffInput = z.output<typeof staffInput>;

export const staffPatch = z
  .object({
    displayName: z.string().trim().min(1).max(100),
    password,
    employeeCode: employeeCode.nullable(),
    groupId: id,
    storeIds: z.array(id).max(500),
    disabled: z.boolean(),
    /** Invalidates every printed barcode of this person (a lost badge). */
    reissueBarcode: z.literal(true),
  })
  .partial()
  .strict();
export type StaffPatch = z.output<typeof staffPatch>;

export const groupInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    policies: z.array(z.enum(policyNames)).max(policyNames.length),
  })
  .strict();
export const groupPatch = groupInput.partial().strict();

// ---- responses (also the OpenAPI the POS app is written against) ----

const registerOut = z.object({ id: z.number(), name: z.string(), primary: z.boolean() });
export const registerResponse = registerOut;
export const registerList = z.object({ items: z.array(registerOut) });

export const storeSummaryList = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      code: z.string(),
      name: z.string(),
      timeZone: z.string(),
      registers: z.array(registerOut),
    }),
  ),
});

export const storeResponse = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  timeZone: z.string(),
  address: z.string(),
  phone: z.string(),
  receiptHeader: z.string(),
  receiptFooter: z.string(),
  staffCodeTimeoutMinutes: z.number(),
  staffCodeEntry: z.enum(['barcode_or_typed', 'barcode_only']),
  settings: z.record(z.string(), z.unknown()),
});

export const corporationResponse = z.object({
  id: z.number(),
  name: z.string(),
  invoiceNumber: z.string().nullable(),
  antiqueLicenseNumber: z.string().nullable(),
  antiqueLicenseCommission: z.string().nullable(),
  taxMode: z.enum(['include', 'exclude']),
  roundingRule: z.enum(['round', 'floor', 'ceil']),
  roundingUnit: z.number(),
  staffCodeRequired: z.boolean(),
});

export const meResponse = z.object({
  account: z.object({
    id: z.number(),
    email: z.string(),
    displayName: z.string(),
    employeeCode: z.string().nullable(),
    group: z.object({ id: z.number(), name: z.string() }),
    policies: z.array(z.enum(policyNames)),
  }),
  corporationId: z.number(),
  mode: z.enum(['none', 'admin', 'sales']),
  storeId: z.number().nullable(),
  registerId: z.number().nullable(),
  actingStaff: z.object({ id: z.number(), expiresAt: z.string() }).nullable(),
  staffCodeRequired: z.boolean(),
  csrfToken: z.string(),
});
export const loginResponse = meResponse.extend({ stores: storeSummaryList.shape.items });
export const meWithCorporation = meResponse.extend({
  corporation: corporationResponse,
  serverTime: z.string(),
});

const staffOut = z.object({
  id: z.number(),
  email: z.string(),
  displayName: z.string(),
  employeeCode: z.string().nullable(),
  groupId: z.number(),
  groupName: z.string(),
  storeIds: z.array(z.number()),
  disabled: z.boolean(),
});
export const staffResponse = staffOut;
export const staffList = z.object({ items: z.array(staffOut) });

const groupOut = z.object({
  id: z.number(),
  name: z.string(),
  builtin: z.enum(['owner', 'clerk']).nullable(),
  policies: z.array(z.enum(policyNames)),
});
export const groupResponse = groupOut;
export const groupList = z.object({ items: z.array(groupOut) });

export const auditPage = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      storeId: z.number().nullable(),
      accountId: z.number().nullable(),
      actingStaffId: z.number().nullable(),
      action: z.string(),
      targetType: z.string(),
      targetId: z.string().nullable(),
      summary: z.string(),
      occurredAt: z.string(),
    }),
  ),
  nextCursor: z.number().nullable(),
});
