/**
 * Serves the web console (web/dist, built by scripts/build-web.mjs) on the API's port: hashed assets with a
 * long cache, and index.html for every page path (the app routes in the browser). The console's CSP allows
 * only its own scripts, styles and API: no inline code, no third-party origin, no framing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CONSOLE_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // Media are shown from the API (same origin) or from local blobs; never from the content's own URL.
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Paths that are the API's, never a console page. */
const NOT_PAGES = /^\/(v1|docs|openapi\.json|healthz|readyz|assets)(\/|$)/;

export async function registerConsole(fastify: FastifyInstance, dist = CONSOLE_DIST): Promise<boolean> {
  const indexFile = path.join(dist, 'index.html');
  if (!fs.existsSync(indexFile)) return false;
  const index = fs.readFileSync(indexFile);
  await fastify.register(fastifyStatic, {
    root: path.join(dist, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    // File names carry a content hash: cache them for a year.
    immutable: true,
    maxAge: '365d',
  });
  const sendIndex = (reply: FastifyReply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', CONSOLE_CSP).send(index);
  fastify.get('/', async (_req, reply) => sendIndex(reply));
  return true;
}

/** For the not-found handler: a GET of a page path (not the API) that wants HTML gets the console. */
export function wantsConsolePage(req: FastifyRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const p = req.url.split('?')[0] ?? '/';
  if (NOT_PAGES.test(p)) return false;
  return (req.headers.accept ?? '').includes('text/html');
}

export function consoleIndex(dist = CONSOLE_DIST): Buffer | null {
  const f = path.join(dist, 'index.html');
  return fs.existsSync(f) ? fs.readFileSync(f) : null;
}
