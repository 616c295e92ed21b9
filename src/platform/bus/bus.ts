import type { Tx } from '../db/transaction.ts';
import type { EventEnvelope } from './events.ts';

/** A committed outbox row on its way to the bus. */
export interface OutgoingEvent {
  topic: string;
  envelope: EventEnvelope;
}

export interface PublishResult {
  /** Event ids the bus accepted (the relay marks exactly these as sent). */
  published: string[];
  failed: { eventId: string; error: string }[];
}

export interface Delivery {
  envelope: EventEnvelope;
  /** How many times this message has been received, this time included. */
  receiveCount: number;
  /** Opaque: what ack/retry/extend need (SQS receipt handle, or row id + receipt on the sql bus). */
  handle: string;
}

export interface QueueStats {
  queue: string;
  /** Messages waiting to be received. */
  depth: number;
  /** Received and not yet acknowledged (or waiting out a retry delay). */
  inFlight: number;
  deadLetters: number;
}

export interface DeadLetter {
  eventId: string;
  type: string;
  key: string;
  receiveCount: number;
  lastError: string | null;
  envelope: EventEnvelope;
}

/**
 * What the relay and the worker runtime need from a message bus. Two implementations: `sql` (tables
 * in the application database) and `sqs` (SNS FIFO topics → SQS FIFO queues). Both: FIFO per ordering
 * key, dedup on event id, visibility timeout, receive count, DLQ after the queue's maxReceiveCount.
 */
export interface Bus {
  readonly kind: 'sql' | 'sqs';
  /**
   * Sends events (in the given order) to their topics. The `sql` bus writes in `tx` when given, so
   * the relay can mark rows sent in the same transaction; the `sqs` bus ignores it.
   */
  publish(events: OutgoingEvent[], tx?: Tx): Promise<PublishResult>;
  /** Waits up to `waitMs` for messages (long poll); at most one unacknowledged message per key is out at a time. */
  receive(queue: string, opts: { max: number; waitMs: number; signal?: AbortSignal }): Promise<Delivery[]>;
  ack(queue: string, deliveries: Delivery[]): Promise<void>;
  /** Makes the message receivable again after `delayMs` (a failed attempt). */
  retryLater(queue: string, delivery: Delivery, delayMs: number, error: string): Promise<void>;
  /** Keeps a long-running message invisible for `seconds` more. */
  extendVisibility(queue: string, delivery: Delivery, seconds: number): Promise<void>;
  stats(): Promise<QueueStats[]>;
  listDeadLetters(queue: string, limit: number): Promise<DeadLetter[]>;
  /** Moves dead letters (all, or those with the given event ids) back to their queue; returns how many. */
  redrive(queue: string, eventIds?: string[]): Promise<number>;
  close(): Promise<void>;
}

export class UnknownQueueError extends Error {
  constructor(readonly queue: string) {
    super(`unknown queue "${queue}"`);
  }
}
