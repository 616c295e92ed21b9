import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workloadNames } from '../../src/workloads/names.ts';
import { freePort, waitForHttp } from '../support/process.ts';
import { copilotApp, manifestOf, repoRoot } from './support.ts';

/**
 * The runtime image without a container engine: the same layout the Dockerfile's last stage
 * produces (bin/, dist/ from `npm run build`'s tsconfig, package.json; no src/), and the same
 * command line (ENTRYPOINT `node bin/regi.js` + each manifest's `command`). Built under
 * node_modules/.cache so the dependencies resolve as in the image.
 */
const image = path.join(repoRoot, 'node_modules/.cache/regi-image');
let dataDir: string;

/**
 * These processes yield the CPU to the rest of the suite (a lower priority, inherited by their
 * children): a build and twelve workloads beside other multi-process tests on two cores.
 */
function background(child: ChildProcess): ChildProcess {
  try {
    os.setPriority(child.pid!, 10);
  } catch {
    // not permitted here: run at normal priority
  }
  return child;
}

function start(args: string[], env: Record<string, string>) {
  const child = background(
    spawn(process.execPath, [path.join(image, 'bin/regi.js'), ...args], {
      cwd: image,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

beforeAll(async () => {
  fs.rmSync(image, { recursive: true, force: true });
  const tsc = background(
    spawn(
      process.execPath,
      [
        path.join(repoRoot, 'node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        path.join(image, 'dist'),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    ),
  );
  let tscOutput = '';
  tsc.stdout!.on('data', (d) => (tscOutput += d));
  const code = await new Promise<number | null>((resolve) => tsc.on('exit', resolve));
  if (code !== 0) throw new Error(`npm run build failed:\n${tscOutput}`);
  fs.cpSync(path.join(repoRoot, 'bin'), path.join(image, 'bin'), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(image, 'package.json'));
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'regi-image-'));
}, 300_000);

afterAll(() => {
  fs.rmSync(image, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the built image', () => {
  it('holds the compiled migrations and no development code', () => {
    const migrations = fs.readdirSync(path.join(image, 'dist/platform/db/migrations'));
    expect(migrations).toContain('0001_platform.js');
    expect(fs.existsSync(path.join(image, 'dist/platform/deploy'))).toBe(false);
    expect(
      fs
        .readdirSync(path.join(image, 'dist'), { recursive: true })
        .some((f) => String(f).endsWith('.test.js')),
    ).toBe(false);
  });

  it(
    'migrates, then starts every workload from its manifest command line',
    { timeout: 300_000 },
    async () => {
      const database = { DATABASE_URL: `sqlite:${path.join(dataDir, 'regi.db')}` };
      const migrate = start(['migrate'], database);
      expect(await migrate.exited, migrate.output()).toBe(0);

      const app = copilotApp();
      const runOne = async (name: string) => {
        const m = manifestOf(app, name);
        // The manifest's plain variables, minus what only AWS provides (from_cfn, secrets).
        const vars = Object.fromEntries(
          Object.entries(m.variables).filter(([, v]) => typeof v === 'string'),
        ) as Record<string, string>;
        delete vars.DATABASE_NAME;
        delete vars.DATABASE_TLS;
        const port = String(await freePort());
        // AWS services are not here: the embedded bus and captured mail stand in for SNS/SQS and SES.
        const env: Record<string, string> = {
          ...vars,
          ...database,
          HOST: '127.0.0.1',
          BUS: 'sql',
          MAIL_TRANSPORT: 'capture',
        };
        if (m.type === 'Load Balanced Web Service')
          env[name === 'pos-web-app' ? 'POS_PORT' : 'EC_PORT'] = port;
        if ('HEALTH_PORT' in vars) env.HEALTH_PORT = port;
        const p = start(m.command, env);
        try {
          if (m.type === 'Scheduled Job') {
            expect(await p.exited, `${name}: ${p.output()}`).toBe(0);
            return;
          }
          const res = await waitForHttp(`http://127.0.0.1:${port}/readyz`, 200, 30_000).catch((e: Error) => {
            throw new Error(`${name}: ${e.message}\n${p.output()}`);
          });
          expect(((await res.json()) as { status: string }).status, name).toBe('ready');
          p.child.kill('SIGTERM');
          expect(await p.exited, `${name} stops cleanly on SIGTERM: ${p.output()}`).toBe(0);
        } finally {
          p.child.kill('SIGKILL');
        }
      };
      // Two at a time: the machine has two cores and other test files run beside this one.
      const queue = [...workloadNames];
      await Promise.all(
        [0, 1].map(async () => {
          for (let name = queue.shift(); name; name = queue.shift()) await runOne(name);
        }),
      );
    },
  );
});
