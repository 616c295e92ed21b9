import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Outcome } from '../../kernel/outcome.ts';

/** The `Idempotency-Key` header of writes a client may retry (DESIGN.md §7), for route schemas. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('Retrying with the same key returns the first result instead of acting twice'),
});

/** The request's Idempotency-Key, or null. */
export function idempotencyKeyOf(request: FastifyRequest): string | null {
  const k = request.headers['idempotency-key'];
  return typeof k === 'string' && k ? k : null;
}

/** `status` for a first execution, 200 with `Idempotency-Replayed: true` for a replay of one. */
export function sendOutcome<T>(reply: FastifyReply, o: Outcome<T>, status = 201) {
  return reply
    .status(o.replayed ? 200 : status)
    .header('idempotency-replayed', String(o.replayed))
    .send(o.value);
}
