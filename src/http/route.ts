import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z, ZodType } from 'zod';
import type { Permission } from '../access/roles.ts';
import type { AppContext, Authenticator, Principal, ServiceAccess } from './context.ts';
import { AppError, unstorableText, validationError, zodFields, type FieldError } from './errors.ts';

/** Who may call a route. Every route declares exactly one. */
export type Access =
  | { kind: 'public' }
  | { kind: 'authenticated' }
  | { kind: 'instance_admin' }
  | { kind: 'service'; permission: Permission };

export const PUBLIC: Access = { kind: 'public' };
export const AUTHENTICATED: Access = { kind: 'authenticated' };
export const INSTANCE_ADMIN: Access = { kind: 'instance_admin' };
export const can = (permission: Permission): Access => ({ kind: 'service', permission });

export interface HandlerContext<P, Q, B> {
  app: AppContext;
  req: FastifyRequest;
  reply: FastifyReply;
  params: P;
  query: Q;
  body: B;
  principal: Principal;
  /** Present on service-scoped routes (URL contains `:service`). */
  access: ServiceAccess;
  requestId: string;
}

export interface RouteResult {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type AnySchema = ZodType;
type Out<S> = S extends ZodType ? z.output<S> : undefined;

export interface RouteSpec<P extends AnySchema | undefined, Q extends AnySchema | undefined, B extends AnySchema | undefined> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify path, `:name` for parameters; service-scoped routes contain `:service`. */
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** A body that the route accepts as is: shown in the OpenAPI document and checked by the tests. */
  bodyExample?: unknown;
  /** Also accepts multipart/form-data (the handler reads the parts). */
  multipart?: { description: string };
  rateLimit?: 'public' | 'key';
  /** Extra headers the route reads, for the OpenAPI document. */
  headers?: Array<{ name: string; description: string; required?: boolean }>;
  responses: Record<number, { description: string; schema?: AnySchema }>;
  handler(ctx: HandlerContext<Out<P>, Out<Q>, Out<B>>): Promise<RouteResult>;
}

/** The erased form the registry keeps; `defineRoute` keeps each route's own types at its definition. */
export type AnyRoute = RouteSpec<AnySchema | undefined, AnySchema | undefined, AnySchema | undefined>;

export function defineRoute<
  P extends AnySchema | undefined = undefined,
  Q extends AnySchema | undefined = undefined,
  B extends AnySchema | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): AnyRoute {
  return spec as unknown as AnyRoute;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function parsePart(schema: AnySchema | undefined, value: unknown, prefix: string, fields: FieldError[]): unknown {
  if (!schema) return undefined;
  const bad = unstorableText(value, prefix);
  if (bad.length > 0) {
    fields.push(...bad);
    return undefined;
  }
  const result = schema.safeParse(value ?? (prefix === 'body' ? undefined : {}));
  if (result.success) return result.data;
  fields.push(...zodFields(result.error, prefix));
  return undefined;
}

function timingSafeEqualText(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}

/**
 * Registers a route with the order every request follows: authenticate → authorise → CSRF →
 * validate (all fields at once) → handler. Authorisation comes before validation so that
 * a caller without the permission learns nothing from field errors.
 */
export function registerRoute(
  fastify: FastifyInstance,
  app: AppContext,
  auth: Authenticator,
  route: AnyRoute,
  rateLimits: { public: object; key: object },
): void {
  fastify.route({
    method: route.method,
    url: route.url,
    config: route.rateLimit ? { rateLimit: rateLimits[route.rateLimit] } : {},
    handler: async (req, reply) => {
      const principal = await auth.authenticate(req);
      let access: ServiceAccess | undefined;
      const a = route.access;
      if (a.kind !== 'public') {
        if (principal.kind === 'anonymous') throw new AppError('UNAUTHENTICATED', 'Sign in or send an API key');
        if (a.kind === 'instance_admin' && !(principal.kind === 'user' && principal.instanceAdmin)) {
          throw new AppError('FORBIDDEN', 'Only instance administrators may do this');
        }
        if (a.kind === 'service') {
          // Without a service in the URL (POST /v1/screen), an API key acts for its own service.
          if (!route.url.includes(':service') && principal.kind !== 'apikey') {
            throw new AppError('FORBIDDEN', 'This path is for API keys (they belong to one service); signed-in users name the service: /v1/services/{service}/…');
          }
          const slug = route.url.includes(':service') ? ((req.params as Record<string, string | undefined>).service ?? '') : ((await auth.keyServiceSlug(principal)) ?? '');
          access = (await auth.serviceAccess(principal, slug)) ?? undefined;
          if (!access) throw new AppError('FORBIDDEN', 'You have no role in this service');
          if (!access.permissions.has(a.permission)) {
            throw new AppError('FORBIDDEN', `Your role (${access.role}) lacks the permission ${a.permission}`);
          }
        }
        if (principal.kind === 'user' && UNSAFE_METHODS.has(route.method)) {
          const sent = req.headers['x-csrf-token'];
          if (typeof sent !== 'string' || !timingSafeEqualText(sent, principal.csrfToken)) {
            throw new AppError('CSRF_TOKEN_INVALID', 'Missing or wrong X-CSRF-Token header for a cookie session');
          }
        }
      } else if (route.url.includes(':service')) {
        // Public service-scoped routes (intake) still need the service to exist.
        const slug = (req.params as Record<string, string | undefined>).service ?? '';
        access = (await auth.publicService(slug)) ?? undefined;
        if (!access) throw new AppError('NOT_FOUND', `No service "${slug}"`);
      }

      const fields: FieldError[] = [];
      const params = parsePart(route.params, req.params, 'params', fields);
      const query = parsePart(route.query, req.query, 'query', fields);
      const isMultipart = req.isMultipart();
      if (isMultipart && !route.multipart) throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'This route takes application/json');
      const body = isMultipart ? undefined : parsePart(route.body, req.body, 'body', fields);
      if (fields.length > 0) throw validationError(fields);

      const result = await route.handler({
        app,
        req,
        reply,
        params,
        query,
        body,
        principal,
        access: access as ServiceAccess,
        requestId: req.id,
      });
      if (result.headers) void reply.headers(result.headers);
      void reply.code(result.status ?? 200);
      return result.body ?? null;
    },
  });
}
