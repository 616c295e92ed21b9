import { AppError, ConflictError } from '../../kernel/errors.ts';

export class RegisterClosedError extends ConflictError {
  constructor(registerId: number) {
    super('register_closed', `Register ${registerId} is closed: open it before taking money.`, {
      registerId,
    });
  }
}

export class RegisterAlreadyOpenError extends ConflictError {
  constructor(registerId: number) {
    super('register_already_open', `Register ${registerId} is already open.`, { registerId });
  }
}

export class RegisterAlreadyClosedError extends ConflictError {
  constructor(registerId: number) {
    super('register_already_closed', `Register ${registerId} is already closed.`, { registerId });
  }
}

export class StoreClosedError extends ConflictError {
  constructor() {
    super('store_closed', 'The store is closed: open the primary register first.');
  }
}

export class ClosedForTheDayError extends ConflictError {
  constructor(businessDate: string) {
    super('closed_for_the_day', `This register has already been closed for business day ${businessDate}.`, {
      businessDate,
    });
  }
}

export class OtherRegistersOpenError extends ConflictError {
  constructor(registerIds: number[]) {
    super('other_registers_open', 'Close the other registers before the primary one.', { registerIds });
  }
}

export class InsufficientCashError extends ConflictError {
  constructor(registerId: number, balance: number, amount: number) {
    super('insufficient_cash', `Register ${registerId} holds ¥${balance}; ¥${-amount} cannot be taken out.`, {
      registerId,
      balance,
    });
  }
}

/** A programming error of a caller (e.g. a sale recording a negative sale amount): 500, not 4xx. */
export class CashMovementSignError extends AppError {
  constructor(kind: string, amount: number) {
    super(500, 'cash_movement_sign', `A ${kind} movement cannot be ${amount} yen.`);
  }
}
