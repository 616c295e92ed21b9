import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { workloadNames } from '../src/workloads/names.ts';
import { createTestDatabase } from './support/db.ts';
import { freePort, readyBody, spawnRegi, waitForHttp } from './support/process.ts';

const tmpDataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'regi-cli-'));

/** SIGTERM, then the time the process took to exit and its code. */
async function terminate(p: ReturnType<typeof spawnRegi>) {
  const started = Date.now();
  p.child.kill('SIGTERM');
  const code = await p.exited;
  return { code, ms: Date.now() - started };
}

describe('regi CLI', () => {
  it('refuses an unknown workload with exit code 2 and lists the valid ones', async () => {
    const p = spawnRegi(['run', 'worker-nope']);
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toContain('unknown workload "worker-nope"');
    for (const name of workloadNames) expect(p.stderr()).toContain(name);
  });

  it('stops on a bad setting with one line naming the variable and exit code 1', async () => {
    const p = spawnRegi(['migrate'], { POS_PORT: 'eighty' });
    expect(await p.exited).toBe(1);
    expect(p.stderr().trim().split('\n')).toEqual([
      'regi: invalid configuration: POS_PORT ' + p.stderr().trim().split('POS_PORT ')[1],
    ]);
    expect(p.stderr()).toContain('(got "eighty")');
  });

  it('runs a worker alone, reports ready, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const p = spawnRegi(['run', 'worker-item'], {
      REGI_DATA_DIR: tmpDataDir(),
      DATABASE_URL: '',
      HEALTH_PORT: String(port),
    });
    // Not migrated yet: alive, but not ready.
    await waitForHttp(`http://127.0.0.1:${port}/healthz`);
    const notReady = await waitForHttp(`http://127.0.0.1:${port}/readyz`, 503);
    expect((await readyBody(notReady)).checks.migrations?.ok).toBe(false);
    const { code, ms } = await terminate(p);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
    const lines = p
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.some((l) => l.workload === 'worker-item' && /started|consuming/.test(l.msg))).toBe(true);
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped' });
  });

  it('runs a job once and exits with its code and a one-line JSON summary', async () => {
    const dir = tmpDataDir();
    expect(await spawnRegi(['migrate'], { REGI_DATA_DIR: dir }).exited).toBe(0);
    const ok = spawnRegi(['job', 'ensure-consistency'], { REGI_DATA_DIR: dir, LOG_LEVEL: 'silent' });
    expect(await ok.exited).toBe(0);
    expect(JSON.parse(ok.stdout().trim())).toMatchObject({ job: 'ensure-consistency' });
    const bad = spawnRegi(['job', 'daily-calculate', '--date', 'yesterday'], {
      REGI_DATA_DIR: dir,
      LOG_LEVEL: 'silent',
    });
    expect(await bad.exited).toBe(2);
    expect(JSON.parse(bad.stdout().trim())).toEqual({ error: '--date must be a date YYYY-MM-DD' });
    const daily = spawnRegi(['job', 'daily-calculate', '--from', '2026-11-01', '--to', '2026-11-03'], {
      REGI_DATA_DIR: dir,
      LOG_LEVEL: 'silent',
    });
    expect(await daily.exited).toBe(0);
    expect(JSON.parse(daily.stdout().trim())).toMatchObject({ job: 'daily-calculate', failed: [] });
    const backwards = spawnRegi(['job', 'daily-calculate', '--from', '2026-11-03', '--to', '2026-11-01'], {
      REGI_DATA_DIR: dir,
      LOG_LEVEL: 'silent',
    });
    expect(await backwards.exited).toBe(2);
    expect(JSON.parse(backwards.stdout().trim())).toEqual({ error: '--from must not be after --to' });
  });

  it('starts all twelve workloads with `regi dev`, serves both apps and stops on SIGTERM', async () => {
    const [pos, ec] = [await freePort(), await freePort()];
    const p = spawnRegi(['dev'], {
      REGI_DATA_DIR: tmpDataDir(),
      DATABASE_URL: '',
      POS_PORT: String(pos),
      EC_PORT: String(ec),
    });
    await waitForHttp(`http://127.0.0.1:${pos}/healthz`);
    await waitForHttp(`http://127.0.0.1:${ec}/healthz`);
    const ready = await readyBody(await waitForHttp(`http://127.0.0.1:${pos}/readyz`));
    expect(ready).toMatchObject({
      status: 'ready',
      checks: { database: { ok: true }, migrations: { ok: true } },
    });
    const started = new Set(
      p
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l).workload),
    );
    for (const name of workloadNames) expect(started).toContain(name);
    expect(p.stdout()).toContain(`http://127.0.0.1:${pos}/`);
    // The README's first steps: a printed demo login signs in and lists its stores.
    expect(p.stdout()).toContain('owner@hoshi.example');
    const login = await fetch(`http://127.0.0.1:${pos}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@hoshi.example', password: 'regi-demo-2024' }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const stores = await fetch(`http://127.0.0.1:${pos}/api/v1/stores`, { headers: { cookie } });
    expect(((await stores.json()) as { items: { code: string }[] }).items.map((s) => s.code)).toEqual([
      'akihabara',
      'nakano',
    ]);
    const { code, ms } = await terminate(p);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(10_000);
  });

  it.skipIf(!inject('mysqlUrl') || !inject('valkeyUrl'))(
    'migrates MariaDB and runs pos-web-app against it and Valkey',
    async () => {
      const database = await createTestDatabase('mysql');
      try {
        const env = {
          DATABASE_URL: database.url,
          VALKEY_URL: inject('valkeyUrl'),
          POS_PORT: String(await freePort()),
        };
        const m = spawnRegi(['migrate'], env);
        expect(await m.exited).toBe(0);
        const p = spawnRegi(['run', 'pos-web-app'], env);
        const ready = await readyBody(await waitForHttp(`http://127.0.0.1:${env.POS_PORT}/readyz`));
        expect(ready).toMatchObject({
          status: 'ready',
          checks: {
            database: { ok: true, detail: { dialect: 'mysql' } },
            migrations: { ok: true },
            cache: { ok: true },
          },
        });
        const { code } = await terminate(p);
        expect(code).toBe(0);
      } finally {
        await database.drop();
      }
    },
  );
});

describe('regi job ensure-consistency', () => {
  it('runs the checks, prints the report summary and exits by --fail-on', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regi-cli-'));
    expect(await spawnRegi(['migrate'], { REGI_DATA_DIR: dir }).exited).toBe(0);
    const ok = spawnRegi(['job', 'ensure-consistency', '--fail-on', 'critical'], {
      REGI_DATA_DIR: dir,
      LOG_LEVEL: 'silent',
    });
    expect(await ok.exited).toBe(0);
    const summary = JSON.parse(ok.stdout().trim());
    expect(summary).toMatchObject({ job: 'ensure-consistency', critical: 0, complete: true });
    expect(Object.keys(summary.checks)).toContain('outbox.lag');
    const bad = spawnRegi(['job', 'ensure-consistency', '--fail-on', 'sometimes'], {
      REGI_DATA_DIR: dir,
      LOG_LEVEL: 'silent',
    });
    expect(await bad.exited).toBe(2);
  });
});
