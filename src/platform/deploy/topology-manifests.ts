import type { QueueDeclaration, Topology } from '../bus/topology-types.ts';
import type { CopilotApp } from './copilot-app.ts';

/**
 * How the event topology declared in code appears in the Copilot manifests:
 * - `backend-outbox` publishes one FIFO topic per event family (`publish.topics`);
 * - each worker's default queue is FIFO, with the topology's visibility timeout and
 *   `dead_letter.tries` = maxReceiveCount, and subscribes to its families with a filter policy on
 *   the `type` message attribute listing exactly the types it handles.
 * `expectedBlocks` renders those blocks (used by `npm run copilot:sync`); `checkTopology` compares
 * the manifests with them (used by the tests). A worker the topology does not list subscribes to
 * nothing (Copilot still creates its queue).
 */
export const PUBLISHER = 'backend-outbox' as const;

export interface ExpectedBlocks {
  publishTopics: { name: string; fifo: true }[];
  workers: Record<string, { timeout: string; tries: number; topics: ExpectedSubscription[] }>;
}
export interface ExpectedSubscription {
  name: string;
  service: typeof PUBLISHER;
  filter_policy: { type: string[] };
}

export const DEFAULT_QUEUE = { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 };

export function expectedBlocks(topology: Topology, workerNames: readonly string[]): ExpectedBlocks {
  const byWorker = new Map<string, QueueDeclaration>(topology.queues.map((q) => [q.worker, q]));
  const workers: ExpectedBlocks['workers'] = {};
  for (const worker of workerNames) {
    const q = byWorker.get(worker);
    workers[worker] = {
      timeout: `${q?.visibilityTimeoutSeconds ?? DEFAULT_QUEUE.visibilityTimeoutSeconds}s`,
      tries: q?.maxReceiveCount ?? DEFAULT_QUEUE.maxReceiveCount,
      topics: (q?.subscriptions ?? [])
        .map((s) => ({ name: s.family, service: PUBLISHER, filter_policy: { type: [...s.types].sort() } }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  }
  return {
    publishTopics: topology.topics
      .map((t) => ({ name: t.family, fifo: true as const }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    workers,
  };
}

/** Durations as Copilot writes them (`30s`, `5m`, `1h`, `1m30s`) in seconds. */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value) return undefined;
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 } as const;
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0);
}

const get = (o: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
    o,
  );

/** Problems where the manifests differ from the topology; empty when they match. */
export function checkTopology(topology: Topology, app: CopilotApp): string[] {
  const problems: string[] = [];
  const workerNames = Object.keys(app.workloads).filter(
    (n) => app.workloads[n]!.manifest.type === 'Worker Service',
  );
  const expected = expectedBlocks(topology, workerNames);

  for (const q of topology.queues)
    if (!workerNames.includes(q.worker))
      problems.push(`topology queue of ${q.worker}: no Worker Service manifest`);
  const families = new Set(topology.topics.map((t) => t.family));
  for (const q of topology.queues)
    for (const s of q.subscriptions)
      if (!families.has(s.family))
        problems.push(`topology: ${q.worker} subscribes to undeclared family ${s.family}`);

  const publisher = app.workloads[PUBLISHER];
  if (!publisher) problems.push(`${PUBLISHER}: manifest missing`);
  else {
    const topics =
      (get(publisher.manifest, 'publish', 'topics') as { name?: unknown; fifo?: unknown }[] | undefined) ??
      [];
    const have = new Map(topics.map((t) => [String(t.name), t]));
    for (const t of expected.publishTopics) {
      const h = have.get(t.name);
      if (!h) problems.push(`${publisher.file}: publish.topics lacks the FIFO topic "${t.name}"`);
      else if (h.fifo !== true) problems.push(`${publisher.file}: topic "${t.name}" must be fifo: true`);
    }
    for (const name of have.keys())
      if (!families.has(name))
        problems.push(`${publisher.file}: publishes topic "${name}" that the topology does not declare`);
  }
  for (const [name, w] of Object.entries(app.workloads)) {
    if (name !== PUBLISHER && get(w.manifest, 'publish') !== undefined)
      problems.push(`${w.file}: only ${PUBLISHER} publishes (events go through the outbox)`);
    const envs = (get(w.manifest, 'environments') as Record<string, unknown> | undefined) ?? {};
    for (const [env, o] of Object.entries(envs))
      for (const key of ['publish', 'subscribe'])
        if (get(o, key) !== undefined)
          problems.push(`${w.file}: environments.${env}.${key} would make ${env} differ from the topology`);
  }

  for (const worker of workerNames) {
    const { file, manifest } = app.workloads[worker]!;
    const want = expected.workers[worker]!;
    const queue = get(manifest, 'subscribe', 'queue');
    const fifo = get(queue, 'fifo');
    if (!(fifo === true || (typeof fifo === 'object' && fifo !== null)))
      problems.push(`${file}: subscribe.queue.fifo must be on (FIFO topics need a FIFO queue)`);
    if (durationSeconds(get(queue, 'timeout')) !== durationSeconds(want.timeout))
      problems.push(
        `${file}: subscribe.queue.timeout is ${String(get(queue, 'timeout'))}, the topology says ${want.timeout}`,
      );
    if (get(queue, 'dead_letter', 'tries') !== want.tries)
      problems.push(
        `${file}: subscribe.queue.dead_letter.tries is ${String(get(queue, 'dead_letter', 'tries'))}, the topology says ${want.tries}`,
      );
    const topics = (get(manifest, 'subscribe', 'topics') as Record<string, unknown>[] | undefined) ?? [];
    const have = new Map(topics.map((t) => [String(t.name), t]));
    for (const t of want.topics) {
      const h = have.get(t.name);
      if (!h) {
        problems.push(`${file}: does not subscribe to topic "${t.name}"`);
        continue;
      }
      if (h.service !== PUBLISHER)
        problems.push(`${file}: topic "${t.name}" is published by ${PUBLISHER}, not ${String(h.service)}`);
      if (h.queue !== undefined)
        problems.push(`${file}: topic "${t.name}" must use the worker's one queue (no topic queue)`);
      const policy = h.filter_policy as Record<string, unknown> | undefined;
      const types = Array.isArray(policy?.type)
        ? [...(policy.type as unknown[])].map(String).sort()
        : undefined;
      if (
        !policy ||
        Object.keys(policy).join() !== 'type' ||
        JSON.stringify(types) !== JSON.stringify(t.filter_policy.type)
      )
        problems.push(
          `${file}: filter policy of "${t.name}" is ${JSON.stringify(policy)}, the topology says ${JSON.stringify(t.filter_policy)}`,
        );
    }
    for (const name of have.keys())
      if (!want.topics.some((t) => t.name === name))
        problems.push(`${file}: subscribes to "${name}", which the topology does not`);
  }
  return problems;
}
