/** The shapes of the staff API this app reads (see /api/docs and docs/sales.md). */
import type { PolicyName } from '../../../src/kernel/policies.ts';

export interface RegisterRef {
  id: number;
  name: string;
  primary: boolean;
}

export interface StoreSummary {
  id: number;
  code: string;
  name: string;
  timeZone: string;
  registers: RegisterRef[];
}

export interface Me {
  account: {
    id: number;
    email: string;
    displayName: string;
    employeeCode: string | null;
    group: { id: number; name: string };
    policies: PolicyName[];
  };
  corporationId: number;
  mode: 'none' | 'admin' | 'sales';
  storeId: number | null;
  registerId: number | null;
  actingStaff: { id: number; expiresAt: string } | null;
  staffCodeRequired: boolean;
  csrfToken: string;
}

export interface Store {
  id: number;
  code: string;
  name: string;
  timeZone: string;
  staffCodeTimeoutMinutes: number;
  staffCodeEntry: 'barcode_or_typed' | 'barcode_only';
}

export interface Product {
  id: number;
  itemId: number;
  barcode: string | null;
  conditionId: number;
  condition: string;
  specialty: string | null;
  sellPrice: number;
  stock: number;
}

export interface Item {
  id: number;
  code: string | null;
  name: string;
  expansion: string;
  cardNumber: string;
  rarity: string;
  jan: string | null;
  products: Product[];
}

export interface Lookup {
  match: 'barcode' | 'jan' | 'none';
  products: Product[];
}

export type Discount = { kind: 'yen'; value: number } | { kind: 'percent'; percent: number };

export interface CartLineInput {
  productId: number;
  quantity: number;
  unitPrice?: number;
  discount?: Discount;
}

export type PaymentMethod = 'cash' | 'card' | 'qr' | 'emoney' | 'bank_transfer';
export const otherMethods = ['card', 'qr', 'emoney', 'bank_transfer'] as const;
export type OtherMethod = (typeof otherMethods)[number];

export interface PaymentInput {
  cashTendered?: number;
  other?: { method: OtherMethod; amount: number };
}

export interface RateTotal {
  category: 'standard' | 'reduced' | 'exempt';
  rateBp: number;
  taxIncluded: number;
  taxExcluded: number;
  tax: number;
}

export interface SaleTotals {
  subtotal: number;
  lineDiscounts: number;
  cartDiscount: number;
  rates: RateTotal[];
  tax: number;
  total: number;
}

/**
 * A sale as the sales API answers it. The contract (docs/sales.md) names the routes and inputs;
 * the fields read here are the ones every answer carries. Everything the screen shows beyond
 * them is read defensively (`lineName`), so a richer answer costs nothing.
 */
export interface SaleLine {
  productId: number;
  quantity: number;
  unitPrice: number;
  discount?: Discount | null;
  name?: string;
  itemName?: string;
  condition?: string;
  detail?: string;
  amount?: number;
}

export interface Sale {
  id: number;
  number: string;
  kind?: 'sale' | 'return';
  status: 'draft' | 'held' | 'paying' | 'completed' | 'cancelled';
  registerId: number;
  lines: SaleLine[];
  cartDiscount?: Discount | null;
  totals: SaleTotals;
  payments?: { method: PaymentMethod; amount: number }[];
  tendered?: number | null;
  change?: number | null;
  completedAt?: string | null;
  createdAt?: string;
  returnedBy?: number | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: number | string | null;
}

export interface Figures {
  openingCash: number;
  cashSales: number;
  cashSaleRefunds: number;
  cashIn: number;
  cashOut: number;
  expected: number;
  movements: number;
}

export interface RegisterState {
  registerId: number;
  name: string;
  primary: boolean;
  status: 'open' | 'closed';
  businessDate: string | null;
  openedAt: string | null;
  expectedCash: number;
  store: { status: 'open' | 'closed'; businessDate: string | null };
  figures: Figures | null;
}

export interface Settlement {
  id: number;
  registerId: number;
  kind: 'open' | 'middle' | 'close';
  expected: number;
  counted: number;
  difference: number;
  nextFloat?: number | null;
}
