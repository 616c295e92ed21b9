/**
 * The Kysely schema of the whole application. It starts with the platform's own tables; each module
 * adds its tables by augmenting this interface from its own `tables.ts`:
 *
 *   declare module '../../platform/db/database.ts' { interface Database { product: ProductTable } }
 *
 * so a module owns its table types and nothing here has to import business code.
 */
import type { Generated } from 'kysely';

export interface SystemStateTable {
  key: string;
  value: string;
  updated_at: string;
}

export interface Database {
  system_state: SystemStateTable;
}

/** Auto-increment primary key column as Kysely sees it. */
export type Id = Generated<number>;
