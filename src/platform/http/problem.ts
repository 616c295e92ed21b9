import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type FieldError } from '../../kernel/errors.ts';

/** RFC 9457 problem details, with regi's machine-readable `code` and per-field `errors`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  p: { status: number; code: string; detail: string; errors?: FieldError[]; extra?: Record<string, unknown> },
) {
  const body: Problem = {
    type: `/problems/${p.code}`,
    title: TITLES[p.status] ?? 'Error',
    status: p.status,
    detail: p.detail,
    code: p.code,
    instance: request.url,
    requestId: String(request.id),
    ...(p.errors && p.errors.length > 0 ? { errors: p.errors } : {}),
    ...p.extra,
  };
  return reply.status(p.status).type('application/problem+json; charset=utf-8').send(body);
}

/** `/items/0/qty` + issue path → `items.0.qty`, the field name a form can highlight. */
function fieldOf(instancePath: string | undefined, context: string | undefined): string {
  const path = (instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  return path || context || 'request';
}

export function problemErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    if (error.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(request, reply, {
      status: error.status,
      code: error.code,
      detail: error.message,
      errors: error.errors,
      extra: error.extra,
    });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((v) => ({
      field: fieldOf(v.instancePath, error.validationContext),
      message: v.message ?? 'is invalid',
      code: (v.params as { issue?: { code?: string } })?.issue?.code ?? 'invalid',
    }));
    return sendProblem(request, reply, {
      status: 400,
      code: 'validation_failed',
      detail: `The ${error.validationContext ?? 'request'} is not valid.`,
      errors,
    });
  }
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error, issues: error.cause.issues }, 'response does not match its schema');
    return sendProblem(request, reply, { status: 500, code: 'internal_error', detail: 'Internal error.' });
  }
  const status = error.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    return sendProblem(request, reply, { status, code: 'internal_error', detail: 'Internal error.' });
  }
  // Fastify's own 4xx (malformed JSON, body too large, wrong content type...).
  const code = (error.code ?? 'bad_request').replace(/^FST_ERR_/, '').toLowerCase();
  return sendProblem(request, reply, { status, code, detail: error.message });
}
