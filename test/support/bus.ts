import { startFauxqs, type FauxqsServer } from 'fauxqs';
import { afterAll, beforeAll } from 'vitest';
import type { Bus } from '../../src/platform/bus/bus.ts';
import { provisionBus } from '../../src/platform/bus/provision.ts';
import { createSqlBus } from '../../src/platform/bus/sql-bus.ts';
import { createSqsBus } from '../../src/platform/bus/sqs-bus.ts';
import type { Topology } from '../../src/platform/bus/topology-types.ts';
import type { Db } from '../../src/platform/db/connect.ts';

export type BusKind = 'sql' | 'sqs';
export const REGION = 'ap-northeast-1';

let prefixes = 0;

/** The SNS/SQS emulator in this process, started for the enclosing describe. */
export function useEmulator() {
  const state = {} as { server: FauxqsServer; endpoint: string };
  beforeAll(async () => {
    state.server = await startFauxqs({ port: 0, logger: false });
    state.endpoint = `http://127.0.0.1:${state.server.port}`;
  });
  afterAll(async () => {
    await state.server?.stop();
  });
  return state;
}

/** A bus of the kind over the topology; for `sqs`, its resources are provisioned under a fresh prefix. */
export async function makeBus(kind: BusKind, db: Db, topology: Topology, endpoint?: string): Promise<Bus> {
  if (kind === 'sql') return createSqlBus(db, topology, { pollMs: 20 });
  const prefix = `t${process.pid}x${++prefixes}-`;
  await provisionBus(topology, { region: REGION, endpoint, prefix });
  return createSqsBus(topology, { region: REGION, endpoint, prefix });
}
