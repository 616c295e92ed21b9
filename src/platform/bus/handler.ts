import type { Cache } from '../cache/index.ts';
import type { Config } from '../config/config.ts';
import type { Tx } from '../db/transaction.ts';
import type { Logger } from '../log/log.ts';
import type { EventDefinition, EventEnvelope } from './events.ts';

export interface HandlerContext {
  log: Logger;
  cache: Cache;
  config: Config;
  /** Runs after the handler's transaction committed (notifications, cache pushes); errors are logged. */
  afterCommit(fn: () => Promise<void>): void;
}

/** A module's reaction to one event type, run by the worker runtime inside a transaction with the inbox record. */
export interface EventHandler {
  /** Names the handler in logs: `<module>.<what>`. */
  name: string;
  type: string;
  handle(tx: Tx, event: EventEnvelope, ctx: HandlerContext): Promise<void>;
}

export function onEvent<T>(
  name: string,
  event: EventDefinition<T>,
  handle: (tx: Tx, event: EventEnvelope<T>, ctx: HandlerContext) => Promise<void>,
): EventHandler {
  return { name, type: event.type, handle: handle as EventHandler['handle'] };
}
