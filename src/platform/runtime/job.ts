import { Cron } from 'croner';
import type { Logger } from '../log/log.ts';
import type { Platform } from './platform.ts';
import type { Workload } from './workload.ts';

export interface JobResult {
  /** 0 done; 1 the job could not complete; other codes as the job documents. */
  exitCode: number;
  summary: Record<string, unknown>;
}

export interface JobSpec {
  name: string;
  description: string;
  /** When the embedded mode runs it (in AWS the same cron is the Copilot job schedule). */
  schedule: { cron: string; timezone: string };
  run(p: Platform, log: Logger, args: string[]): Promise<JobResult>;
}

export type JobWorkload = Workload & { kind: 'job'; spec: JobSpec };

/**
 * A scheduled job. Alone (`regi run job-x`, a container) it runs once and exits with its code.
 * Embedded (`regi dev`) it runs on its cron inside the process; a run still going at shutdown is
 * awaited.
 */
export function defineJob(spec: JobSpec): JobWorkload {
  return {
    name: spec.name,
    kind: 'job',
    description: spec.description,
    spec,
    async start(p, log) {
      let current: Promise<void> | undefined;
      const cron = new Cron(spec.schedule.cron, { timezone: spec.schedule.timezone, protect: true }, () => {
        current = spec
          .run(p, log, [])
          .then((r) => log.info({ summary: r.summary, exitCode: r.exitCode }, `${spec.name} finished`))
          .catch((err) => log.error({ err }, `${spec.name} failed`));
        return current;
      });
      log.info(
        { next: cron.nextRun()?.toISOString() },
        `${spec.name} scheduled (${spec.schedule.cron} ${spec.schedule.timezone})`,
      );
      return {
        checks: [],
        stop: async () => {
          cron.stop();
          await current;
        },
      };
    },
  };
}
