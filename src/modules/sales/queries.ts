import type { Db } from '../../platform/db/connect.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import type { MethodTotal } from '../registers/index.ts';
import { cartOf } from './cart.ts';
import { taxLabel, type TaxCategory } from './tax.ts';
import type { Selectable } from 'kysely';
import type {
  SaleKind,
  SaleLineTable,
  SalePaymentTable,
  SaleStatus,
  SaleTable,
  SaleTaxTable,
} from './tables.ts';
import './tables.ts';

export interface SaleLineView {
  lineNo: number;
  productId: number;
  itemId: number;
  name: string;
  detail: string;
  quantity: number;
  unitPrice: number;
  listPrice: number;
  taxCategory: TaxCategory;
  discount: { kind: 'yen'; value: number } | { kind: 'percent'; percent: number } | null;
  lineDiscount: number;
  cartDiscountShare: number;
  amount: number;
}

export interface SaleView {
  id: number;
  kind: SaleKind;
  status: SaleStatus;
  number: string | null;
  registerId: number;
  staffId: number;
  /** The customer the sale was made to (customers module), or null. */
  customerId: number | null;
  completedBy: number | null;
  businessDate: string | null;
  taxMode: 'inclusive' | 'exclusive';
  lines: SaleLineView[];
  items: number;
  subtotal: number;
  lineDiscounts: number;
  cartDiscount: { kind: 'yen'; value: number } | { kind: 'percent'; percent: number } | null;
  cartDiscountAmount: number;
  rates: {
    category: TaxCategory;
    label: string;
    rateBp: number;
    taxIncluded: number;
    taxExcluded: number;
    tax: number;
  }[];
  tax: number;
  total: number;
  /** Signed (refunds negative), with the terminal's reference where one was given. */
  payments: { method: string; amount: number; reference: string | null }[];
  tendered: number | null;
  change: number | null;
  returnOfSaleId: number | null;
  returnedBySaleId: number | null;
  returnReason: string | null;
  printedCount: number;
  createdAt: string;
  completedAt: string | null;
}

const discountView = (kind: 'yen' | 'percent' | null, value: number | null): SaleLineView['discount'] =>
  kind === 'yen'
    ? { kind, value: Number(value) }
    : kind === 'percent'
      ? { kind, percent: Number(value) / 100 }
      : null;
const num = (v: number | null) => (v == null ? null : Number(v));

export async function readSale(db: Db, storeId: number, saleId: number): Promise<SaleView | undefined> {
  const s = await db
    .selectFrom('sale')
    .selectAll()
    .where('id', '=', saleId)
    .where('store_id', '=', storeId)
    .executeTakeFirst();
  if (!s) return undefined;
  const [lines, rates, payments] = await Promise.all([
    db.selectFrom('sale_line').selectAll().where('sale_id', '=', saleId).orderBy('line_no').execute(),
    db.selectFrom('sale_tax').selectAll().where('sale_id', '=', saleId).execute(),
    db
      .selectFrom('sale_payment')
      .select(['method', 'amount', 'reference'])
      .where('sale_id', '=', saleId)
      .orderBy('id')
      .execute(),
  ]);
  return saleView(s, lines, rates, payments);
}

export type SaleRow = Selectable<SaleTable>;
export type SaleLineRow = Omit<Selectable<SaleLineTable>, 'id'>;
export type SaleTaxRow = Selectable<SaleTaxTable>;
export type SalePaymentRow = Pick<Selectable<SalePaymentTable>, 'method' | 'amount' | 'reference'>;

/**
 * A sale as the API shows it, from its rows: those just read, or those a completing command has
 * just written (it answers without reading them back).
 */
