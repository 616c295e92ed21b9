import type { EventDefinition } from './events.ts';
import type { EventHandler } from './handler.ts';
import type { QueueDeclaration, Topology, WorkerName } from './topology-types.ts';

export const DEFAULT_VISIBILITY_TIMEOUT_S = 60;
export const DEFAULT_MAX_RECEIVE_COUNT = 5;

/**
 * Derives the topology from the product's event definitions (one topic per family) and the handlers
 * each worker registers (its queue's subscriptions), so a subscription cannot drift from the code
 * that consumes it.
 */
export function buildTopology(
  events: readonly EventDefinition[],
  consumers: Partial<Record<WorkerName, readonly EventHandler[]>>,
  queueSettings: Partial<
    Record<WorkerName, Partial<Pick<QueueDeclaration, 'visibilityTimeoutSeconds'>>>
  > = {},
): Topology {
  const families = [...new Set(events.map((e) => e.family))].sort();
  const known = new Set(events.map((e) => e.type));
  const queues: QueueDeclaration[] = [];
  for (const [worker, handlers] of Object.entries(consumers) as [WorkerName, readonly EventHandler[]][]) {
    const byFamily = new Map<string, Set<string>>();
    for (const h of handlers) {
      if (!known.has(h.type)) throw new Error(`${worker} handles ${h.type}, which is not a declared event`);
      const family = h.type.slice(0, h.type.indexOf('.'));
      byFamily.set(family, (byFamily.get(family) ?? new Set()).add(h.type));
    }
    queues.push({
      worker,
      subscriptions: [...byFamily.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([family, types]) => ({ family, types: [...types].sort() })),
      visibilityTimeoutSeconds:
        queueSettings[worker]?.visibilityTimeoutSeconds ?? DEFAULT_VISIBILITY_TIMEOUT_S,
      maxReceiveCount: DEFAULT_MAX_RECEIVE_COUNT,
    });
  }
  return { publisher: 'backend-outbox', topics: families.map((family) => ({ family })), queues };
}

export function queueOf(topology: Topology, worker: string): QueueDeclaration {
  const q = topology.queues.find((x) => x.worker === worker);
  if (!q) throw new Error(`no queue is declared for ${worker}`);
  return q;
}

/** The queues an event of this type is delivered to. */
export function queuesFor(topology: Topology, type: string): QueueDeclaration[] {
  return topology.queues.filter((q) => q.subscriptions.some((s) => s.types.includes(type)));
}
