import {
  allocate,
  applyRate,
  assertYen,
  roundFraction,
  type BasisPoints,
  type RoundingRule,
  type Yen,
} from '../../kernel/money.ts';

/**
 * Consumption tax of one receipt, as Japan's qualified-invoice rules want it: amounts are summed per
 * tax rate first and the tax of each rate is computed and rounded once per receipt (never per line).
 * Pure: no I/O, no clock.
 */
export type TaxCategory = 'standard' | 'reduced' | 'exempt';
export type TaxMode = 'inclusive' | 'exclusive';

export const taxRateOf: Record<TaxCategory, BasisPoints> = { standard: 1000, reduced: 800, exempt: 0 };

/** The receipt label of a rate group: "10%対象", "8%対象", "非課税". */
export function taxLabel(category: TaxCategory): string {
  return category === 'exempt' ? '非課税' : `${taxRateOf[category] / 100}%対象`;
}

export type Discount = { kind: 'yen'; value: Yen } | { kind: 'percent'; bp: BasisPoints };

export interface TaxLineInput {
  unitPrice: Yen;
  quantity: number;
  category: TaxCategory;
  discount?: Discount;
}

export interface ReceiptInput {
  lines: TaxLineInput[];
  cartDiscount?: Discount;
  mode: TaxMode;
  rounding: RoundingRule;
}

export interface LineResult {
  /** unit price × quantity */
  gross: Yen;
  lineDiscount: Yen;
  /** This line's share of the cart discount (largest remainder, so shares add up exactly). */
  cartDiscountShare: Yen;
  /** gross − lineDiscount − cartDiscountShare: what the line contributes in the receipt's mode. */
  amount: Yen;
}

export interface RateResult {
  category: TaxCategory;
  rateBp: BasisPoints;
  /** Tax-included amount of the goods at this rate. */
  taxIncluded: Yen;
  /** Tax-excluded amount. */
  taxExcluded: Yen;
  tax: Yen;
}

export interface ReceiptTotals {
  lines: LineResult[];
  /** Sum of line amounts after line discounts, before the cart discount. */
  subtotal: Yen;
  lineDiscounts: Yen;
  cartDiscount: Yen;
  /** One entry per rate present on the receipt, standard first. */
  rates: RateResult[];
  tax: Yen;
  /** What the customer pays. */
  total: Yen;
}

export class DiscountTooLarge extends RangeError {
  constructor(
    readonly where: 'line' | 'cart',
    readonly index?: number,
  ) {
    super(
      where === 'line'
        ? `the discount of line ${index} is larger than the line`
        : 'the cart discount is larger than the subtotal',
    );
  }
}

/** Percentage discounts are floored (a shop never gives more than it says); yen ones are taken as is. */
export function discountAmount(base: Yen, discount: Discount | undefined): Yen {
  if (!discount) return 0;
  if (discount.kind === 'yen') return assertYen(discount.value, 'discount');
  if (!Number.isInteger(discount.bp) || discount.bp < 0 || discount.bp > 10_000) {
    throw new RangeError(`a percentage discount must be 0–100% (got ${discount.bp} bp)`);
  }
  return applyRate(base, discount.bp, 'down');
}

const ORDER: TaxCategory[] = ['standard', 'reduced', 'exempt'];

export function computeReceipt(input: ReceiptInput): ReceiptTotals {
  const afterLine = input.lines.map((line, i) => {
    if (!Number.isInteger(line.quantity) || line.quantity <= 0)
      throw new RangeError(`line ${i}: quantity must be a positive whole number`);
    if (assertYen(line.unitPrice, 'unit price') < 0)
      throw new RangeError(`line ${i}: unit price must not be negative`);
    const gross = line.unitPrice * line.quantity;
    const lineDiscount = discountAmount(gross, line.discount);
    if (lineDiscount < 0 || lineDiscount > gross) throw new DiscountTooLarge('line', i);
    return { gross, lineDiscount, net: gross - lineDiscount };
  });
  const subtotal = afterLine.reduce((s, l) => s + l.net, 0);
  const cartDiscount = discountAmount(subtotal, input.cartDiscount);
  if (cartDiscount < 0 || cartDiscount > subtotal) throw new DiscountTooLarge('cart');
  const shares =
    subtotal === 0
      ? afterLine.map(() => 0)
      : allocate(
          cartDiscount,
          afterLine.map((l) => l.net),
        );
  const lines: LineResult[] = afterLine.map((l, i) => ({
    gross: l.gross,
    lineDiscount: l.lineDiscount,
    cartDiscountShare: shares[i]!,
    amount: l.net - shares[i]!,
  }));

  const byCategory = new Map<TaxCategory, Yen>();
  input.lines.forEach((line, i) =>
    byCategory.set(line.category, (byCategory.get(line.category) ?? 0) + lines[i]!.amount),
  );
  const rates: RateResult[] = ORDER.filter((c) => byCategory.has(c)).map((category) => {
    const amount = byCategory.get(category)!;
    const rateBp = taxRateOf[category];
    if (input.mode === 'inclusive') {
      // Tax contained in a tax-included amount: amount × r / (1 + r).
      const tax = roundFraction(amount * rateBp, 10_000 + rateBp, input.rounding);
      return { category, rateBp, taxIncluded: amount, taxExcluded: amount - tax, tax };
    }
    const tax = roundFraction(amount * rateBp, 10_000, input.rounding);
    return { category, rateBp, taxIncluded: amount + tax, taxExcluded: amount, tax };
  });

  return {
    lines,
    subtotal,
    lineDiscounts: afterLine.reduce((s, l) => s + l.lineDiscount, 0),
    cartDiscount,
    rates,
    tax: rates.reduce((s, r) => s + r.tax, 0),
    total: rates.reduce((s, r) => s + r.taxIncluded, 0),
  };
}
