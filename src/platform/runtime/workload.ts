import type { FastifyPluginAsync } from 'fastify';
import type { Authenticator } from '../http/auth.ts';
import { createHttpServer, type App } from '../http/server.ts';
import type { Config } from '../config/config.ts';
import type { Logger } from '../log/log.ts';
import { platformChecks, type Platform } from './platform.ts';
import type { ReadinessCheck } from './readiness.ts';

export type WorkloadKind = 'web' | 'backend' | 'worker' | 'job';

/** A workload that is running: what /readyz asks it, and how to stop it. */
export interface RunningWorkload {
  checks: ReadinessCheck[];
  /** Finish in-flight work, then release what the workload holds (not the shared platform). */
  stop(): Promise<void>;
  /** Web apps: the Fastify instance (tests inject requests into it). */
  app?: App;
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
  /** Who signs in to this app (staff sessions for the POS); none: only public routes answer. */
  authenticator?: (p: Platform) => Authenticator;
}

export type WebWorkload = Workload & {
  kind: 'web';
  /** The app exactly as `start` serves it, without listening (tests walk its routes). */
  build(p: Platform, log: Logger): Promise<App>;
};

export function defineWebApp(spec: WebAppSpec): WebWorkload {
  const build = (p: Platform, log: Logger) =>
    createHttpServer({
      name: spec.name,
      description: spec.description,
      logger: log,
      readiness: () => platformChecks(p),
      plugins: spec.plugins,
      platform: p,
      authenticator: spec.authenticator?.(p),
      secureCookies: p.config.SESSION_COOKIE_SECURE,
      trustProxy: p.config.TRUST_PROXY,
    });
  return {
    name: spec.name,
    kind: 'web',
    description: spec.description,
    build,
    async start(p, log) {
      const app = await build(p, log);
      const port = spec.port(p.config);
      await app.listen({ host: p.config.HOST, port });
      log.info({ url: `http://${p.config.HOST}:${port}` }, `${spec.name} listening`);
      return { app, checks: [], stop: () => app.close() };
    },
  };
}

export interface WorkerSpec {
  name: string;
  description: string;
  /** What the worker consumes; registered by modules as they arrive. */
  handlers: readonly unknown[];
  kind?: 'worker' | 'backend';
}

/**
 * A queue worker (or the relay). Until the event backbone is wired in, it starts, reports ready and
 * stops; it logs plainly that it consumes nothing rather than pretending to poll.
 */
export function defineWorker(spec: WorkerSpec): Workload {
  return {
    name: spec.name,
    kind: spec.kind ?? 'worker',
    description: spec.description,
    async start(_p, log) {
      log.info({ handlers: spec.handlers.length }, `${spec.name} started; no queue consumer is wired yet`);
      return { checks: [], stop: async () => {} };
    },
  };
}
