import { describe, expect, it } from 'vitest';
import type { FastifyPluginAsync } from 'fastify';
import { createLogger } from '../log/log.ts';
import type { Authenticator } from './auth.ts';
import { createHttpServer } from './server.ts';

const logger = createLogger({ level: 'silent' });
const server = (plugins: FastifyPluginAsync[], authenticator?: Authenticator) =>
  createHttpServer({
    name: 't',
    description: 't',
    logger,
    readiness: () => [],
    plugins,
    authenticator,
    docs: false,
  });

/** A stand-in caller: the header says who is signed in and which policies they hold. */
const headerAuth: Authenticator = {
  async authenticate(request) {
    const who = request.headers['x-test-user'];
    return typeof who === 'string' ? { csrfToken: request.headers['x-test-cookie'] ? 'tok' : null } : null;
  },
  async authorize(request, _p, access) {
    const held = String(request.headers['x-test-policies'] ?? '').split(',');
    if (typeof access === 'object' && !held.includes(access.policy)) {
      const { MissingPolicyError } = await import('./auth.ts');
      throw new MissingPolicyError(access.policy);
    }
  },
};

const routes: FastifyPluginAsync = async (app) => {
  app.get('/open', { config: { access: 'public' } }, async () => ({ ok: true }));
  app.get('/mine', { config: { access: 'authenticated' } }, async () => ({ ok: true }));
  app.post('/refund', { config: { access: { policy: 'sales.refund' } } }, async () => ({ ok: true }));
};

describe('access control', () => {
  it('refuses to start an app with a route that declares no access', async () => {
    const bad: FastifyPluginAsync = async (app) => {
      app.get('/forgotten', async () => ({ ok: true }));
    };
    await expect(server([bad])).rejects.toThrow(/GET \/forgotten declares no access/);
  });

  it('answers 401 on every non-public route when the app has no authenticator', async () => {
    const app = await server([routes]);
    expect((await app.inject({ url: '/open' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/mine' })).statusCode).toBe(401);
    await app.close();
  });

  it('checks session, CSRF (cookie writes only) and policy in that order', async () => {
    const app = await server([routes], headerAuth);
    const post = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/refund', headers });
    expect((await post({})).statusCode).toBe(401);
    expect((await post({ 'x-test-user': 'a', 'x-test-cookie': '1' })).json().code).toBe('csrf_failed');
    expect((await post({ 'x-test-user': 'a', 'x-test-cookie': '1', 'x-csrf-token': 'tok' })).statusCode).toBe(
      403,
    );
    const ok = await post({ 'x-test-user': 'a', 'x-test-policies': 'sales.refund' });
    expect(ok.statusCode).toBe(200);
    expect(
      (await app.inject({ url: '/mine', headers: { 'x-test-user': 'a', 'x-test-cookie': '1' } })).statusCode,
    ).toBe(200);
    await app.close();
  });

  it('takes the client address from a trusted proxy only', async () => {
    const ip: FastifyPluginAsync = async (app) => {
      app.get('/ip', { config: { access: 'public' } }, async (request) => ({ ip: request.ip }));
    };
    const behind = await createHttpServer({
      name: 't',
      description: 't',
      logger,
      readiness: () => [],
      plugins: [ip],
      docs: false,
      trustProxy: '127.0.0.1',
    });
    const direct = await server([ip]);
    const headers = { 'x-forwarded-for': '203.0.113.7' };
    expect((await behind.inject({ url: '/ip', headers })).json().ip).toBe('203.0.113.7');
    expect((await direct.inject({ url: '/ip', headers })).json().ip).toBe('127.0.0.1');
    await behind.close();
    await direct.close();
  });

  it("describes each route's access in the OpenAPI document", async () => {
    const app = await createHttpServer({
      name: 't',
      description: 't',
      logger,
      readiness: () => [],
      plugins: [routes],
    });
    await app.ready();
    const doc = (await app.inject({ url: '/api/docs/json' })).json();
    expect(doc.paths['/refund'].post.description).toBe('Needs `sales.refund`.');
    expect(doc.paths['/open'].get.description).toBe('Public.');
    await app.close();
  });

  it('still answers 404 for unknown paths, not 401', async () => {
    const app = await server([routes], headerAuth);
    expect((await app.inject({ url: '/nope' })).statusCode).toBe(404);
    await app.close();
  });
});
