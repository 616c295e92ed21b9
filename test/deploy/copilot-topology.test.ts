import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Topology } from '../../src/platform/bus/topology-types.ts';
import type { CopilotApp } from '../../src/platform/deploy/copilot-app.ts';
import { checkManifestSchemas } from '../../src/platform/deploy/copilot-app.ts';
import { checkTopology, durationSeconds } from '../../src/platform/deploy/topology-manifests.ts';
import { syncManifestText } from '../../src/platform/deploy/topology-sync.ts';
import { copilotApp, copilotRoot, manifestOf } from './support.ts';

/** A topology shaped like the real one will be: two families, two subscribing workers. */
const fixture: Topology = {
  publisher: 'backend-outbox',
  topics: [{ family: 'inventory' }, { family: 'buyins' }],
  queues: [
    {
      worker: 'worker-product',
      subscriptions: [{ family: 'inventory', types: ['inventory.stock_changed', 'inventory.price_changed'] }],
      visibilityTimeoutSeconds: 30,
      maxReceiveCount: 5,
    },
    {
      worker: 'worker-transaction',
      subscriptions: [
        { family: 'buyins', types: ['buyins.completed', 'buyins.cancelled'] },
        { family: 'inventory', types: ['inventory.stock_changed'] },
      ],
      visibilityTimeoutSeconds: 60,
      maxReceiveCount: 5,
    },
  ],
};

/** The repository's manifests as `npm run copilot:sync` would rewrite them for `topology`. */
function syncedApp(topology: Topology): CopilotApp {
  const app = copilotApp();
  const workers = Object.keys(app.workloads).filter((n) => n.startsWith('worker-'));
  for (const w of Object.values(app.workloads)) {
    const text = fs.readFileSync(path.join(copilotRoot, w.file), 'utf8');
    w.manifest = parse(syncManifestText(text, topology, workers));
  }
  return app;
}

describe('Copilot manifests against the event topology', () => {
  it('differ from a topology with events they do not carry until they are synced', () => {
    const problems = checkTopology(fixture, copilotApp());
    expect(problems).toContain('backend-outbox/manifest.yml: publish.topics lacks the FIFO topic "buyins"');
    expect(problems).toContain('worker-transaction/manifest.yml: does not subscribe to topic "buyins"');
  });

  it('match after the sync, which renders FIFO topics, filter policies on type, timeouts and DLQ tries', () => {
    const app = syncedApp(fixture);
    expect(checkTopology(fixture, app)).toEqual([]);
    expect(checkManifestSchemas(app)).toEqual([]);
    expect(manifestOf(app, 'backend-outbox').publish.topics).toEqual([
      { name: 'buyins', fifo: true },
      { name: 'inventory', fifo: true },
    ]);
    expect(manifestOf(app, 'worker-transaction').subscribe).toMatchObject({
      queue: { fifo: true, timeout: '60s', dead_letter: { tries: 5 } },
      topics: [
        {
          name: 'buyins',
          service: 'backend-outbox',
          filter_policy: { type: ['buyins.cancelled', 'buyins.completed'] },
        },
        {
          name: 'inventory',
          service: 'backend-outbox',
          filter_policy: { type: ['inventory.stock_changed'] },
        },
      ],
    });
    expect(manifestOf(app, 'worker-item').subscribe.topics).toEqual([]);
  });

  it('keep comments and other fields through the sync, and a second sync changes nothing', () => {
    const file = path.join(copilotRoot, 'worker-transaction/manifest.yml');
    const once = syncManifestText(fs.readFileSync(file, 'utf8'), fixture, ['worker-transaction']);
    expect(once).toContain('# Seed: workers are deliberately small');
    expect(parse(once).cpu).toBe(256);
    expect(syncManifestText(once, fixture, ['worker-transaction'])).toBe(once);
  });

  describe('fail when a manifest drifts (mutated copies)', () => {
    const drift = (mutate: (app: CopilotApp) => void) => {
      const app = syncedApp(fixture);
      mutate(app);
      return checkTopology(fixture, app);
    };

    it('a type missing from a filter policy', () => {
      const problems = drift((app) =>
        manifestOf(app, 'worker-product').subscribe.topics[0].filter_policy.type.pop(),
      );
      expect(problems).toEqual([expect.stringMatching(/worker-product.*filter policy of "inventory"/)]);
    });

    it('a filter on another attribute than type', () => {
      const problems = drift((app) => {
        manifestOf(app, 'worker-product').subscribe.topics[0].filter_policy = {
          event: ['inventory.stock_changed'],
        };
      });
      expect(problems).toEqual([expect.stringMatching(/worker-product.*filter policy/)]);
    });

    it('different dead-letter tries', () => {
      const problems = drift(
        (app) => (manifestOf(app, 'worker-transaction').subscribe.queue.dead_letter.tries = 3),
      );
      expect(problems).toEqual([
        'worker-transaction/manifest.yml: subscribe.queue.dead_letter.tries is 3, the topology says 5',
      ]);
    });

    it('a different visibility timeout', () => {
      const problems = drift(
        (app) => (manifestOf(app, 'worker-transaction').subscribe.queue.timeout = '45s'),
      );
      expect(problems).toEqual([
        'worker-transaction/manifest.yml: subscribe.queue.timeout is 45s, the topology says 60s',
      ]);
    });

    it('a standard (non-FIFO) queue', () => {
      const problems = drift((app) => delete manifestOf(app, 'worker-product').subscribe.queue.fifo);
      expect(problems).toEqual([expect.stringMatching(/worker-product.*fifo must be on/)]);
    });

    it('a topic the code does not declare, and a subscription the code does not make', () => {
      const problems = drift((app) => {
        manifestOf(app, 'backend-outbox').publish.topics.push({ name: 'legacy', fifo: true });
        manifestOf(app, 'worker-item').subscribe.topics.push({
          name: 'buyins',
          service: 'backend-outbox',
          filter_policy: { type: ['buyins.completed'] },
        });
      });
      expect(problems).toEqual([
        'backend-outbox/manifest.yml: publishes topic "legacy" that the topology does not declare',
        'worker-item/manifest.yml: subscribes to "buyins", which the topology does not',
      ]);
    });

    it('a publisher other than the relay, or a per-environment override of the subscriptions', () => {
      const problems = drift((app) => {
        manifestOf(app, 'pos-web-app').publish = { topics: [{ name: 'buyins', fifo: true }] };
        manifestOf(app, 'worker-product').environments.production = { subscribe: { topics: [] } };
      });
      expect(problems).toEqual([
        'pos-web-app/manifest.yml: only backend-outbox publishes (events go through the outbox)',
        'worker-product/manifest.yml: environments.production.subscribe would make production differ from the topology',
      ]);
    });

    it('a topology queue without a worker manifest', () => {
      const app = syncedApp(fixture);
      delete app.workloads['worker-product'];
      expect(checkTopology(fixture, app)).toContain(
        'topology queue of worker-product: no Worker Service manifest',
      );
    });
  });

  it('reads Copilot durations', () => {
    expect([
      durationSeconds('30s'),
      durationSeconds('1m30s'),
      durationSeconds('2h'),
      durationSeconds('x'),
    ]).toEqual([30, 90, 7200, undefined]);
  });
});
