import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/platform/http/server.ts';
import type { WebWorkload } from '../src/platform/runtime/workload.ts';
import { workloads } from '../src/workloads/index.ts';
import { useTestDb } from './support/db.ts';
import { testPlatform } from './support/pos.ts';

/**
 * Walks every route of both web apps, built exactly as their workloads build them, and checks that
 * each declares who may call it, that only a short, reviewed list is public, and that every other
 * route really refuses a caller without a session.
 */
const PUBLIC = [
  /^\/healthz$/,
  /^\/readyz$/,
  /^\/api\/docs(\/.*)?$/, // Swagger UI's own files and the OpenAPI document
  /^\/api\/v1\/auth\/login$/,
  /^\/\*$/, // the POS single-page app's files (src/platform/http/spa.ts; /api, probes excluded)
];

describe('route access declarations', () => {
  const t = useTestDb('sqlite');
  const apps: Record<string, App> = {};

  beforeAll(async () => {
    const platform = testPlatform(t.handle);
    for (const name of ['pos-web-app', 'ec-web-app'] as const) {
      const w = (await workloads[name]()) as WebWorkload;
      apps[name] = await w.build(platform, platform.log);
      await apps[name].ready();
    }
  });
  afterAll(async () => {
    for (const app of Object.values(apps)) await app.close();
  });

  for (const name of ['pos-web-app', 'ec-web-app']) {
    it(`${name}: every route declares its access, and only reviewed routes are public`, () => {
      const routes = apps[name]!.declaredRoutes;
      expect(routes.length).toBeGreaterThan(2);
      for (const r of routes) {
        expect(r.access, `${r.method} ${r.url}`).toBeDefined();
        if (r.access === 'public')
          expect(
            PUBLIC.some((p) => p.test(r.url)),
            `${r.method} ${r.url} is public but not on the reviewed list`,
          ).toBe(true);
      }
    });

    it(`${name}: documents every API route in its OpenAPI document`, async () => {
      const app = apps[name]!;
      const res = await app.inject({ url: '/api/docs/json' });
      expect(res.statusCode).toBe(200);
      const paths = Object.keys(res.json().paths);
      for (const r of app.declaredRoutes.filter((x) => x.url.startsWith('/api/v1/')))
        expect(paths).toContain(r.url.replace(/:([A-Za-z]+)/g, '{$1}'));
    });

    it(`${name}: every non-public route answers 401 to a caller without a session`, async () => {
      const app = apps[name]!;
      for (const r of app.declaredRoutes.filter((x) => x.access !== 'public' && x.method !== 'HEAD')) {
        const url = r.url.replace(/:[A-Za-z]+/g, '1').replace(/\*$/, 'x');
        const res = await app.inject({
          method: r.method as 'GET',
          url,
          payload: r.method === 'GET' ? undefined : {},
        });
        expect([r.method, r.url, res.statusCode]).toEqual([r.method, r.url, 401]);
      }
    });
  }
});
