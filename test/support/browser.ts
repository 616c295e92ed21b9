import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { freePort, repoRoot, spawnRegi, waitForHttp } from './process.ts';

/** Debian's Chromium (`apt-get install -y chromium`); Playwright's own browser download does not work here. */
export const CHROMIUM = process.env.REGI_CHROMIUM ?? '/usr/bin/chromium';

/** Screenshots of the browser tests (git-ignored). */
export const screenshotDir = path.join(repoRoot, 'test-results');

/**
 * Headless Chromium with a fresh profile. A missing browser fails the test with the command that
 * installs it: browser tests never skip silently.
 */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`Chromium is not installed at ${CHROMIUM}: run \`apt-get install -y chromium\``);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'regi-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // Without the networking flags Chromium keeps dialling Google's hosts, which this network refuses.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
    viewport: { width: 1024, height: 768 },
    locale: 'ja-JP',
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** `npm run build:web`: the tests serve what the current sources build, never a stale bundle. */
export async function buildWebApp(): Promise<void> {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/pos/vite.config.ts'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`vite build failed:\n${out}`);
}

/** A plain HTTP client of the staff API with its own cookie jar, for asserting on server state. */
export class ApiClient {
  private cookies = new Map<string, string>();
  constructor(private readonly base: string) {}

  async request<T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {
      cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    };
    if (method !== 'GET') {
      headers['content-type'] = 'application/json';
      const csrf = this.cookies.get('regi_csrf');
      if (csrf) headers['x-csrf-token'] = decodeURIComponent(csrf);
    }
    const res = await fetch(this.base + url, {
      method,
      headers,
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async get<T>(url: string): Promise<T> {
    const r = await this.request<T>('GET', url);
    if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async post<T>(url: string, body?: unknown): Promise<T> {
    const r = await this.request<T>('POST', url, body);
    if (r.status >= 300) throw new Error(`POST ${url}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
}

/** A browser test's system: `regi dev` on fresh demo data, Chromium, and Hoshi Cards' owner signed in. */
export interface DevApp {
  base: string;
  dataDir: string;
  browser: Awaited<ReturnType<typeof launchChromium>>;
  /** owner@hoshi.example in admin mode, over the API. */
  owner: ApiClient;
  stop(): Promise<void>;
}

/**
 * Builds the app, starts `regi dev` as its own process on a fresh SQLite data folder (the demo
 * tenants, the sql bus) and Chromium, and signs Hoshi Cards' owner in for API checks.
 */
export async function startDevApp(name: string): Promise<DevApp> {
  fs.mkdirSync(screenshotDir, { recursive: true });
  const browser = await launchChromium(); // throws when Chromium is missing: never a silent skip
  await buildWebApp();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `regi-${name}-`));
  const [pos, ec] = [await freePort(), await freePort()];
  const app = spawnRegi(['dev'], {
    REGI_DATA_DIR: dataDir,
    DATABASE_URL: '',
    VALKEY_URL: '',
    BUS: 'sql',
    POS_PORT: String(pos),
    EC_PORT: String(ec),
    LOG_LEVEL: 'warn',
  });
  const base = `http://127.0.0.1:${pos}`;
  await waitForHttp(`${base}/readyz`, 200, 120_000);
  const owner = new ApiClient(base);
  await owner.post('/api/v1/auth/login', { email: 'owner@hoshi.example', password: 'regi-demo-2024' });
  await owner.post('/api/v1/auth/session', { mode: 'admin' });
  return {
    base,
    dataDir,
    browser,
    owner,
    async stop() {
      await browser.close();
      if (app.child.exitCode === null) {
        app.child.kill('SIGTERM');
        await app.exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
