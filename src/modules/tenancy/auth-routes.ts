import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { toDbTime } from '../../kernel/time.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import { staffPrincipal } from './access.ts';
import { recordAudit } from './audit.ts';
import { readCorporation } from './corporation.ts';
import { storesOfAccount, type AccountRow } from './queries.ts';
import { loadBarcodeSecret } from './secret.ts';
import { SESSION_COOKIE, CSRF_COOKIE, SessionStore, type Session } from './sessions.ts';
import { checkCredentials, chooseMode, identifyStaff } from './signin.ts';
import { id, loginResponse, meResponse, meWithCorporation } from './schemas.ts';

const tags = ['auth'];

/** The secret is read (or created) once per app, on first use. */
export function barcodeSecretOf(app: FastifyInstance): () => Promise<string> {
  let secret: Promise<string> | undefined;
  return () => {
    secret ??= loadBarcodeSecret(app.platform.db.db, app.platform.config.STAFF_BARCODE_SECRET);
    secret.catch(() => (secret = undefined));
    return secret;
  };
}

function me(account: AccountRow, session: Session, now: number) {
  const acting = session.acting && session.acting.expiresAt > now ? session.acting : null;
  return {
    account: {
      id: account.id,
      email: account.email,
      displayName: account.displayName,
      employeeCode: account.employeeCode,
      group: { id: account.groupId, name: account.groupName },
      policies: [...account.policies],
    },
    corporationId: account.corporationId,
    mode: session.mode,
    storeId: session.storeId,
    registerId: session.registerId,
    actingStaff: acting ? { id: acting.staffId, expiresAt: new Date(acting.expiresAt).toISOString() } : null,
    staffCodeRequired: account.staffCodeRequired && session.mode === 'sales',
    csrfToken: session.csrfToken,
  };
}

function setSessionCookies(reply: FastifyReply, id: string, session: Session) {
  reply.setCookie(SESSION_COOKIE, id, { httpOnly: true });
  reply.setCookie(CSRF_COOKIE, session.csrfToken, { httpOnly: false });
}

/**
 * Sign-in, mode choice, acting clerk, sign-out, `/me`. A new session (new id and CSRF token) is
 * issued at login so a planted cookie cannot be carried into a signed-in session.
 */
export const authRoutes: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, cache } = app.platform;
  const sessions = new SessionStore(cache);
  const secret = barcodeSecretOf(app);

  r.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Sign in with e-mail and password; sets the session cookie',
        response: { 200: loginResponse },
        body: z.object({ email: z.string().max(254), password: z.string().max(200) }).strict(),
      },
    },
    async (request, reply) => {
      const account = await checkCredentials(db.db, cache, { ...request.body, ip: request.ip });
      const old = request.cookies[SESSION_COOKIE];
      if (old) await sessions.destroy(old);
      const { id: sessionId, session } = await sessions.create(account.id, account.corporationId);
      await withTransaction(db.db, (tx) =>
        recordAudit(
          tx,
          { corporationId: account.corporationId, accountId: account.id, actingStaffId: account.id },
          { action: 'auth.login', targetType: 'staff_account', targetId: account.id, summary: `Signed in` },
        ),
      );
      setSessionCookies(reply, sessionId, session);
      return {
        ...me(account, session, Date.now()),
        stores: await storesOfAccount(db.db, account.id, account.corporationId),
      };
    },
  );

  r.post(
    '/api/v1/auth/session',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Choose admin mode, or sales mode at one store and register',
        response: { 200: meResponse },
        body: z.discriminatedUnion('mode', [
          z.object({ mode: z.literal('admin') }).strict(),
          z.object({ mode: z.literal('sales'), storeId: id, registerId: id }).strict(),
        ]),
      },
    },
    async (request) => {
      const p = staffPrincipal(request);
      const next = await chooseMode(db.db, p.account, p.session, request.body);
      await sessions.save(p.sessionId, next);
      return me(p.account, next, Date.now());
    },
  );

  r.post(
    '/api/v1/auth/staff',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        summary: 'Identify the acting clerk at a sales-mode terminal (signed barcode or employee code)',
        response: { 200: meResponse },
        body: z
          .object({ barcode: z.string().max(100), employeeCode: z.string().max(20) })
          .partial()
          .strict(),
      },
    },
    async (request) => {
      const p = staffPrincipal(request);
      const now = Date.now();
      const next = await identifyStaff(
        db.db,
        cache,
        await secret(),
        p.session,
        p.sessionId,
        request.body,
        now,
      );
      await sessions.save(p.sessionId, next);
      return me(p.account, next, now);
    },
  );

  r.delete(
    '/api/v1/auth/staff',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'Lock the terminal (drop the acting clerk)', response: { 200: meResponse } },
    },
    async (request) => {
      const p = staffPrincipal(request);
      const next = { ...p.session, acting: null };
      await sessions.save(p.sessionId, next);
      return me(p.account, next, Date.now());
    },
  );

  r.post(
    '/api/v1/auth/logout',
    { config: { access: 'authenticated' }, schema: { tags, summary: 'Sign out (ends the session)' } },
    async (request, reply) => {
      const p = staffPrincipal(request);
      await sessions.destroy(p.sessionId);
      reply.clearCookie(SESSION_COOKIE).clearCookie(CSRF_COOKIE);
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/me',
    {
      config: { access: 'authenticated' },
      schema: { tags, summary: 'The signed-in account and session', response: { 200: meWithCorporation } },
    },
    async (request) => {
      const p = staffPrincipal(request);
      return {
        ...me(p.account, p.session, Date.now()),
        corporation: await readCorporation(db.db, p.account.corporationId),
        serverTime: toDbTime(new Date()),
      };
    },
  );
};
