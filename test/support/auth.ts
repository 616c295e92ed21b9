import type { Authenticator } from '../../src/platform/http/auth.ts';
import { MissingPolicyError } from '../../src/platform/http/auth.ts';

/**
 * For tests of platform plugins (tasks, operations) that are about their own behaviour, not about
 * sign-in: every caller is signed in and holds every policy, unless it sends `x-test-anonymous` (not
 * signed in) or `x-test-policies` (the comma-separated policies it holds). Sign-in, sessions and
 * CSRF themselves are tested in the tenancy module.
 */
export function headerAuthenticator(): Authenticator {
  return {
    async authenticate(request) {
      return request.headers['x-test-anonymous'] ? null : { csrfToken: null };
    },
    async authorize(request, _principal, access) {
      if (access === 'authenticated') return;
      const given = request.headers['x-test-policies'];
      if (given === undefined) return;
      if (!String(given).split(',').includes(access.policy)) throw new MissingPolicyError(access.policy);
    },
  };
}
