import crypto from 'node:crypto';
import path from 'node:path';
import { createRequire } from 'node:module';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { ping } from '../db/index.ts';
import type { AppContext, Authenticator } from './context.ts';
import { AppError } from './errors.ts';
import { consoleIndex, CONSOLE_CSP, registerConsole, wantsConsolePage } from './console.ts';
import { buildOpenApi, DOCS_HTML, DOCS_INIT_JS } from './openapi.ts';
import { registerRoute, type AnyRoute } from './route.ts';

const require = createRequire(import.meta.url);
const VERSION = (require('../../package.json') as { version: string }).version;

/** Headers and fields that must never reach a log line. */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["x-tracking-token"]',
  'res.headers["set-cookie"]',
];

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface BuildOptions {
  context: Omit<AppContext, 'log' | 'auth'>;
  auth: Authenticator;
  routes: readonly AnyRoute[];
  logger?: boolean;
  /** Where log lines go (default stdout); tests capture them. */
  logStream?: { write(line: string): void };
}

/** Builds the HTTP app: one error format, rate limits, health checks, OpenAPI and every domain route. */
export async function buildApp(opts: BuildOptions): Promise<{ fastify: FastifyInstance; context: AppContext }> {
  const { config } = opts.context;
  const fastify = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            ...(opts.logStream ? { stream: opts.logStream } : {}),
            redact: { paths: LOG_REDACT, censor: '[redacted]' },
            // Log the path without its query string: tokens may travel there.
            serializers: {
              req: (req: { method: string; url: string; id: string }) => ({ method: req.method, path: req.url.split('?')[0], id: req.id }),
            },
          },
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    // Errors raised before routing (a URL with bad percent-encoding) bypass setErrorHandler.
    frameworkErrors: (err, _req, reply) => {
      const body = new AppError('VALIDATION_FAILED', 'The URL is not valid', [{ path: 'url', reason: err.message }]).toBody();
      void (reply as unknown as FastifyReply).code(400).header('x-content-type-options', 'nosniff').send(body);
    },
    genReqId: (req) => {
      const sent = req.headers['x-request-id'];
      return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : crypto.randomUUID();
    },
  });
  const context: AppContext = { ...opts.context, log: fastify.log, auth: opts.auth };

  fastify.addHook('onSend', async (req, reply) => {
    void reply.header('x-request-id', req.id);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    if (!reply.hasHeader('content-security-policy')) {
      void reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    }
  });

  // CSV uploads (bank imports) arrive as text; routes that take JSON refuse a string body with a field error.
  fastify.addContentTypeParser('text/csv', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  await fastify.register(cookie);
  await fastify.register(multipart, {
    limits: { fileSize: config.evidenceMaxBytes, files: config.evidenceMaxFiles, fields: 10, fieldSize: 256 * 1024, parts: 40 },
  });
  await fastify.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => new AppError('RATE_LIMITED', `Too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s`),
  });

  fastify.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) req.log.error({ err }, 'request failed');
    void reply.code(appErr.status).send(appErr.toBody());
  });
  // Page paths of the web console (e.g. /console/cases/…, /statements/…) are routed in the browser.
  const consolePage = consoleIndex();
  fastify.setNotFoundHandler((req, reply) => {
    if (consolePage && wantsConsolePage(req)) {
      void reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').header('content-security-policy', CONSOLE_CSP).send(consolePage);
      return;
    }
    void reply.code(404).send(new AppError('NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`).toBody());
  });

  const rateLimits = {
    public: { max: config.rateLimitPublicPerMinute, timeWindow: 60_000 },
    key: {
      max: config.rateLimitKeyPerMinute,
      timeWindow: 60_000,
      keyGenerator: (req: { headers: Record<string, unknown>; ip: string; cookies?: Record<string, string | undefined> }) => {
        const authz = req.headers.authorization;
        if (typeof authz === 'string') return `k:${crypto.createHash('sha256').update(authz).digest('hex').slice(0, 32)}`;
        const session = req.cookies?.vigie_session;
        if (session) return `s:${crypto.createHash('sha256').update(session).digest('hex').slice(0, 32)}`;
        return `ip:${req.ip}`;
      },
    },
  };
  for (const route of opts.routes) registerRoute(fastify, context, opts.auth, route, rateLimits);

  fastify.get('/healthz', async () => ({ status: 'ok' }));
  fastify.get('/readyz', async (_req, reply) => {
    try {
      await ping(context.db);
    } catch {
      return reply.code(503).send(new AppError('NOT_READY', 'database unreachable').toBody());
    }
    if (!context.isReady()) return reply.code(503).send(new AppError('NOT_READY', 'starting').toBody());
    return { status: 'ready', database: context.dbKind };
  });
  const openapi = buildOpenApi(opts.routes, { version: VERSION });
  fastify.get('/openapi.json', async () => openapi);
  const docsCsp = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'";
  fastify.get('/docs', async (_req, reply) => reply.type('text/html; charset=utf-8').header('content-security-policy', docsCsp).send(DOCS_HTML));
  fastify.get('/docs/init.js', async (_req, reply) => reply.type('text/javascript').send(DOCS_INIT_JS));
  await fastify.register(fastifyStatic, {
    root: path.dirname(require.resolve('swagger-ui-dist/package.json')),
    prefix: '/docs/assets/',
    allowedPath: (p) => /^\/(swagger-ui\.css|swagger-ui-bundle\.js)$/.test(p),
  });
  await registerConsole(fastify);
  return { fastify, context };
}

function toAppError(err: FastifyError | AppError): AppError {
  if (err instanceof AppError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send application/json (or multipart/form-data where documented)');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return new AppError('PAYLOAD_TOO_LARGE', err.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('MALFORMED_JSON', 'The body is not valid JSON');
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_PROTO_VIOLATION':
      return new AppError('MALFORMED_MULTIPART', err.message);
    default:
      break;
  }
  if (/^(Multipart: Boundary not found|Boundary required|The needle cannot)|terminated early due to unexpected end of multipart data$/.test(err.message)) return new AppError('MALFORMED_MULTIPART', 'The multipart body is malformed (boundary missing, too long or data cut short)');
  if (err instanceof SyntaxError || (err as { type?: string }).type === 'entity.parse.failed') {
    return new AppError('MALFORMED_JSON', 'The body is not valid JSON');
  }
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 405) return new AppError('METHOD_NOT_ALLOWED', err.message);
  if (status && status >= 400 && status < 500) return new AppError('VALIDATION_FAILED', err.message);
  return new AppError('INTERNAL', 'Internal error; the request id identifies it in the server log');
}
