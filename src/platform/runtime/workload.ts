import type { FastifyPluginAsync } from 'fastify';
import type { Authenticator } from '../http/auth.ts';
import { createHttpServer, type App } from '../http/server.ts';
import type { Config } from '../config/config.ts';
import type { Logger } from '../log/log.ts';
import { MetricsRecorder, standardDimensions } from '../metrics/index.ts';
import { platformChecks, type Platform } from './platform.ts';
import type { ReadinessCheck } from './readiness.ts';
import { queueOf } from '../bus/build-topology.ts';
import { startConsumer } from '../bus/consumer.ts';
import type { EventHandler } from '../bus/handler.ts';
import { openBus } from '../bus/open-bus.ts';
import { startRelay } from '../bus/relay.ts';
import { topology } from '../bus/topology.ts';
import type { WorkerName } from '../bus/topology-types.ts';

export type WorkloadKind = 'web' | 'backend' | 'worker' | 'job';

/** A workload that is running: what /readyz asks it, and how to stop it. */
export interface RunningWorkload {
  checks: ReadinessCheck[];
  /** Finish in-flight work, then release what the workload holds (not the shared platform). */
  stop(): Promise<void>;
}

export interface Workload {
  name: string;
  kind: WorkloadKind;
  description: string;
  start(p: Platform, log: Logger): Promise<RunningWorkload>;
}

export interface WebAppSpec {
  name: string;
  description: string;
  port: (config: Config) => number;
  plugins: FastifyPluginAsync[];
  /** Plugins that need the process's shared connections (database, cache, bus). */
  platformPlugins?: ((p: Platform) => FastifyPluginAsync)[];
  /** Who signs in to this app (staff sessions for the POS); none: only public routes answer. */
  authenticator?: (p: Platform) => Authenticator;
}

export type WebWorkload = Workload & {
  kind: 'web';
  /** The app exactly as `start` serves it, without listening (tests walk its routes). */
  build(p: Platform, log: Logger): Promise<App>;
};

export function defineWebApp(spec: WebAppSpec): WebWorkload {
  const build = (p: Platform, log: Logger, metrics?: MetricsRecorder) =>
    createHttpServer({
      name: spec.name,
      description: spec.description,
      logger: log,
      readiness: () => platformChecks(p),
      plugins: [...spec.plugins, ...(spec.platformPlugins ?? []).map((f) => f(p))],
      platform: p,
      authenticator: spec.authenticator?.(p),
      secureCookies: p.config.SESSION_COOKIE_SECURE,
      metrics,
      trustProxy: p.config.TRUST_PROXY,
    });
  return {
    name: spec.name,
    kind: 'web',
    description: spec.description,
    build,
    async start(p, log) {
      const metrics = new MetricsRecorder(log, standardDimensions(spec.name));
      const app = await build(p, log, metrics);
      const port = spec.port(p.config);
      await app.listen({ host: p.config.HOST, port });
      log.info({ url: `http://${p.config.HOST}:${port}` }, `${spec.name} listening`);
      return {
        checks: [],
        stop: async () => {
          await app.close();
          metrics.close();
        },
      };
    },
  };
}

export interface WorkerSpec {
  name: WorkerName;
  description: string;
  /** The event handlers this worker runs (its queue's subscriptions are derived from the same list). */
  handlers: readonly EventHandler[];
  /** Work the worker runs beside its consumer (worker-scheduled's clock); stopped before the consumer. */
  background?: (p: Platform, log: Logger) => { stop(): Promise<void> };
}

/**
 * A queue worker: the worker runtime (`platform/bus/consumer.ts`) over the worker's queue of the
 * topology, on the configured bus. The handler list must be the one the topology was derived from.
 */
export function defineWorker(spec: WorkerSpec): Workload {
  return {
    name: spec.name,
    kind: 'worker',
    description: spec.description,
    async start(p, log) {
      const queue = queueOf(topology, spec.name);
      const declared = queue.subscriptions.flatMap((s) => s.types).sort();
      const handled = [...new Set(spec.handlers.map((h) => h.type))].sort();
      if (declared.join() !== handled.join())
        throw new Error(
          `${spec.name} handles [${handled.join()}] but its queue subscribes to [${declared.join()}]`,
        );
      const bus = p.config.BUS === 'sql' ? p.bus : openBus(p.config, p.db.db, topology, spec.name);
      const consumer = startConsumer({
        queue,
        handlers: spec.handlers,
        db: p.db.db,
        bus,
        cache: p.cache,
        config: p.config,
        log,
        concurrency: p.config.WORKER_CONCURRENCY,
        retryBaseMs: p.config.WORKER_RETRY_BASE_MS,
        retryMaxMs: p.config.WORKER_RETRY_MAX_MS,
      });
      log.info(
        { queue: spec.name, bus: bus.kind, handlers: spec.handlers.map((h) => h.name) },
        `${spec.name} started: consuming its queue`,
      );
      const background = spec.background?.(p, log);
      return {
        checks: consumer.checks,
        stop: async () => {
          await background?.stop();
          await consumer.stop();
          if (bus !== p.bus) await bus.close();
        },
      };
    },
  };
}

export interface RelaySpec {
  name: 'backend-outbox';
  description: string;
}

/** The outbox relay (one active per deployment through a DB lease; the others stand by). */
export function defineRelay(spec: RelaySpec): Workload {
  return {
    name: spec.name,
    kind: 'backend',
    description: spec.description,
    async start(p, log) {
      const c = p.config;
      const relay = startRelay({
        db: p.db.db,
        bus: p.bus,
        log,
        batchSize: c.RELAY_BATCH_SIZE,
        pollMs: c.RELAY_POLL_MS,
        leaseMs: c.RELAY_LEASE_MS,
        heartbeatMs: c.RELAY_HEARTBEAT_MS,
        retentionMs: c.BUS_RETENTION_HOURS * 3600_000,
      });
      log.info({ bus: p.bus.kind, holder: relay.holder }, 'relay started (standby until it holds the lease)');
      return { checks: relay.checks, stop: () => relay.stop() };
    },
  };
}
