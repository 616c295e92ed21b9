import type { Selectable } from 'kysely';
import { NotFoundError, ValidationError, type FieldError } from '../../kernel/errors.ts';
import type { PolicyName } from '../../kernel/policies.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import type { Db } from '../../platform/db/connect.ts';
import { cachedQuery, insertRows } from '../../platform/db/statements.ts';
import { MissingPolicyError } from '../../platform/http/auth.ts';
import { customerOf } from '../customers/index.ts';
import {
  computeReceipt,
  DiscountTooLarge,
  type Discount,
  type ReceiptTotals,
  type TaxCategory,
} from './tax.ts';
import type { SaleLineTable, SaleTable } from './tables.ts';
import '../catalog/tables.ts';
import '../tenancy/tables.ts';

/** A discount as the API takes it: yen, or a percentage with up to two decimals. */
export type DiscountInput = { kind: 'yen'; value: number } | { kind: 'percent'; percent: number };

export interface CartLineInput {
  productId: number;
  quantity: number;
  /** Only with `sales.manual_price` when it differs from the price engine's price. */
  unitPrice?: number | undefined;
  discount?: DiscountInput | null | undefined;
}

export interface CartInput {
  lines: CartLineInput[];
  cartDiscount?: DiscountInput | null | undefined;
  /** A customer of this store the sale is made to. */
  customerId?: number | null | undefined;
}

export interface PricedLine {
  productId: number;
  itemId: number;
  name: string;
  detail: string;
  quantity: number;
  unitPrice: number;
  listPrice: number;
  category: TaxCategory;
  discount: Discount | null;
}

export interface TaxSettings {
  mode: SaleTable['tax_mode'];
  rounding: SaleTable['tax_rounding'];
}

export interface PricedCart {
  lines: PricedLine[];
  cartDiscount: Discount | null;
  customerId: number | null;
  totals: ReceiptTotals;
  tax: TaxSettings;
}

export function toDiscount(d: DiscountInput | null | undefined): Discount | null {
  if (!d) return null;
  return d.kind === 'yen'
    ? { kind: 'yen', value: d.value }
    : { kind: 'percent', bp: Math.round(d.percent * 100) };
}

/** The corporation's tax settings in the tax engine's words. */
async function taxSettingsOf(tx: Db, corporationId: number): Promise<TaxSettings> {
  const c = await tx
    .selectFrom('corporation')
    .select(['tax_mode', 'rounding_rule'])
    .where('id', '=', corporationId)
    .executeTakeFirstOrThrow();
  return taxSettings(c);
}

function taxSettings(c: { tax_mode: string; rounding_rule: string }): TaxSettings {
  return {
    mode: c.tax_mode === 'exclude' ? 'exclusive' : 'inclusive',
    rounding: c.rounding_rule === 'floor' ? 'down' : c.rounding_rule === 'ceil' ? 'up' : 'nearest',
  };
}

/**
 * Prices a cart: each product of this store at the price engine's current sell price (or the
 * clerk's price, with `sales.manual_price`), discounts only with `sales.manual_discount`, and the
 * receipt totals with tax per rate under the corporation's tax settings (read with the products).
 * Another store's product is an unknown product.
 */
export async function priceCart(
  tx: Db,
  ctx: { corporationId: number; storeId: number; policies: ReadonlySet<PolicyName> },
  input: CartInput,
): Promise<PricedCart> {
  const ids = [...new Set(input.lines.map((l) => l.productId))];
  // Once per sale: the SQL is built once per number of products (statements.ts).
  const rows = ids.length
    ? (
        await cachedQuery(tx, `sales.priceCart:${ids.length}`, [ctx.storeId, ...ids], () =>
          tx
            .selectFrom('product as p')
            .innerJoin('item as i', 'i.id', 'p.item_id')
            .innerJoin('category_condition as c', 'c.id', 'p.condition_id')
            .leftJoin('specialty as s', 's.id', 'p.specialty_id')
            .innerJoin('corporation as co', 'co.id', 'p.corporation_id')
            .select([
              'co.tax_mode',
              'co.rounding_rule',
              'p.id',
              'p.item_id',
              'p.sell_price',
              'i.name',
              'i.tax_category',
              'c.name as condition',
              's.name as specialty',
            ])
            .where('p.store_id', '=', ctx.storeId)
            .where('p.id', 'in', ids),
        )
      ).rows
    : [];
  const tax = rows[0] ? taxSettings(rows[0]) : await taxSettingsOf(tx, ctx.corporationId);
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  const errors: FieldError[] = [];
  const need = (policy: PolicyName) => {
    if (!ctx.policies.has(policy)) throw new MissingPolicyError(policy);
  };
  const lines: PricedLine[] = [];
  input.lines.forEach((l, i) => {
    const p = byId.get(l.productId);
    if (!p) {
      errors.push({
        field: `lines.${i}.productId`,
        code: 'unknown_product',
        message: `no product ${l.productId} in this store`,
      });
      return;
    }
    const listPrice = Number(p.sell_price);
    if (l.unitPrice !== undefined && l.unitPrice !== listPrice) need('sales.manual_price');
    if (l.discount) need('sales.manual_discount');
    lines.push({
      productId: l.productId,
      itemId: Number(p.item_id),
      name: p.name,
      detail: [p.condition, p.specialty].filter(Boolean).join(' / '),
      quantity: l.quantity,
      unitPrice: l.unitPrice ?? listPrice,
      listPrice,
      category: p.tax_category,
      discount: toDiscount(l.discount),
    });
  });
  if (input.cartDiscount) need('sales.manual_discount');
  const customerId = input.customerId ?? null;
  if (customerId !== null)
    await customerOf(tx, ctx.storeId, customerId).catch((err: unknown) => {
      if (!(err instanceof NotFoundError)) throw err;
      errors.push({
        field: 'customerId',
        code: 'unknown_customer',
        message: `no customer ${customerId} in this store`,
      });
    });
  if (errors.length)
    throw new ValidationError(errors, 'The cart names products or a customer this store does not have.');
  const cartDiscount = toDiscount(input.cartDiscount);
  return { lines, cartDiscount, customerId, totals: totalsOf(lines, cartDiscount, tax), tax };
}

