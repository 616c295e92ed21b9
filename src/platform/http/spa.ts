import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** The repository (or image) root: `src/platform/http` and `dist/platform/http` are both three levels down. */
const root = path.resolve(import.meta.dirname, '../../..');

/** Where `npm run build:web` writes a web app's assets (`web/<app>/dist`). */
export const webAppDist = (app: 'pos' | 'ec') => path.join(root, 'web', app, 'dist');

/** Paths the app's own routes own: never answered with the single-page app. */
const RESERVED = /^\/(api|healthz|readyz)(\/|$)/;

/**
 * Serves a built single-page app at `/`: files as they are (hashed assets cached for a year), any
 * other GET path without a file extension gets `index.html` so deep links and reloads work. API,
 * docs and probe paths keep their own routes and their problem+json 404. Registered last, as one
 * public wildcard route, so it never shadows a declared route (find-my-way prefers static paths).
 */
export function spaRoutes(opts: { dir: string; title: string }): FastifyPluginAsync {
  return async (app) => {
    const built = existsSync(path.join(opts.dir, 'index.html'));
    if (built) await app.register(fastifyStatic, { root: opts.dir, serve: false });
    else
      app.log.warn(
        { dir: opts.dir },
        `${opts.title} is not built: run \`npm run build:web\` (the API still runs)`,
      );

    app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      const url = request.url.split('?')[0]!;
      if (RESERVED.test(url)) return reply.callNotFound();
      if (!built)
        return reply
          .status(503)
          .type('text/html; charset=utf-8')
          .send(
            `<!doctype html><meta charset="utf-8"><title>${opts.title}</title>` +
              `<p>${opts.title} is not built yet. Run <code>npm run build:web</code> and reload.</p>`,
          );
      const last = url.slice(url.lastIndexOf('/') + 1);
      if (last.includes('.')) {
        // Vite names assets by content hash: they never change under the same name.
        const immutable = url.startsWith('/assets/');
        let file: string;
        try {
          file = decodeURIComponent(url.slice(1));
        } catch {
          return reply.callNotFound();
        }
        return reply.sendFile(file, {
          maxAge: immutable ? 365 * 24 * 3600 * 1000 : 0,
          immutable,
        });
      }
      // The page itself is never cached, so a new build is picked up at the next load.
      return reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
    });
  };
}
