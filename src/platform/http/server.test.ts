import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ConflictError } from '../../kernel/errors.ts';
import { createLogger } from '../log/log.ts';
import { createHttpServer, type App } from './server.ts';

const sample: FastifyPluginAsync = async (app) => {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.post(
    '/api/v1/things',
    {
      config: { access: 'public' },
      schema: {
        body: z.object({
          name: z.string().min(1),
          qty: z.number().int().positive(),
          lines: z.array(z.object({ price: z.number().int() })).optional(),
        }),
      },
    },
    async (req) => ({ name: req.body.name }),
  );
  r.get('/api/v1/conflict', { config: { access: 'public' } }, async () => {
    throw new ConflictError('out_of_stock', 'Product 7 has 0 left.', { productId: 7 });
  });
  r.get('/api/v1/crash', { config: { access: 'public' } }, async () => {
    throw new Error('secret internals: password=hunter2');
  });
};

describe('http server', () => {
  let app: App;
  let ready = true;
  beforeAll(async () => {
    app = await createHttpServer({
      name: 'test-app',
      description: 'test',
      logger: createLogger({ level: 'silent' }),
      readiness: () => [
        { name: 'always', check: async () => ({ ok: true }) },
        { name: 'toggle', check: async () => ({ ok: ready, detail: ready ? undefined : 'down' }) },
      ],
      plugins: [sample],
    });
  });
  afterAll(() => app.close());

  it('answers /healthz without touching dependencies', async () => {
    ready = false;
    const res = await app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
    ready = true;
  });

  it('reports each dependency on /readyz and 503 when one is down', async () => {
    const ok = await app.inject({ url: '/readyz' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'ready', checks: { always: { ok: true }, toggle: { ok: true } } });
    ready = false;
    const down = await app.inject({ url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json().checks.toggle).toEqual({ ok: false, detail: 'down' });
    ready = true;
  });

  it('answers invalid input with problem+json listing each bad field', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/things',
      payload: { name: '', qty: -1, lines: [{ price: 1.5 }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({
      type: '/problems/validation_failed',
      status: 400,
      code: 'validation_failed',
      instance: '/api/v1/things',
    });
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'lines.0.price',
      'name',
      'qty',
    ]);
    expect(body.requestId).toBe(res.headers['x-request-id']);
  });

  it('maps a domain error to its status and code with its extra fields', async () => {
    const res = await app.inject({ url: '/api/v1/conflict' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      code: 'out_of_stock',
      detail: 'Product 7 has 0 left.',
      productId: 7,
      title: 'Conflict',
    });
  });

  it('hides the internals of an unexpected error', async () => {
    const res = await app.inject({ url: '/api/v1/crash' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'internal_error', detail: 'Internal error.' });
    expect(res.body).not.toContain('hunter2');
  });

  it('answers malformed JSON and unknown routes with problem+json', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/v1/things',
      payload: '{"name":',
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    const missing = await app.inject({ url: '/api/v1/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'route_not_found' });
  });

  it('keeps a sane request id from the caller and replaces an odd one', async () => {
    expect(
      (await app.inject({ url: '/healthz', headers: { 'x-request-id': 'lb-123' } })).headers['x-request-id'],
    ).toBe('lb-123');
    expect(
      (await app.inject({ url: '/healthz', headers: { 'x-request-id': 'a b\n' } })).headers['x-request-id'],
    ).not.toBe('a b\n');
  });

  it('publishes an OpenAPI document with the routes and their schemas', async () => {
    const res = await app.inject({ url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/api/v1/things'].post.requestBody.content['application/json'].schema.required).toEqual([
      'name',
      'qty',
    ]);
    expect(doc.paths['/readyz']).toBeDefined();
  });
});
