import { Writable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createHttpServer } from '../http/server.ts';
import { createLogger } from '../log/log.ts';
import { MetricsRecorder, standardDimensions, toEmf } from './emf.ts';

/** A logger whose JSON lines land in an array. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: createLogger({ level: 'info', destination: stream }) };
}

/** What CloudWatch requires of an EMF line: every declared metric and dimension is a root member. */
function expectValidEmf(line: Record<string, unknown>) {
  const aws = line._aws as {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  expect(Number.isInteger(aws.Timestamp)).toBe(true);
  for (const d of aws.CloudWatchMetrics) {
    expect(d.Namespace).toBe('regi');
    for (const name of d.Dimensions.flat()) expect(typeof line[name]).toBe('string');
    for (const m of d.Metrics) {
      const v = line[m.Name];
      expect(
        typeof v === 'number' ||
          (Array.isArray(v) && v.length <= 100 && v.every((x) => typeof x === 'number')),
      ).toBe(true);
    }
  }
}

describe('EMF metrics', () => {
  it('builds the CloudWatch directive with the dimensions and values as root members', () => {
    const line = toEmf(
      { Environment: 'staging', Workload: 'pos-web-app' },
      [
        { name: 'SalesCount', unit: 'Count', values: [3] },
        { name: 'HttpDuration', unit: 'Milliseconds', values: [1.5, 20] },
      ],
      1_700_000_000_000,
    );
    expect(line).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: 'regi',
            Dimensions: [['Environment', 'Workload']],
            Metrics: [
              { Name: 'SalesCount', Unit: 'Count' },
              { Name: 'HttpDuration', Unit: 'Milliseconds' },
            ],
          },
        ],
      },
      Environment: 'staging',
      Workload: 'pos-web-app',
      SalesCount: 3,
      HttpDuration: [1.5, 20],
    });
  });

  it('takes the environment from Copilot, and says local outside it', () => {
    expect(standardDimensions('worker-item', { COPILOT_ENVIRONMENT_NAME: 'production' })).toEqual({
      Environment: 'production',
      Workload: 'worker-item',
    });
    expect(standardDimensions('worker-item', {})).toEqual({ Environment: 'local', Workload: 'worker-item' });
  });

  it('sums counts into one JSON log line per flush, and writes nothing when nothing happened', () => {
    const { lines, log } = capture();
    const m = new MetricsRecorder(
      log,
      { Environment: 'local', Workload: 'w' },
      { flushIntervalMs: 0, now: () => 42 },
    );
    m.flush();
    expect(lines).toHaveLength(0);
    m.count('HandlerFailures');
    m.count('HandlerFailures', 2);
    m.observe('SalesAmountYen', 1200, 'None');
    m.flush();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'metrics',
      level: 'info',
      HandlerFailures: 3,
      SalesAmountYen: 1200,
    });
    expectValidEmf(lines[0]!);
    m.close();
    expect(lines).toHaveLength(1);
  });

  it('splits more than 100 observations over several lines, counts only in the first', () => {
    const { lines, log } = capture();
    const m = new MetricsRecorder(log, { Environment: 'local', Workload: 'w' }, { flushIntervalMs: 0 });
    for (let i = 0; i < 250; i++) m.observe('HttpDuration', i);
    m.count('HttpRequests', 250);
    m.close();
    expect(lines.map((l) => (l.HttpDuration as number[]).length)).toEqual([100, 100, 50]);
    expect(lines.map((l) => l.HttpRequests)).toEqual([250, undefined, undefined]);
    lines.forEach(expectValidEmf);
  });

  it('counts HTTP requests, 5xx answers and durations, but not the probes', async () => {
    const { lines, log } = capture();
    const metrics = new MetricsRecorder(
      log,
      { Environment: 'local', Workload: 'pos-web-app' },
      { flushIntervalMs: 0 },
    );
    const routes: FastifyPluginAsync = async (app) => {
      app.get('/api/v1/ok', { config: { access: 'public' } }, async () => ({ ok: true }));
      app.get('/api/v1/boom', { config: { access: 'public' } }, async () => {
        throw new Error('boom');
      });
    };
    const app = await createHttpServer({
      name: 'pos-web-app',
      description: 't',
      logger: createLogger({ level: 'silent' }),
      readiness: () => [],
      plugins: [routes],
      docs: false,
      metrics,
    });
    for (const url of ['/api/v1/ok', '/api/v1/ok', '/api/v1/boom', '/api/v1/nowhere', '/healthz', '/readyz'])
      await app.inject({ url });
    await app.close();
    metrics.close();
    const line = lines.find((l) => l.msg === 'metrics')!;
    expect(line).toMatchObject({ Workload: 'pos-web-app', HttpRequests: 4, HttpServerErrors: 1 });
    expect(line.HttpDuration).toHaveLength(4);
    expectValidEmf(line);
  });
});
