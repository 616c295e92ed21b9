import type { FastifyRequest } from 'fastify';
import { AppError, NotFoundError } from '../../kernel/errors.ts';
import type { PolicyName } from '../../kernel/policies.ts';
import {
  MissingPolicyError,
  type Authenticator,
  type Principal,
  type RouteAccess,
} from '../../platform/http/auth.ts';
import type { Platform } from '../../platform/runtime/platform.ts';
import { accountMayUseStore, loadAccount, type AccountRow } from './queries.ts';
import { actingIdentity } from './rules.ts';
import { SESSION_COOKIE, SessionStore, type Session } from './sessions.ts';

/** Who is asking, resolved from the session: the tenant always comes from here, never the body. */
export interface ActorContext {
  corporationId: number;
  /** The signed-in account (a person, or a shared shop terminal). */
  accountId: number;
  /** Whose permissions apply: the clerk who scanned in at a shared terminal, else the account. */
  actingStaffId: number;
  policies: ReadonlySet<PolicyName>;
}

/** An actor inside one store (routes under `/api/v1/stores/:storeId/...`). */
export interface StoreContext extends ActorContext {
  storeId: number;
  /** The register of a sales-mode session in this store. */
  registerId: number | null;
}

export interface StaffPrincipal extends Principal {
  sessionId: string;
  session: Session;
  account: AccountRow;
  actor?: ActorContext;
  store?: StoreContext;
}

export class StaffCodeRequiredError extends AppError {
  constructor() {
    super(401, 'staff_code_required', 'Scan or enter a staff code to continue (the terminal is locked).');
  }
}

export class EscalationError extends AppError {
  constructor(policies: PolicyName[]) {
    super(
      403,
      'policy_escalation',
      `You cannot grant or control permissions you do not hold: ${policies.join(', ')}.`,
      [],
      {
        policies,
      },
    );
  }
}

export class ModeRequiredError extends AppError {
  constructor() {
    super(403, 'mode_required', 'Choose admin or sales mode first (POST /api/v1/auth/session).');
  }
}

export interface StaffAuthOptions {
  sessions: SessionStore;
  now?: () => number;
}

/**
 * Staff sign-in for pos-web-app: the session cookie names a server-side session; every request
 * re-reads the account (so a disabled account or a changed group takes effect at once), checks the
 * store in the URL against the session, the acting clerk's timeout and the route's policy.
 */
export function staffAuthenticator(p: Platform, opts?: StaffAuthOptions): Authenticator {
  const sessions = opts?.sessions ?? new SessionStore(p.cache);
  const now = opts?.now ?? Date.now;
  const db = p.db.db;
  return {
    async authenticate(request): Promise<StaffPrincipal | null> {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (!sessionId) return null;
      const session = await sessions.get(sessionId);
      if (!session) return null;
      // The store in the URL is checked in the same read (authorize uses the answer).
      const account = await loadAccount(db, session.accountId, session.corporationId, storeIdOf(request));
      if (!account) {
        await sessions.destroy(sessionId);
        return null;
      }
      return { csrfToken: session.csrfToken, sessionId, session, account };
    },

    async authorize(request, principal, access: Exclude<RouteAccess, 'public'>) {
      const p = principal as StaffPrincipal;
      const { session, account } = p;
      const storeParam = (request.params as { storeId?: string } | undefined)?.storeId;
      let storeId: number | null = null;
      if (storeParam !== undefined) {
        storeId = storeIdOf(request) ?? null;
        const allowed =
          storeId !== null &&
          (session.mode !== 'sales' || session.storeId === storeId) &&
          (account.linkedStoreId === storeId ||
            (await accountMayUseStore(db, account.id, account.corporationId, storeId)));
        // Another tenant's store and a store this session may not use look the same: not found.
        if (!allowed) throw new NotFoundError('The store');
      }

      let actor: ActorContext = {
        corporationId: account.corporationId,
        accountId: account.id,
        actingStaffId: account.id,
        policies: account.policies,
      };
      if (typeof access === 'object') {
        if (session.mode === 'none') throw new ModeRequiredError();
        // The group may have lost the mode since the session chose it.
        const modePolicy = session.mode === 'admin' ? 'mode.admin' : 'mode.sales';
        if (!account.policies.has(modePolicy)) throw new MissingPolicyError(modePolicy);
        const who = actingIdentity(
          { staffCodeRequired: account.staffCodeRequired, mode: session.mode, acting: session.acting },
          account.id,
          now(),
        );
        if ('locked' in who) throw new StaffCodeRequiredError();
        if (who.staffId !== account.id) {
          const clerk = await loadAccount(db, who.staffId, account.corporationId);
          const linked =
            clerk && session.storeId !== null
              ? await accountMayUseStore(db, clerk.id, account.corporationId, session.storeId)
              : false;
          if (!clerk || !linked) throw new StaffCodeRequiredError();
          actor = { ...actor, actingStaffId: clerk.id, policies: clerk.policies };
        }
        if (!actor.policies.has(access.policy)) throw new MissingPolicyError(access.policy);
      }
      p.actor = actor;
      p.logBindings = {
        corporationId: actor.corporationId,
        storeId,
        accountId: actor.accountId,
        actingStaffId: actor.actingStaffId,
      };
      if (storeId !== null)
        p.store = { ...actor, storeId, registerId: session.storeId === storeId ? session.registerId : null };
    },
  };
}

/** The store id in the URL, when there is a well-formed one. */
function storeIdOf(request: FastifyRequest): number | undefined {
  const param = (request.params as { storeId?: string } | undefined)?.storeId;
  return param !== undefined && /^[1-9]\d{0,15}$/.test(param) ? Number(param) : undefined;
}

function principalOf(request: FastifyRequest): StaffPrincipal {
  const p = request.principal as StaffPrincipal | null;
  if (!p?.actor) throw new Error(`${request.url}: no staff principal (is the route public?)`);
  return p;
}

/** The caller of a non-public route: tenant, account, acting staff and effective policies. */
export function actorContext(request: FastifyRequest): ActorContext {
  return principalOf(request).actor!;
}

/** The store context of a route under `/api/v1/stores/:storeId/...` (already checked by the hook). */
export function storeContext(request: FastifyRequest): StoreContext {
  const store = principalOf(request).store;
  if (!store) throw new Error(`${request.url}: storeContext() needs a :storeId route`);
  return store;
}

/** The session behind the request (for the auth routes that change it). */
export function staffPrincipal(request: FastifyRequest): StaffPrincipal {
  return principalOf(request);
}
