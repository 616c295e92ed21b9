import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../kernel/errors.ts';
import type { Cache } from '../../platform/cache/index.ts';
import type { Db } from '../../platform/db/connect.ts';
import { withTransaction } from '../../platform/db/transaction.ts';
import { cancelTask } from './commands.ts';
import { progressChannel } from './handlers.ts';
import type { TaskScope } from './kinds.ts';
import { findTask, isFinished, type TaskView } from './queries.ts';

export interface TasksRoutesOptions {
  db: Db;
  cache: Cache;
  /** The caller's tenant, from the authenticated session (never from the request body). */
  scopeOf: (request: FastifyRequest) => TaskScope | Promise<TaskScope>;
  /** Safety net for a lost pub/sub message: the stream re-reads the task this often. */
  streamPollMs?: number;
}

const params = z.object({ id: z.coerce.number().int().positive() });
const taskSchema = z.object({
  id: z.number(),
  kind: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
  total: z.number(),
  processed: z.number(),
  failed: z.number(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  errors: z.array(z.object({ item: z.string(), message: z.string() })),
});

/**
 * Task progress: `GET /api/v1/tasks/:id`, `GET /api/v1/tasks/:id/stream` (server-sent events, one
 * `progress` event per change, ends when the task finishes) and `POST /api/v1/tasks/:id/cancel`.
 * Workers announce progress on the cache's pub/sub, so any web process can serve the stream.
 */
export function tasksRoutes(o: TasksRoutesOptions): FastifyPluginAsync {
  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const load = async (request: FastifyRequest, id: number): Promise<TaskView> => {
      const task = await findTask(o.db, await o.scopeOf(request), id);
      if (!task) throw new NotFoundError(`Task ${id}`);
      return task;
    };

    app.get(
      '/api/v1/tasks/:id',
      {
        config: { access: 'authenticated' },
        schema: { tags: ['tasks'], summary: 'A task with its progress and item errors', params, response: { 200: taskSchema } },
      },
      async (request) => load(request, request.params.id),
    );

    app.post(
      '/api/v1/tasks/:id/cancel',
      {
        config: { access: { policy: 'tasks.manage' } },
        schema: { tags: ['tasks'], summary: 'Cancel a queued or running task', params, response: { 200: taskSchema } },
      },
      async (request) => {
        const scope = await o.scopeOf(request);
        await withTransaction(o.db, (tx) => cancelTask(tx, scope, request.params.id));
        return load(request, request.params.id);
      },
    );

    app.get(
      '/api/v1/tasks/:id/stream',
      {
        config: { access: 'authenticated' },
        schema: { tags: ['tasks'], summary: 'Server-sent `progress` events until the task finishes', params },
      },
      async (request, reply) => {
        const first = await load(request, request.params.id);
        const scope = await o.scopeOf(request);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
          'x-request-id': request.id,
        });
        let last = '';
        let closed = false;
        let busy = Promise.resolve();
        const send = (task: TaskView) => {
          const { errors: _errors, ...progress } = task;
          const line = JSON.stringify(progress);
          if (line !== last) res.write(`event: progress\ndata: ${line}\n\n`);
          last = line;
          if (isFinished(task.status)) finish();
        };
        const refresh = () => {
          busy = busy.then(async () => {
            if (closed) return;
            const task = await findTask(o.db, scope, first.id, 0).catch(() => undefined);
            if (task && !closed) send(task);
          });
        };
        const unsubscribe = await o.cache.subscribe(progressChannel(first.id), refresh);
        const poll = setInterval(refresh, o.streamPollMs ?? 5000);
        const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
        function finish() {
          if (closed) return;
          closed = true;
          clearInterval(poll);
          clearInterval(keepAlive);
          void unsubscribe();
          res.end();
        }
        request.raw.on('close', finish);
        send(first);
      },
    );
  };
}
