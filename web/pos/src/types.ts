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
  label: string;
  rateBp: number;
  taxIncluded: number;
  taxExcluded: number;
  tax: number;
}

export interface SaleLine {
  lineNo: number;
  productId: number;
  itemId: number;
  name: string;
  /** Condition and specialty, e.g. "状態A / PSA10". */
  detail: string;
  quantity: number;
  unitPrice: number;
  listPrice: number;
  discount: Discount | null;
  lineDiscount: number;
  cartDiscountShare: number;
  amount: number;
}

/** A sale or a return as the sales API answers it (priced by the server, tax per rate). */
export interface Sale {
  id: number;
  kind: 'sale' | 'return';
  status: 'draft' | 'held' | 'completed' | 'cancelled';
  number: string | null;
  registerId: number;
  /** The customer the sale is made to, or null. */
  customerId: number | null;
  taxMode: 'inclusive' | 'exclusive';
  lines: SaleLine[];
  items: number;
  subtotal: number;
  lineDiscounts: number;
  cartDiscount: Discount | null;
  cartDiscountAmount: number;
  rates: RateTotal[];
  tax: number;
  total: number;
  payments: { method: PaymentMethod; amount: number }[];
  tendered: number | null;
  change: number | null;
  returnOfSaleId: number | null;
  returnedBySaleId: number | null;
  completedAt: string | null;
  createdAt: string;
}

/** A draft or held cart in the resume list. */
export interface OpenCart {
  id: number;
  registerId: number;
  status: 'draft' | 'held';
  items: number;
  total: number;
  updatedAt: string;
}

export interface TransactionRow {
  id: number;
  number: string | null;
  kind: 'sale' | 'return';
  status: Sale['status'];
  businessDate: string | null;
  items: number;
  total: number;
  tax: number;
  methods: string;
  completedAt: string | null;
  createdAt: string;
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
  salesByMethod: { kind: 'sale' | 'sale_refund' | 'buy' | 'buy_refund'; method: string; total: number }[];
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

export interface StockDocument {
  id: number;
  kind: 'stocking' | 'loss' | 'adjustment' | 'count';
  status: 'planned' | 'open' | 'review' | 'final' | 'reversed' | 'cancelled';
  reason: string;
  supplier: string;
  lines: { productId: number; quantity: number; unitCost: number | null }[];
}

/** A row of the slip list (GET /stores/{id}/stock-documents): a document without its lines. */
export interface StockSlip {
  id: number;
  kind: StockDocument['kind'];
  status: StockDocument['status'];
  reason: string;
  supplier: string;
  reversesId: number | null;
  reversedById: number | null;
  lineCount: number;
  createdAt: string;
  finalizedAt: string | null;
}

export interface LedgerRow {
  id: number;
  quantity: number;
  balanceAfter: number;
  sourceKind: string;
  sourceId: string;
  occurredAt: string;
}

export interface CountDifference {
  productId: number;
  expected: number;
  counted: number;
  difference: number;
}

export interface StaffAccount {
  id: number;
  email: string;
  displayName: string;
  employeeCode: string | null;
  groupId: number;
  groupName: string;
  storeIds: number[];
  disabled: boolean;
}

export interface Group {
  id: number;
  name: string;
  builtin: 'owner' | 'clerk' | null;
  policies: PolicyName[];
}

/** A store with the settings the back office edits (GET /stores/{id}). */
export interface StoreSettings extends Store {
  address: string;
  phone: string;
  receiptHeader: string;
  receiptFooter: string;
}

export interface DailyReport {
  businessDate: string;
  salesCount: number;
  salesItems: number;
  salesGross: number;
  salesDiscounts: number;
  salesNet: number;
  salesTax: number;
  returnsCount: number;
  returnsNet: number;
  netTakings: number;
  averageSale: number;
  grossMargin: number;
  settlements: number;
  cashOverShort: number;
  byMethod: { kind: 'sale' | 'sale_refund'; method: string; count: number; amount: number }[];
}

/** A customer of the store (GET /stores/{id}/customers/{customerId}). */
export interface Customer {
  id: number;
  code: string | null;
  name: string;
  nameKana: string;
  phone: string;
  email: string;
  note: string;
  archivedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A row of the customer list: the customer, their number of purchases and last visit. */
export interface CustomerRow extends Customer {
  salesCount: number;
  lastVisitDate: string | null;
}

/** What worker-transaction keeps per customer (eventually consistent with the sales). */
export interface CustomerDetail extends Customer {
  stats: {
    salesCount: number;
    salesTotal: number;
    returnsCount: number;
    returnsTotal: number;
    netTotal: number;
    items: number;
    firstVisitDate: string | null;
    lastVisitDate: string | null;
    updatedAt: string | null;
  };
}
