import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { useTestDb } from '../../../test/support/db.ts';
import { StaffClient, startPos, testPlatform } from '../../../test/support/pos.ts';
import { MemoryCache } from '../../platform/cache/memory.ts';
import { ValkeyCache } from '../../platform/cache/valkey.ts';
import { seedDemo } from '../demo/seed.ts';
import { DEMO_PASSWORD, tenancySeed } from './seed.ts';
import { SESSION_IDLE_MS, SessionStore } from './sessions.ts';

describe('staff sessions', () => {
  const t = useTestDb('sqlite');
  beforeAll(() => seedDemo(t.db, [tenancySeed]));

  it('expire after 12 hours without a request, and not while in use', async () => {
    let now = Date.now();
    const cache = new MemoryCache(() => now);
    const app = await startPos(testPlatform(t.handle, cache), {
      sessions: new SessionStore(cache, () => now),
    });
    try {
      const c = await new StaffClient(app).login('clerk@dragon.example', DEMO_PASSWORD);
      // used every 11 hours: still signed in a day later
      for (let i = 0; i < 3; i++) {
        now += 11 * 60 * 60 * 1000;
        const r = await c.get('/api/v1/me');
        expect([i, r.statusCode]).toEqual([i, 200]);
      }
      now += SESSION_IDLE_MS + 1;
      expect((await c.get('/api/v1/me')).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('cannot be fixed in advance: signing in issues a new session id and CSRF token', async () => {
    const app = await startPos(testPlatform(t.handle));
    try {
      const c = await new StaffClient(app).login('clerk@dragon.example', DEMO_PASSWORD);
      const first = c.csrf;
      await c.login('clerk@dragon.example', DEMO_PASSWORD);
      expect(c.csrf).not.toBe(first);
    } finally {
      await app.close();
    }
  });
});

describe.skipIf(!inject('valkeyUrl'))('staff sessions in Valkey', () => {
  const t = useTestDb('sqlite');
  const caches: ValkeyCache[] = [];
  afterAll(async () => {
    for (const c of caches) await c.close();
  });

  it('are shared by every process of a split deployment, and end everywhere at sign-out', async () => {
    await seedDemo(t.db, [tenancySeed]);
    const prefix = `regi-test:${Date.now().toString(36)}:`;
    const [a, b] = [
      new ValkeyCache(inject('valkeyUrl'), prefix),
      new ValkeyCache(inject('valkeyUrl'), prefix),
    ];
    caches.push(a, b);
    const appA = await startPos(testPlatform(t.handle, a));
    const appB = await startPos(testPlatform(t.handle, b));
    try {
      const cookie = `regi_session=${encodeURIComponent(
        (
          await appA.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { email: 'owner@dragon.example', password: DEMO_PASSWORD },
          })
        ).cookies.find((c) => c.name === 'regi_session')!.value,
      )}`;
      const onB = await appB.inject({ url: '/api/v1/me', headers: { cookie } });
      expect(onB.statusCode).toBe(200);
      expect(onB.json().account.email).toBe('owner@dragon.example');
      const me = (await appA.inject({ url: '/api/v1/me', headers: { cookie } })).json();
      const out = await appA.inject({
        method: 'POST',
        url: '/api/v1/auth/logout',
        headers: { cookie, 'x-csrf-token': me.csrfToken },
      });
      expect(out.statusCode).toBe(204);
      expect((await appB.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(401);
    } finally {
      await appA.close();
      await appB.close();
    }
  });
});