/** computeReceipt() with its range errors turned into field errors. */
export function totalsOf(
  lines: PricedLine[],
  cartDiscount: Discount | null,
  tax: TaxSettings,
): ReceiptTotals {
  try {
    return computeReceipt({
      lines: lines.map((l) => ({
        unitPrice: l.unitPrice,
        quantity: l.quantity,
        category: l.category,
        ...(l.discount && { discount: l.discount }),
      })),
      ...(cartDiscount && { cartDiscount }),
      mode: tax.mode,
      rounding: tax.rounding,
    });
  } catch (err) {
    if (err instanceof DiscountTooLarge)
      throw new ValidationError([
        {
          field: err.where === 'line' ? `lines.${err.index}.discount` : 'cartDiscount',
          code: 'discount_too_large',
          message: err.message,
        },
      ]);
    throw err;
  }
}

/**
 * Inserts the priced lines of a sale; `costs` (index-aligned) when the stock has already moved.
 * Returns the rows written.
 */
export async function insertLines(
  tx: Tx,
  saleId: number,
  storeId: number,
  cart: PricedCart,
  costs: readonly (number | null)[] = [],
) {
  const rows = cart.lines.map((l, i) => {
    const t = cart.totals.lines[i]!;
    return {
      sale_id: saleId,
      store_id: storeId,
      line_no: i + 1,
      product_id: l.productId,
      item_id: l.itemId,
      name: l.name.slice(0, 300),
      detail: l.detail.slice(0, 200),
      quantity: l.quantity,
      unit_price: l.unitPrice,
      list_price: l.listPrice,
      tax_category: l.category,
      discount_kind: l.discount?.kind ?? null,
      discount_value: l.discount ? (l.discount.kind === 'yen' ? l.discount.value : l.discount.bp) : null,
      line_discount: t.lineDiscount,
      cart_discount_share: t.cartDiscountShare,
      amount: t.amount,
      cost: costs[i] ?? null,
    };
  });
  if (rows.length) await insertRows(tx, 'sale_line', rows, { deferred: true });
  return rows;
}

/** Replaces the lines of a draft and its totals. */
export async function storeCart(tx: Tx, saleId: number, storeId: number, cart: PricedCart, now: string) {
  await tx.deleteFrom('sale_line').where('sale_id', '=', saleId).execute();
  await insertLines(tx, saleId, storeId, cart);
  await tx
    .updateTable('sale')
    .set({ ...saleTotalsRow(cart), updated_at: now })
    .where('id', '=', saleId)
    .execute();
}

export function saleTotalsRow(cart: PricedCart) {
  const d = cart.cartDiscount;
  return {
    tax_mode: cart.tax.mode,
    tax_rounding: cart.tax.rounding,
    subtotal: cart.totals.subtotal,
    line_discounts: cart.totals.lineDiscounts,
    cart_discount: cart.totals.cartDiscount,
    cart_discount_kind: d?.kind ?? null,
    cart_discount_value: d ? (d.kind === 'yen' ? d.value : d.bp) : null,
    tax: cart.totals.tax,
    total: cart.totals.total,
    items: cart.lines.reduce((n, l) => n + l.quantity, 0),
    customer_id: cart.customerId,
  } as const;
}

type StoredSale = Pick<
  Selectable<SaleTable>,
  'id' | 'tax_mode' | 'tax_rounding' | 'cart_discount_kind' | 'cart_discount_value' | 'customer_id'
>;

/**
 * The stored cart of a sale, as priced lines again (completion recomputes the totals from these),
 * with the line rows it was read from.
 */
export async function loadCart(tx: Db, sale: StoredSale) {
  const rows = await tx
    .selectFrom('sale_line')
    .selectAll()
    .where('sale_id', '=', Number(sale.id))
    .orderBy('line_no')
    .execute();
  return { ...cartOf(sale, rows), rows };
}

/** A stored sale and its line rows as a priced cart (pure). */
export function cartOf(
  sale: StoredSale,
  rows: readonly Omit<Selectable<SaleLineTable>, 'id'>[],
): PricedCart & { costs: (number | null)[] } {
  const discountOf = (kind: 'yen' | 'percent' | null, value: number | null): Discount | null =>
    kind === 'yen' ? { kind, value: Number(value) } : kind === 'percent' ? { kind, bp: Number(value) } : null;
  const lines: PricedLine[] = rows.map((r) => ({
    productId: Number(r.product_id),
    itemId: Number(r.item_id),
    name: r.name,
    detail: r.detail,
    quantity: Number(r.quantity),
    unitPrice: Number(r.unit_price),
    listPrice: Number(r.list_price),
    category: r.tax_category,
    discount: discountOf(r.discount_kind, r.discount_value),
  }));
  const tax = { mode: sale.tax_mode, rounding: sale.tax_rounding };
  const cartDiscount = discountOf(sale.cart_discount_kind, sale.cart_discount_value);
  return {
    lines,
    cartDiscount,
    customerId: sale.customer_id == null ? null : Number(sale.customer_id),
    tax,
    totals: totalsOf(lines, cartDiscount, tax),
    costs: rows.map((r) => (r.cost == null ? null : Number(r.cost))),
  };
}
