import type { Logger } from '../log/log.ts';

/**
 * Business and pipeline figures as CloudWatch Embedded Metric Format (EMF): a JSON log line with an
 * `_aws` block that CloudWatch Logs turns into metrics, so the alarms and the dashboard of
 * copilot/environments/addons/monitoring.yml work without an agent. The line goes through the
 * workload's pino logger, so locally it is one more plain JSON log line.
 *
 * Figures are aggregated in memory and written once per interval (default 60 s) and on close:
 * counts are summed, observations (durations, amounts) are kept as value lists, which EMF accepts
 * up to 100 per metric and line.
 */
export const NAMESPACE = 'regi';
export type Unit = 'Count' | 'Milliseconds' | 'Seconds' | 'None';
const MAX_VALUES = 100;

export interface MetricDatum {
  name: string;
  unit: Unit;
  values: number[];
}

/** One EMF object (pure): the `_aws` directive plus the dimension and metric members. */
export function toEmf(
  dimensions: Record<string, string>,
  metrics: MetricDatum[],
  timestamp: number,
  namespace = NAMESPACE,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [Object.keys(dimensions)],
          Metrics: metrics.map((m) => ({ Name: m.name, Unit: m.unit })),
        },
      ],
    },
    ...dimensions,
  };
  for (const m of metrics) out[m.name] = m.values.length === 1 ? m.values[0] : m.values;
  return out;
}

/** Environment + Workload: the dimensions every regi metric carries (ECS tasks get the environment from Copilot). */
export function standardDimensions(
  workload: string,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  return { Environment: env.COPILOT_ENVIRONMENT_NAME || 'local', Workload: workload };
}

export class MetricsRecorder {
  private counts = new Map<string, number>();
  private observations = new Map<string, { unit: Unit; values: number[] }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly dimensions: Record<string, string>,
    opts: { flushIntervalMs?: number; now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
    const interval = opts.flushIntervalMs ?? 60_000;
    if (interval > 0) {
      this.timer = setInterval(() => this.flush(), interval);
      this.timer.unref();
    }
  }

  private readonly now: () => number;

  count(name: string, n = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }

  observe(name: string, value: number, unit: Unit = 'Milliseconds'): void {
    const o = this.observations.get(name) ?? { unit, values: [] };
    o.values.push(value);
    this.observations.set(name, o);
  }

  /** Writes what was recorded since the last flush (nothing when nothing was recorded). */
  flush(): void {
    const counts = [...this.counts].map(([name, n]) => ({ name, unit: 'Count' as Unit, values: [n] }));
    const observed = [...this.observations].map(([name, o]) => ({ name, unit: o.unit, values: o.values }));
    this.counts.clear();
    this.observations.clear();
    if (counts.length === 0 && observed.length === 0) return;
    const timestamp = this.now();
    // Counts travel with the first chunk of observations; each line holds at most 100 values per metric.
    const chunks = Math.max(1, ...observed.map((o) => Math.ceil(o.values.length / MAX_VALUES)));
    for (let i = 0; i < chunks; i++) {
      const metrics = [
        ...(i === 0 ? counts : []),
        ...observed
          .map((o) => ({ ...o, values: o.values.slice(i * MAX_VALUES, (i + 1) * MAX_VALUES) }))
          .filter((o) => o.values.length > 0),
      ];
      this.log.info(toEmf(this.dimensions, metrics, timestamp), 'metrics');
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }
}
