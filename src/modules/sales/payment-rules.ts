import type { Yen } from '../../kernel/money.ts';
import type { FieldError } from '../../kernel/errors.ts';
import type { PaymentMethod } from './receipt.ts';

/**
 * How a sale is paid: cash alone, another method alone, or cash plus one other method (split).
 * Cash may be over-tendered (change is given); other methods are charged exactly on the external
 * terminal. Pure.
 */
export interface PaymentInput {
  /** Non-cash part: method and amount charged on the terminal. */
  other?: { method: Exclude<PaymentMethod, 'cash'>; amount: Yen; reference?: string | null | undefined };
  /** Cash handed over by the customer (may exceed the cash due). */
  cashTendered?: Yen;
}

export interface PaymentPlan {
  payments: { method: PaymentMethod; amount: Yen }[];
  /** Cash that goes into the drawer: the cash due, not the tendered amount. */
  cashIn: Yen;
  tendered: Yen | null;
  change: Yen | null;
}

export class PaymentRejected extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

export function planPayment(total: Yen, input: PaymentInput): PaymentPlan {
  const errors: FieldError[] = [];
  const other = input.other;
  if (other && (!Number.isSafeInteger(other.amount) || other.amount <= 0)) {
    errors.push({
      field: 'other.amount',
      code: 'invalid_amount',
      message: 'must be a positive whole number of yen',
    });
  }
  if (other && other.amount > total) {
    errors.push({
      field: 'other.amount',
      code: 'over_total',
      message: `must not exceed the total of ${total}`,
    });
  }
  const cashDue = total - (other?.amount ?? 0);
  const tendered = input.cashTendered;
  if (tendered !== undefined && (!Number.isSafeInteger(tendered) || tendered < 0)) {
    errors.push({
      field: 'cashTendered',
      code: 'invalid_amount',
      message: 'must be a whole number of yen ≥ 0',
    });
  } else if (cashDue > 0 && (tendered ?? 0) < cashDue) {
    errors.push({
      field: 'cashTendered',
      code: 'tendered_too_little',
      message: `the customer must hand over at least ${cashDue} in cash`,
    });
  }
  if (errors.length) throw new PaymentRejected(errors);
  const payments: PaymentPlan['payments'] = [];
  if (cashDue > 0) payments.push({ method: 'cash', amount: cashDue });
  if (other) payments.push({ method: other.method, amount: other.amount });
  const usesCash = cashDue > 0 || (tendered ?? 0) > 0;
  return {
    payments,
    cashIn: cashDue,
    tendered: usesCash ? (tendered ?? 0) : null,
    change: usesCash ? (tendered ?? 0) - cashDue : null,
  };
}
