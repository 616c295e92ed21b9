import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../kernel/errors.ts';
import type { PolicyName } from '../../kernel/policies.ts';

/**
 * Who may call a route. Every route declares one; a route without it cannot be registered.
 * - `public`: anyone (sign-in, probes, the shop front).
 * - `authenticated`: any signed-in staff session (`/me`, the store picker, sign-out).
 * - `{ policy }`: a signed-in session whose effective permission group holds that policy.
 */
export type RouteAccess = 'public' | 'authenticated' | { policy: PolicyName };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Set by the access hook for every non-public route; null on public ones. */
    principal: Principal | null;
  }
}

/** What the access hook needs to know about a signed-in caller; the authenticator adds the rest. */
export interface Principal {
  /** When the credential came from a cookie, writes must echo this in `x-csrf-token`. */
  csrfToken: string | null;
}

/**
 * The pluggable half of access control (the tenancy module provides the staff one). The hook calls
 * `authenticate` (null → 401), checks CSRF, then `authorize`, which throws an AppError for a store
 * the session may not use (404), an expired acting staff (401) or a missing policy (403).
 */
export interface Authenticator {
  authenticate(request: FastifyRequest): Promise<Principal | null>;
  authorize(
    request: FastifyRequest,
    principal: Principal,
    access: Exclude<RouteAccess, 'public'>,
  ): Promise<void>;
}

export class UnauthenticatedError extends AppError {
  constructor() {
    super(401, 'unauthenticated', 'Sign in first.');
  }
}

export class CsrfError extends AppError {
  constructor() {
    super(403, 'csrf_failed', 'The x-csrf-token header is missing or does not match the session.');
  }
}

export class MissingPolicyError extends AppError {
  constructor(policy: PolicyName) {
    super(403, 'forbidden', `This needs the "${policy}" permission.`, [], { policy });
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AccessControlOptions {
  authenticator?: Authenticator;
  /** Routes under this prefix (the Swagger UI's own files) are public without declaring it. */
  publicPrefixes?: string[];
}

/** A route's method, URL and declared access, as registered (the route-walk test reads these). */
export interface DeclaredRoute {
  method: string;
  url: string;
  access: RouteAccess;
}

/**
 * Installs access control on an app before any route is registered. Missing declarations fail at
 * start-up (not at the first request); every request to a non-public route is authenticated,
 * CSRF-checked when cookie-based and unsafe, and authorized.
 */
export function installAccessControl(app: FastifyInstance, opts: AccessControlOptions): DeclaredRoute[] {
  const declared: DeclaredRoute[] = [];
  const prefixes = opts.publicPrefixes ?? [];
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    route.config ??= {};
    if (route.config.access === undefined && prefixes.some((p) => route.url.startsWith(p)))
      route.config.access = 'public';
    const access = route.config.access;
    const methods = [route.method].flat();
    if (access === undefined)
      throw new Error(`route ${methods.join(',')} ${route.url} declares no access (config.access)`);
    for (const method of methods) declared.push({ method, url: route.url, access });
  });
  app.addHook('onRequest', async (request) => {
    if (request.is404) return;
    const access = request.routeOptions.config.access;
    if (access === 'public') return;
    // Unreachable for registered routes (onRoute refuses them), but fail closed rather than open.
    if (access === undefined) throw new AppError(403, 'forbidden', 'This route declares no access.');
    const principal = opts.authenticator ? await opts.authenticator.authenticate(request) : null;
    if (!principal) throw new UnauthenticatedError();
    if (principal.csrfToken !== null && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !constantTimeEqual(sent, principal.csrfToken)) throw new CsrfError();
    }
    await opts.authenticator!.authorize(request, principal, access);
    request.principal = principal;
  });
  return declared;
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