export function saleView(
  s: SaleRow,
  lines: readonly SaleLineRow[],
  rates: readonly SaleTaxRow[],
  payments: readonly SalePaymentRow[],
): SaleView {
  const order: TaxCategory[] = ['standard', 'reduced', 'exempt'];
  return {
    id: Number(s.id),
    kind: s.kind,
    status: s.status,
    number: s.number,
    registerId: Number(s.register_id),
    staffId: Number(s.staff_id),
    customerId: num(s.customer_id),
    completedBy: num(s.completed_by),
    businessDate: s.business_date,
    taxMode: s.tax_mode,
    lines: lines.map((l) => ({
      lineNo: Number(l.line_no),
      productId: Number(l.product_id),
      itemId: Number(l.item_id),
      name: l.name,
      detail: l.detail,
      quantity: Number(l.quantity),
      unitPrice: Number(l.unit_price),
      listPrice: Number(l.list_price),
      taxCategory: l.tax_category,
      discount: discountView(l.discount_kind, l.discount_value),
      lineDiscount: Number(l.line_discount),
      cartDiscountShare: Number(l.cart_discount_share),
      amount: Number(l.amount),
    })),
    items: Number(s.items),
    subtotal: Number(s.subtotal),
    lineDiscounts: Number(s.line_discounts),
    cartDiscount: discountView(s.cart_discount_kind, s.cart_discount_value),
    cartDiscountAmount: Number(s.cart_discount),
    rates: (s.status === 'completed'
      ? rates.map((r) => ({
          category: r.category,
          rateBp: Number(r.rate_bp),
          taxIncluded: Number(r.tax_included),
          taxExcluded: Number(r.tax_excluded),
          tax: Number(r.tax),
        }))
      : // An open cart's tax per rate, from its lines as completion will store it.
        cartOf(s, lines).totals.rates
    )
      .sort((a, b) => order.indexOf(a.category) - order.indexOf(b.category))
      .map((r) => ({ ...r, label: taxLabel(r.category) })),
    tax: Number(s.tax),
    total: Number(s.total),
    payments: payments.map((p) => ({ method: p.method, amount: Number(p.amount), reference: p.reference })),
    tendered: num(s.tendered),
    change: num(s.change_given),
    returnOfSaleId: num(s.return_of_sale_id),
    returnedBySaleId: num(s.returned_by_sale_id),
    returnReason: s.return_reason,
    printedCount: Number(s.printed_count),
    createdAt: s.created_at,
    completedAt: s.completed_at,
  };
}

/** Drafts and held carts of the store (or one register), newest first: what a clerk can resume. */
export async function listOpenCarts(db: Db, storeId: number, registerId: number | undefined) {
  let q = db
    .selectFrom('sale')
    .select(['id', 'register_id', 'status', 'items', 'total', 'staff_id', 'updated_at'])
    .where('store_id', '=', storeId)
    .where('kind', '=', 'sale')
    .where('status', 'in', ['draft', 'held']);
  if (registerId !== undefined) q = q.where('register_id', '=', registerId);
  const rows = await q.orderBy('id', 'desc').limit(100).execute();
  return rows.map((r) => ({
    id: Number(r.id),
    registerId: Number(r.register_id),
    status: r.status,
    items: Number(r.items),
    total: Number(r.total),
    staffId: Number(r.staff_id),
    updatedAt: r.updated_at,
  }));
}

export async function saleIdByNumber(db: Db, storeId: number, number: string): Promise<number | undefined> {
  const r = await db
    .selectFrom('sale')
    .select('id')
    .where('store_id', '=', storeId)
    .where('number', '=', number.trim())
    .executeTakeFirst();
  return r ? Number(r.id) : undefined;
}

export interface TransactionFilter {
  from?: string | undefined;
  to?: string | undefined;
  registerId?: number | undefined;
  staffId?: number | undefined;
  method?: string | undefined;
  status?: SaleStatus | undefined;
  kind?: SaleKind | undefined;
  before?: number | undefined;
  limit: number;
}

export interface TransactionRow {
  id: number;
  number: string | null;
  kind: SaleKind;
  status: SaleStatus;
  businessDate: string | null;
  registerId: number;
  staffId: number;
  items: number;
  total: number;
  tax: number;
  methods: string;
  returnOfSaleId: number | null;
  returnedBySaleId: number | null;
  completedAt: string | null;
  createdAt: string;
}

