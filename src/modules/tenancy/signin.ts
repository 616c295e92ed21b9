import { AppError, NotFoundError, ValidationError } from '../../kernel/errors.ts';
import type { Cache } from '../../platform/cache/index.ts';
import type { Db } from '../../platform/db/connect.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import { recordAudit } from './audit.ts';
import { verifyStaffBarcode } from './barcode.ts';
import { decoyHash, verifyPassword } from './passwords.ts';
import { accountMayUseStore, loadAccount, type AccountRow } from './queries.ts';
import { normaliseEmail } from './rules.ts';
import type { Session } from './sessions.ts';

/** Attempts per minute before 429: per account (the 6th wrong password) and per client address. */
export const LOGIN_LIMITS = { perAccount: 5, perIp: 30, windowMs: 60_000 };
const STAFF_CODE_LIMIT = { perSession: 10, windowMs: 60_000 };

/** The cache counters of sign-in attempts (one per e-mail, one per client address). */
export const loginAttemptKeys = (email: string, ip: string) => ({
  account: `login:account:${normaliseEmail(email)}`,
  ip: `login:ip:${ip}`,
});

export class InvalidCredentialsError extends AppError {
  constructor() {
    // Same answer for an unknown e-mail and a wrong password: no account enumeration.
    super(401, 'invalid_credentials', 'The e-mail address or password is wrong.');
  }
}

export class TooManyAttemptsError extends AppError {
  constructor(retryAfterSeconds: number) {
    super(429, 'too_many_attempts', 'Too many attempts. Wait a minute and try again.', [], {
      retryAfterSeconds,
    });
  }
}

/**
 * Checks e-mail and password. Every attempt counts against the account and the address before the
 * hash is checked (atomic `incr`, so parallel guesses cannot slip past the limit); a success clears
 * the account's counter.
 */
export async function checkCredentials(
  db: Db,
  cache: Cache,
  input: { email: string; password: string; ip: string },
): Promise<AccountRow> {
  const email = normaliseEmail(input.email);
  const keys = loginAttemptKeys(email, input.ip);
  const [perAccount, perIp] = await Promise.all([
    cache.incr(keys.account, LOGIN_LIMITS.windowMs),
    cache.incr(keys.ip, LOGIN_LIMITS.windowMs),
  ]);
  if (perAccount > LOGIN_LIMITS.perAccount || perIp > LOGIN_LIMITS.perIp)
    throw new TooManyAttemptsError(LOGIN_LIMITS.windowMs / 1000);

  const row = await db
    .selectFrom('staff_account')
    .select(['id', 'corporation_id', 'password_hash'])
    .where('email', '=', email)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  const ok = await verifyPassword(input.password, row?.password_hash ?? (await decoyHash()));
  const account = row && ok ? await loadAccount(db, Number(row.id), Number(row.corporation_id)) : null;
  if (!account) throw new InvalidCredentialsError();
  await cache.del(keys.account);
  return account;
}

export type ModeChoice = { mode: 'admin' } | { mode: 'sales'; storeId: number; registerId: number };

/** Binds the session to admin mode, or to one store and register for sales; drops any acting clerk. */
export async function chooseMode(db: Db, account: AccountRow, session: Session, choice: ModeChoice) {
  if (choice.mode === 'admin') {
    if (!account.policies.has('mode.admin'))
      throw new AppError(403, 'forbidden', 'This account may not use admin mode.', [], {
        policy: 'mode.admin',
      });
    return { ...session, mode: 'admin' as const, storeId: null, registerId: null, acting: null };
  }
  if (!account.policies.has('mode.sales'))
    throw new AppError(403, 'forbidden', 'This account may not use sales mode.', [], {
      policy: 'mode.sales',
    });
  if (!(await accountMayUseStore(db, account.id, account.corporationId, choice.storeId)))
    throw new NotFoundError('The store');
  const register = await db
    .selectFrom('register')
    .select('id')
    .where('id', '=', choice.registerId)
    .where('store_id', '=', choice.storeId)
    .where('archived_at', 'is', null)
    .executeTakeFirst();
  if (!register) throw new NotFoundError('The register');
  return {
    ...session,
    mode: 'sales' as const,
    storeId: choice.storeId,
    registerId: choice.registerId,
    acting: null,
  };
}

/**
 * A clerk identifies at a sales-mode terminal with a signed barcode (or, where the store allows it,
 * the typed employee code). The clerk must belong to the terminal's corporation and store; the
 * identity lasts the store's timeout, then the lock screen returns.
 */
export async function identifyStaff(
  db: Db,
  cache: Cache,
  secret: string,
  session: Session,
  sessionKey: string,
  input: { barcode?: string; employeeCode?: string },
  now: number,
) {
  if (session.mode !== 'sales' || session.storeId === null)
    throw new AppError(409, 'not_in_sales_mode', 'Staff codes are used in sales mode only.');
  const attempts = await cache.incr(`staffcode:${sessionKey}`, STAFF_CODE_LIMIT.windowMs);
  if (attempts > STAFF_CODE_LIMIT.perSession)
    throw new TooManyAttemptsError(STAFF_CODE_LIMIT.windowMs / 1000);
  const store = await db
    .selectFrom('store')
    .select(['staff_code_timeout_minutes', 'staff_code_entry'])
    .where('id', '=', session.storeId)
    .executeTakeFirstOrThrow();

  let code: string;
  let version: number | null = null;
  if (input.barcode !== undefined) {
    const scanned = verifyStaffBarcode(secret, input.barcode);
    if (!scanned || scanned.corporationId !== session.corporationId) throw unknownStaff();
    code = scanned.employeeCode;
    version = scanned.version;
  } else if (input.employeeCode !== undefined) {
    if (store.staff_code_entry === 'barcode_only')
      throw new AppError(403, 'barcode_required', 'This store accepts scanned staff barcodes only.');
    code = input.employeeCode.trim();
  } else {
    throw new ValidationError([{ field: 'barcode', message: 'Give a barcode or an employee code.' }]);
  }
  const clerk = await db
    .selectFrom('staff_account')
    .select(['id', 'barcode_version'])
    .where('corporation_id', '=', session.corporationId)
    .where('employee_code', '=', code)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  if (!clerk || (version !== null && Number(clerk.barcode_version) !== version)) throw unknownStaff();
  if (!(await accountMayUseStore(db, Number(clerk.id), session.corporationId, session.storeId)))
    throw unknownStaff();
  const clerkAccount = await loadAccount(db, Number(clerk.id), session.corporationId);
  if (!clerkAccount?.policies.has('mode.sales'))
    throw new AppError(403, 'forbidden', 'This person may not work at the register.', [], {
      policy: 'mode.sales',
    });
  const expiresAt = now + Number(store.staff_code_timeout_minutes) * 60_000;
  await withTransaction(db, (tx) =>
    recordAudit(
      tx,
      { corporationId: session.corporationId, accountId: session.accountId, actingStaffId: Number(clerk.id) },
      {
        action: 'auth.staff_identified',
        targetType: 'staff_account',
        targetId: Number(clerk.id),
        summary: `Clerk ${Number(clerk.id)} took over the terminal (register ${session.registerId})`,
        storeId: session.storeId,
      },
    ),
  );
  return { ...session, acting: { staffId: Number(clerk.id), expiresAt } };
}

const unknownStaff = () =>
  new AppError(401, 'unknown_staff_code', 'This staff code is not valid in this store.');
