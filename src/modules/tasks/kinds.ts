import type { z } from 'zod';
import type { Tx } from '../../platform/db/transaction.ts';

export interface TaskScope {
  corporationId: number;
  storeId: number | null;
}

/**
 * A kind of bulk work, registered by the module that owns it (item import, re-pricing...). `process`
 * runs once per item inside the chunk's transaction; an AppError or a schema error fails that item
 * only (its writes are rolled back to a savepoint), any other error retries the whole chunk.
 */
export interface TaskKind<I = unknown> {
  kind: string;
  item: z.ZodType<I>;
  /** How an item is named in the error list (a row number, a product code). */
  refOf(item: I, index: number): string;
  process(tx: Tx, item: I, ctx: TaskScope & { taskId: number }): Promise<void>;
}

const kinds = new Map<string, TaskKind>();

export function defineTaskKind<I>(kind: TaskKind<I>): TaskKind<I> {
  if (kinds.has(kind.kind)) throw new Error(`task kind ${kind.kind} is defined twice`);
  kinds.set(kind.kind, kind as TaskKind);
  return kind;
}

export function taskKind(name: string): TaskKind | undefined {
  return kinds.get(name);
}
