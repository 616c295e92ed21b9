import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
}

/** Starts `regi <args>` as its own OS process, the way a container or a shell does. */
export function spawnRegi(args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/regi.js'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * The first of `count` consecutive ports that are all free now, from below Linux's ephemeral range
 * (32768+): the neighbours of a port the system handed out may be any other test's outgoing
 * connection a moment later, while these are only ever taken by a listen on purpose.
 */
export async function freePortRange(count: number): Promise<number> {
  const listen = (port: number) =>
    new Promise<net.Server | null>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(null));
      srv.listen(port, '127.0.0.1', () => resolve(srv));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const held = await Promise.all(Array.from({ length: count }, (_, i) => listen(base + i)));
    await Promise.all(held.map((srv) => srv && new Promise((r) => srv.close(r))));
    if (held.every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free ports`);
}

/** Polls a URL until it answers with the wanted status (or fails after `timeoutMs`). */
export async function waitForHttp(url: string, status = 200, timeoutMs = 30_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status === status) return res;
      last = `status ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (${last})`);
}

export type ReadyBody = { status: string; checks: Record<string, { ok: boolean; detail?: unknown }> };

export async function readyBody(res: Response): Promise<ReadyBody> {
  return (await res.json()) as ReadyBody;
}
