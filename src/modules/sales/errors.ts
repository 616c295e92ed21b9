import { AppError, ConflictError } from '../../kernel/errors.ts';

export class SaleNotOpenError extends ConflictError {
  constructor(saleId: number, status: string) {
    super('sale_not_open', `Sale ${saleId} is ${status}: only a draft or held cart can change.`, {
      saleId,
      status,
    });
  }
}

export class AlreadyReturnedError extends ConflictError {
  constructor(saleId: number, returnId: number | null) {
    super('already_returned', `Sale ${saleId} has already been returned.`, {
      saleId,
      returnSaleId: returnId,
    });
  }
}

export class NotReturnableError extends ConflictError {
  constructor(saleId: number) {
    super('not_returnable', `Only a completed sale can be returned; ${saleId} is not one.`, { saleId });
  }
}

export class EmptyCartError extends AppError {
  constructor() {
    super(400, 'empty_cart', 'The cart is empty: scan at least one product.');
  }
}

export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super(422, 'idempotency_key_reused', 'This Idempotency-Key was used for another request.');
  }
}

export class RegisterRequiredError extends AppError {
  constructor() {
    super(
      400,
      'register_required',
      'Which register? Sign in to sales mode on a register or give registerId.',
    );
  }
}

/** The stock error of inventory, with the product's name so the clerk knows which card. */
export class LineOutOfStockError extends ConflictError {
  constructor(productId: number, name: string, requested: number, available: number) {
    super('out_of_stock', `"${name}" has ${available} in stock; ${requested} requested.`, {
      productId,
      name,
      requested,
      available,
    });
  }
}

/** What a payment provider throws when the terminal or the network says no: the sale stays open. */
export class PaymentDeclinedError extends AppError {
  constructor(method: string, reason: string) {
    super(402, 'payment_declined', `The ${method} payment was declined: ${reason}`, [], { method });
  }
}
