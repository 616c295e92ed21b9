import type { Logger } from '../log/log.ts';
import type { Platform } from './platform.ts';
import type { RunningWorkload, Workload } from './workload.ts';

export interface Hosted {
  running: Map<string, RunningWorkload>;
  /** Stops every workload (in reverse start order), bounded by the shutdown timeout. */
  stop(): Promise<void>;
}

/** Starts workloads in one process over a shared platform; a failed start stops the ones started. */
export async function hostWorkloads(p: Platform, list: Workload[]): Promise<Hosted> {
  const running = new Map<string, RunningWorkload>();
  const stop = async () => {
    const ordered = [...running.entries()].reverse();
    await Promise.allSettled(
      ordered.map(async ([name, w]) => {
        try {
          await w.stop();
        } catch (err) {
          p.log.error({ err, workload: name }, 'workload did not stop cleanly');
        }
      }),
    );
  };
  try {
    for (const w of list) {
      const started = await w.start(p, p.log.child({ workload: w.name }));
      running.set(w.name, started);
      p.workloadChecks.push(...started.checks.map((c) => ({ ...c, name: `${w.name}.${c.name}` })));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { running, stop };
}

/**
 * SIGTERM/SIGINT: stop accepting work, finish what is in flight, close connections, exit 0 — all
 * within the shutdown timeout, after which the process exits 1 anyway. A second signal exits at once.
 */
export function exitOnSignals(log: Logger, timeoutMs: number, shutdown: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    shutdown().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
