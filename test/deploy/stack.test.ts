import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { workloadNames } from '../../src/workloads/names.ts';
import { planStack, prefixer } from '../../scripts/stack-plan.ts';
import { freePort } from '../support/process.ts';
import { repoRoot } from './support.ts';

const options = {
  databaseUrl: 'mysql://root@127.0.0.1:3306/regi_stack',
  valkeyUrl: 'redis://127.0.0.1:6379',
  posPort: 3000,
  ecPort: 3001,
  healthPortBase: 3100,
};

describe('npm run stack', () => {
  it('plans the twelve workloads as separate `regi run` processes with their own ports', () => {
    const plan = planStack(options);
    expect(plan.map((p) => p.name)).toEqual([...workloadNames]);
    for (const p of plan) expect(p.args).toEqual(['run', p.name]);
    expect(plan.filter((p) => p.kind === 'job').map((p) => p.name)).toEqual([
      'job-daily-calculate',
      'job-ensure-consistency',
    ]);
    const urls = plan.filter((p) => p.kind === 'service').map((p) => p.readyUrl);
    expect(new Set(urls).size).toBe(10);
    expect(plan.find((p) => p.name === 'pos-web-app')!.env).toMatchObject({
      POS_PORT: '3000',
      DATABASE_URL: options.databaseUrl,
      VALKEY_URL: options.valkeyUrl,
    });
    expect(plan.find((p) => p.name === 'worker-item')!.env.HEALTH_PORT).toBe('3103');
  });

  it('points every process at the SNS/SQS emulator, or at the sql bus without one', () => {
    const sqs = { endpoint: 'http://127.0.0.1:4566', region: 'ap-northeast-1', prefix: 'regi-' };
    for (const p of planStack({ ...options, sqs }))
      expect(p.env).toMatchObject({
        BUS: 'sqs',
        AWS_ENDPOINT_URL: sqs.endpoint,
        AWS_REGION: sqs.region,
        BUS_RESOURCE_PREFIX: 'regi-',
      });
    for (const p of planStack(options)) expect(p.env.BUS).toBe('sql');
  });

  it('injects what Copilot injects when the emulator carries Copilot names', () => {
    const topicArns = {
      inventory: 'arn:aws:sns:ap-northeast-1:000000000000:pos-stack-backend-outbox-inventory.fifo',
    };
    const queueUrls = {
      'worker-item': 'http://127.0.0.1:4566/000000000000/pos-stack-worker-item-EventsQueue-A.fifo',
    };
    const plan = planStack({
      ...options,
      sqs: {
        endpoint: 'http://127.0.0.1:4566',
        region: 'ap-northeast-1',
        prefix: 'regi-',
        copilot: { app: 'pos', env: 'stack', topicArns, queueUrls },
      },
    });
    const env = (name: string) => plan.find((p) => p.name === name)!.env;
    for (const p of plan) {
      expect(p.env).toMatchObject({
        BUS: 'sqs',
        COPILOT_APPLICATION_NAME: 'pos',
        COPILOT_ENVIRONMENT_NAME: 'stack',
      });
      expect(p.env.BUS_RESOURCE_PREFIX).toBeUndefined();
    }
    expect(JSON.parse(env('backend-outbox').COPILOT_SNS_TOPIC_ARNS!)).toEqual(topicArns);
    expect(env('worker-item').COPILOT_QUEUE_URI).toBe(queueUrls['worker-item']);
    expect(env('pos-web-app').COPILOT_QUEUE_URI).toBeUndefined();
    expect(env('worker-item').COPILOT_SNS_TOPIC_ARNS).toBeUndefined();
  });

  it('refuses an unknown workload in --only', () => {
    expect(() => planStack({ ...options, only: ['worker-itme'] })).toThrow(
      'unknown workload(s): worker-itme',
    );
  });

  it('prefixes each complete log line with the workload name', () => {
    const p = prefixer('worker-item', 14);
    expect(p('{"a":1}\n{"b"')).toBe('[worker-item]    {"a":1}\n');
    expect(p(':2}\n')).toBe('[worker-item]    {"b":2}\n');
  });

  it('starts the chosen workloads, and Ctrl-C stops them all', { timeout: 150_000 }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regi-stack-'));
    const port = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'scripts/stack.ts', '--only', 'worker-item,job-daily-calculate'],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          STACK_DATABASE_URL: `sqlite:${path.join(dir, 'regi.db')}`,
          STACK_VALKEY_URL: '',
          STACK_HEALTH_PORT_BASE: String(port - 3), // worker-item is the 4th workload
          STACK_SQS_PORT: String(await freePort()),
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      os.setPriority(child.pid!, 10); // inherited by the workloads it starts: yield to the rest of the suite
    } catch {
      // not permitted here: run at normal priority
    }
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect
        .poll(() => output, { timeout: 140_000, interval: 250 })
        .toContain('stack running; Ctrl-C stops everything');
      expect(output).toContain(`worker-item http://127.0.0.1:${port}/readyz`);
      child.kill('SIGINT');
      expect(await exited, output).toBe(0);
      expect(output).toMatch(/\[stack\]\s+stopped/);
      const stillUp = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        () => true,
        () => false,
      );
      expect(stillUp).toBe(false);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
