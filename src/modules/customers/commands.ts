import { AppError, ConflictError } from '../../kernel/errors.ts';
import type { Outcome } from '../../kernel/outcome.ts';
import { toDbTime } from '../../kernel/time.ts';
import { isUniqueViolation } from '../../platform/db/errors.ts';
import type { Tx } from '../../platform/db/transaction.ts';
import { recordAudit, type StoreContext } from '../tenancy/index.ts';
import { ownCustomer, readCustomer } from './queries.ts';
import type { CustomerDetail, CustomerInput, CustomerPatch } from './schemas.ts';
import { customerSearchText, normalizeKana, normalizePhone } from './search.ts';
import './tables.ts';

/*
 * Customer commands: each runs in the caller's transaction with its audit entry. Audit summaries
 * name the customer by id and member number only: names, phones and e-mails stay in the customer row.
 */

export type CustomerActor = Pick<StoreContext, 'corporationId' | 'storeId' | 'accountId' | 'actingStaffId'>;

export class CustomerCodeTakenError extends AppError {
  constructor(code: string) {
    super(
      409,
      'customer_code_taken',
      `Member number ${code} is already used in this store.`,
      [{ field: 'code', message: 'is already used in this store', code: 'customer_code_taken' }],
      { customerCode: code },
    );
  }
}

export class CustomerArchivedError extends ConflictError {
  constructor() {
    super('customer_archived', 'The customer is archived and cannot be changed.');
  }
}

/** What the columns hold for the given fields: code '' is no code, readings in katakana. */
function columnsOf(f: { code: string | null; name: string; nameKana: string; phone: string; email: string }) {
  const code = f.code ? f.code : null;
  const nameKana = normalizeKana(f.nameKana);
  const phone = normalizePhone(f.phone);
  return {
    code,
    name: f.name,
    name_kana: nameKana,
    phone,
    email: f.email,
    search_text: customerSearchText({ name: f.name, nameKana, phone, code, email: f.email }),
  };
}

/** A unique violation as the caller should see it: the member number, or a concurrent retry. */
async function uniqueOr<T>(code: string | null, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // MySQL names the index (customer_idem), SQLite the columns (customer.idempotency_key).
    if (/idem/.test((err as Error).message))
      throw new ConflictError(
        'request_in_progress',
        'A request with this Idempotency-Key is being handled; retry it to get its result.',
      );
    if (code) throw new CustomerCodeTakenError(code);
    throw err;
  }
}

/**
 * Registers a customer of the actor's store. With an Idempotency-Key, a retry returns the
 * customer the first request registered (`replayed`) instead of registering a second one.
 */
export async function createCustomer(
  tx: Tx,
  actor: CustomerActor,
  input: CustomerInput,
  idempotencyKey: string | null = null,
): Promise<Outcome<CustomerDetail>> {
  if (idempotencyKey) {
    const first = await tx
      .selectFrom('customer')
      .select('id')
      .where('store_id', '=', actor.storeId)
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    if (first) return { value: await readCustomer(tx, actor.storeId, Number(first.id)), replayed: true };
  }
  const now = toDbTime(new Date());
  const cols = columnsOf(input);
  const res = await uniqueOr(cols.code, () =>
    tx
      .insertInto('customer')
      .values({
        corporation_id: actor.corporationId,
        store_id: actor.storeId,
        ...cols,
        note: input.note,
        idempotency_key: idempotencyKey,
        archived_at: null,
        created_at: now,
        updated_at: now,
      })
      .executeTakeFirstOrThrow(),
  );
  const customerId = Number(res.insertId);
  await recordAudit(tx, actor, {
    action: 'customer.created',
    targetType: 'customer',
    targetId: customerId,
    summary: `Registered customer ${customerId}${cols.code ? ` (member ${cols.code})` : ''}`,
  });
  return { value: await readCustomer(tx, actor.storeId, customerId), replayed: false };
}

/** Changes the given fields of an active customer of the actor's store. */
export async function updateCustomer(
  tx: Tx,
  actor: CustomerActor,
  customerId: number,
  patch: CustomerPatch,
): Promise<CustomerDetail> {
  const row = await ownCustomer(tx, actor.storeId, customerId);
  if (row.archived_at) throw new CustomerArchivedError();
  const cols = columnsOf({
    code: patch.code !== undefined ? patch.code : row.code,
    name: patch.name ?? row.name,
    nameKana: patch.nameKana ?? row.name_kana,
    phone: patch.phone ?? row.phone,
    email: patch.email ?? row.email,
  });
  await uniqueOr(cols.code, () =>
    tx
      .updateTable('customer')
      .set({ ...cols, note: patch.note ?? row.note, updated_at: toDbTime(new Date()) })
      .where('id', '=', customerId)
      .where('store_id', '=', actor.storeId)
      .execute(),
  );
  const changed = (Object.keys(patch) as (keyof CustomerPatch)[]).filter((k) => patch[k] !== undefined);
  await recordAudit(tx, actor, {
    action: 'customer.updated',
    targetType: 'customer',
    targetId: customerId,
    summary: `Changed customer ${customerId}: ${changed.join(', ') || 'nothing'}`,
  });
  return readCustomer(tx, actor.storeId, customerId);
}

/**
 * Archives (退会) a customer: hidden from the list and from new sales, kept with its figures and
 * member number for the sales that name it. Archiving an archived customer changes nothing.
 */
export async function archiveCustomer(tx: Tx, actor: CustomerActor, customerId: number): Promise<void> {
  await setArchived(tx, actor, customerId, true);
}

/**
 * Takes a customer back from 退会 (a mistake, or a member who returns): listed and sellable again,
 * with the same member number and figures. Restoring an active customer changes nothing.
 */
export async function restoreCustomer(tx: Tx, actor: CustomerActor, customerId: number) {
  await setArchived(tx, actor, customerId, false);
  return readCustomer(tx, actor.storeId, customerId);
}

/** 退会 or back, audited; nothing when the customer is that way already. */
async function setArchived(tx: Tx, actor: CustomerActor, customerId: number, archived: boolean) {
  const row = await ownCustomer(tx, actor.storeId, customerId);
  if (!!row.archived_at === archived) return;
  const now = toDbTime(new Date());
  await tx
    .updateTable('customer')
    .set({ archived_at: archived ? now : null, updated_at: now })
    .where('id', '=', customerId)
    .where('store_id', '=', actor.storeId)
    .execute();
  await recordAudit(tx, actor, {
    action: archived ? 'customer.archived' : 'customer.restored',
    targetType: 'customer',
    targetId: customerId,
    summary: `${archived ? 'Archived' : 'Restored'} customer ${customerId}`,
  });
}
