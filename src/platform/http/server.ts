import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Logger } from '../log/log.ts';
import type { Platform } from '../runtime/platform.ts';
import type { MetricsRecorder } from '../metrics/index.ts';
import { runChecks, type ReadinessCheck } from '../runtime/readiness.ts';
import { installAccessControl, type Authenticator, type DeclaredRoute } from './auth.ts';
import { problemErrorHandler, sendProblem } from './problem.ts';

export type App = FastifyInstance;
export type { RouteAccess } from './auth.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The process's shared connections, for module plugins (absent on the bare probe server). */
    platform: Platform;
    /** Every route with its declared access, in registration order. */
    declaredRoutes: readonly DeclaredRoute[];
  }
}

export interface HttpServerOptions {
  /** Workload name: the OpenAPI title and every log line. */
  name: string;
  description: string;
  logger: Logger;
  readiness: () => ReadinessCheck[];
  /** Fastify plugins of the modules this app serves. */
  plugins?: FastifyPluginAsync[];
  /** Serve OpenAPI + Swagger UI at /api/docs. */
  docs?: boolean;
  /** Shared connections the module plugins use (`app.platform`). */
  platform?: Platform;
  /** Resolves sessions for non-public routes; without one every non-public route answers 401. */
  authenticator?: Authenticator;
  /** `Secure` attribute on the cookies the app sets (behind HTTPS). */
  secureCookies?: boolean;
  /** Request count, 5xx count and duration per request (probes excluded), as EMF metrics. */
  metrics?: MetricsRecorder;
  /** Fastify's `trustProxy`: whose X-Forwarded-For to believe for `request.ip`. */
  trustProxy?: boolean | string;
}

const PROBES = /^\/(healthz|readyz)(\?|$)/;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export async function createHttpServer(opts: HttpServerOptions): Promise<App> {
  const app: App = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps App the plain FastifyInstance type.
    loggerInstance: opts.logger as FastifyBaseLogger,
    // A request id from the load balancer or client is kept (so one id follows a request through
    // logs); anything odd is replaced.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Probes hit every few seconds; their request lines would drown the log.
    logController: new LogController({
      disableRequestLogging: (req: { url?: string }) => PROBES.test(req.url ?? ''),
    }),
    return503OnClosing: true,
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: 5 * 1024 * 1024,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, {
      status: 404,
      code: 'route_not_found',
      detail: `${request.method} ${request.url.split('?')[0]} does not exist.`,
    }),
  );
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  if (opts.platform) app.decorate('platform', opts.platform);
  // Cookies are parsed in an onRequest hook, which must run before the access hook reads them.
  await app.register(fastifyCookie, {
    parseOptions: { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secureCookies ?? false },
  });
  app.decorate(
    'declaredRoutes',
    installAccessControl(app, { authenticator: opts.authenticator, publicPrefixes: ['/api/docs'] }),
  );
  const metrics = opts.metrics;
  if (metrics) {
    app.addHook('onResponse', async (request, reply) => {
      if (PROBES.test(request.url)) return;
      metrics.count('HttpRequests');
      if (reply.statusCode >= 500) metrics.count('HttpServerErrors');
      metrics.observe('HttpDuration', Math.round(reply.elapsedTime * 100) / 100);
    });
  }

  if (opts.docs !== false) {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: `regi ${opts.name}`, description: opts.description, version: '1' },
        components: {},
      },
      transform: jsonSchemaTransform,
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  }

  registerHealthRoutes(app, opts.readiness);
  for (const plugin of opts.plugins ?? []) await app.register(plugin);
  return app;
}

const readinessResponse = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.unknown().optional() })),
});

/** /healthz says the process is alive and touches nothing; /readyz checks every dependency. */
export function registerHealthRoutes(app: App, readiness: () => ReadinessCheck[]) {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: { tags: ['operations'], response: { 200: z.object({ status: z.literal('ok') }) } },
    },
    async () => ({ status: 'ok' as const }),
  );
  typed.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: { tags: ['operations'], response: { 200: readinessResponse, 503: readinessResponse } },
    },
    async (_request, reply) => {
      const report = await runChecks(readiness());
      return reply
        .status(report.ready ? 200 : 503)
        .send({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
    },
  );
}
