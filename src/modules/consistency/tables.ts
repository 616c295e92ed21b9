import type { Id } from '../../platform/db/database.ts';

export interface ConsistencyReportTable {
  id: Id;
  ran_at: string;
  repair: number;
  critical: number;
  warnings: number;
  /** JSON of `ConsistencyReport`. */
  report: string;
}

declare module '../../platform/db/database.ts' {
  interface Database {
    consistency_report: ConsistencyReportTable;
  }
}
