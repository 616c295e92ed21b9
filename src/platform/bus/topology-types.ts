import type { WorkloadName } from '../../workloads/names.ts';

/**
 * The shape of the event topology (DESIGN.md §6). The one declaration (`topology.ts`) is of this
 * type; the `sql` bus, the SNS/SQS provisioning and the Copilot manifest checks all read it.
 *
 * - One SNS FIFO topic per event family (`inventory`, `sales`, ...), published by `backend-outbox`.
 * - One SQS FIFO queue per worker, subscribed to topics with a filter policy on the event `type`,
 *   with a dead-letter queue after `maxReceiveCount` receives.
 */
export type WorkerName = Extract<WorkloadName, `worker-${string}`>;

export interface TopicDeclaration {
  /** Event family: the part of the event type before the dot (`inventory` of `inventory.stock_changed`). */
  family: string;
}

export interface SubscriptionDeclaration {
  family: string;
  /** Event types delivered to the queue (the SNS filter policy on the `type` message attribute). */
  types: string[];
}

export interface QueueDeclaration {
  worker: WorkerName;
  subscriptions: SubscriptionDeclaration[];
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the dead-letter queue (5 everywhere unless a reason is written). */
  maxReceiveCount: number;
}

export interface Topology {
  publisher: 'backend-outbox';
  topics: TopicDeclaration[];
  queues: QueueDeclaration[];
}
