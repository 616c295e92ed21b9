import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../kernel/errors.ts';
import { UnknownQueueError, type Bus } from './bus.ts';

const queueParams = z.object({ queue: z.string().min(1).max(80) });

/** Operations API: queue depths and dead letters (`operations.view`), redrive (`operations.manage`). */
export function operationsRoutes(o: { bus: Bus }): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const guard = async <T>(fn: () => Promise<T>) => {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof UnknownQueueError) throw new NotFoundError(`Queue ${err.queue}`);
        throw err;
      }
    };
    app.get(
      '/api/v1/operations/queues',
      {
        config: { access: { policy: 'operations.view' } },
        schema: {
          tags: ['operations'],
          summary: 'Every queue with its depth, in-flight and dead-letter counts',
          response: {
            200: z.object({
              bus: z.enum(['sql', 'sqs']),
              queues: z.array(
                z.object({
                  queue: z.string(),
                  depth: z.number(),
                  inFlight: z.number(),
                  deadLetters: z.number(),
                }),
              ),
            }),
          },
        },
      },
      async () => ({ bus: o.bus.kind, queues: await o.bus.stats() }),
    );
    app.get(
      '/api/v1/operations/queues/:queue/dead-letters',
      {
        config: { access: { policy: 'operations.view' } },
        schema: {
          tags: ['operations'],
          summary: 'Dead letters of a queue (oldest first)',
          params: queueParams,
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
        },
      },
      async (request) => ({
        deadLetters: await guard(() => o.bus.listDeadLetters(request.params.queue, request.query.limit)),
      }),
    );
    app.post(
      '/api/v1/operations/queues/:queue/redrive',
      {
        config: { access: { policy: 'operations.manage' } },
        schema: {
          tags: ['operations'],
          summary: 'Move dead letters (all, or the given event ids) back to their queue',
          params: queueParams,
          body: z.object({ eventIds: z.array(z.uuid()).min(1).max(1000).optional() }).default({}),
          response: { 200: z.object({ redriven: z.number() }) },
        },
      },
      async (request) => ({
        redriven: await guard(() => o.bus.redrive(request.params.queue, request.body.eventIds)),
      }),
    );
  };
}