/** Sales and returns, newest first, paged by id (`before`); dates are business days. */
export async function listTransactions(
  db: Db,
  storeId: number,
  f: TransactionFilter,
): Promise<{ items: TransactionRow[]; nextBefore: number | null }> {
  let q = db.selectFrom('sale').selectAll().where('store_id', '=', storeId);
  if (f.from) q = q.where('business_date', '>=', f.from);
  if (f.to) q = q.where('business_date', '<=', f.to);
  if (f.registerId !== undefined) q = q.where('register_id', '=', f.registerId);
  if (f.staffId !== undefined)
    q = q.where((e) => e.or([e('completed_by', '=', f.staffId!), e('staff_id', '=', f.staffId!)]));
  if (f.status) q = q.where('status', '=', f.status);
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.before !== undefined) q = q.where('id', '<', f.before);
  if (f.method)
    q = q.where('id', 'in', (s) =>
      s
        .selectFrom('sale_payment')
        .select('sale_id')
        .where('store_id', '=', storeId)
        .where('method', '=', f.method!),
    );
  const rows = await q
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const page = rows.slice(0, f.limit);
  const ids = page.map((r) => Number(r.id));
  const pays = ids.length
    ? await db
        .selectFrom('sale_payment')
        .select(['sale_id', 'method'])
        .where('sale_id', 'in', ids)
        .orderBy('id')
        .execute()
    : [];
  const methods = new Map<number, string[]>();
  for (const p of pays) methods.set(Number(p.sale_id), [...(methods.get(Number(p.sale_id)) ?? []), p.method]);
  return {
    items: page.map((r) => ({
      id: Number(r.id),
      number: r.number,
      kind: r.kind,
      status: r.status,
      businessDate: r.business_date,
      registerId: Number(r.register_id),
      staffId: Number(r.completed_by ?? r.staff_id),
      items: Number(r.items),
      total: Number(r.total),
      tax: Number(r.tax),
      methods: (methods.get(Number(r.id)) ?? []).join('+'),
      returnOfSaleId: num(r.return_of_sale_id),
      returnedBySaleId: num(r.returned_by_sale_id),
      completedAt: r.completed_at,
      createdAt: r.created_at,
    })),
    nextBefore: rows.length > f.limit ? ids[ids.length - 1]! : null,
  };
}

/**
 * The register close's "sales by kind × payment method" for one session: payments of sales and
 * returns taken on the register between its open and now. Plugged into registers at load.
 */
export async function salesByMethod(
  tx: Tx,
  scope: { storeId: number; registerId: number; from: string; to: string },
): Promise<MethodTotal[]> {
  const rows = await tx
    .selectFrom('sale_payment')
    .select(['method', (e) => e.fn.sum<number>('amount').as('total')])
    .select((e) => e.case().when('amount', '<', 0).then('sale_refund').else('sale').end().as('kind'))
    .where('register_id', '=', scope.registerId)
    .where('store_id', '=', scope.storeId)
    .where('occurred_at', '>=', scope.from)
    .where('occurred_at', '<=', scope.to)
    .groupBy(['method', 'kind'])
    .execute();
  return rows
    .map((r) => ({ kind: r.kind as MethodTotal['kind'], method: r.method, total: Math.abs(Number(r.total)) }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.method.localeCompare(b.method));
}

/** The dashboard's running figures of a business day (kept by worker-transaction); zeros before any sale. */
export async function runningTotal(db: Db, storeId: number, businessDate: string) {
  const r = await db
    .selectFrom('sales_running_total')
    .selectAll()
    .where('store_id', '=', storeId)
    .where('business_date', '=', businessDate)
    .executeTakeFirst();
  const salesTotal = Number(r?.sales_total ?? 0);
  const returnsTotal = Number(r?.returns_total ?? 0);
  return {
    businessDate,
    salesCount: Number(r?.sales_count ?? 0),
    salesTotal,
    returnsCount: Number(r?.returns_count ?? 0),
    returnsTotal,
    netTotal: salesTotal - returnsTotal,
    updatedAt: r?.updated_at ?? null,
  };
}
