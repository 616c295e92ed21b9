import type { Config } from '../config/config.ts';
import type { Db } from '../db/connect.ts';
import type { Bus } from './bus.ts';
import { createSqlBus } from './sql-bus.ts';
import { createSqsBus } from './sqs-bus.ts';
import type { CopilotNames } from './sqs-names.ts';
import type { Topology } from './topology-types.ts';

/** The bus the configuration names, over the given topology (the product's, or a test's). */
export function openBus(config: Config, db: Db, topology: Topology, worker?: string): Bus {
  if (config.BUS === 'sql') return createSqlBus(db, topology, { pollMs: config.BUS_SQL_POLL_MS });
  const copilot = copilotNamesOf(config);
  return createSqsBus(topology, {
    region: config.AWS_REGION,
    endpoint: config.AWS_ENDPOINT_URL,
    prefix: config.BUS_RESOURCE_PREFIX,
    ...(copilot ? { copilot } : {}),
    topicArns: config.COPILOT_SNS_TOPIC_ARNS,
    queueUrls: config.BUS_QUEUE_URLS,
    ownQueue: worker && config.COPILOT_QUEUE_URI ? { worker, url: config.COPILOT_QUEUE_URI } : undefined,
  });
}

/** Copilot injects its application and environment into every task: then its names are the ones to find. */
export function copilotNamesOf(config: Config): CopilotNames | undefined {
  return config.COPILOT_APPLICATION_NAME && config.COPILOT_ENVIRONMENT_NAME
    ? { app: config.COPILOT_APPLICATION_NAME, env: config.COPILOT_ENVIRONMENT_NAME }
    : undefined;
}
