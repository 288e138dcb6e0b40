import { z, type ZodType } from 'zod';
import { ERROR_CODES } from './errors.ts';
import type { AnyRoute } from './route.ts';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

const ErrorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'fields'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CODES) },
        message: { type: 'string' },
        fields: {
          type: 'array',
          items: {
            type: 'object',
            required: ['path', 'reason'],
            properties: { path: { type: 'string' }, reason: { type: 'string' } },
          },
        },
      },
    },
  },
};

/** Path parameters of a Fastify URL, in order. */
export function pathParams(url: string): string[] {
  return [...url.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1] as string);
}

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. */
export function buildOpenApi(routes: readonly AnyRoute[], info: { version: string }): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const parameters: unknown[] = [];
    const paramProps = route.params ? ((toSchema(route.params, 'input').properties ?? {}) as Record<string, JsonSchema>) : {};
    for (const name of pathParams(route.url)) {
      parameters.push({ name, in: 'path', required: true, schema: paramProps[name] ?? { type: 'string' } });
    }
    if (route.query) {
      const q = toSchema(route.query, 'input');
      const required = new Set((q.required as string[] | undefined) ?? []);
      for (const [name, schema] of Object.entries((q.properties ?? {}) as Record<string, JsonSchema>)) {
        parameters.push({ name, in: 'query', required: required.has(name), schema });
      }
    }
    for (const h of route.headers ?? []) {
      parameters.push({ name: h.name, in: 'header', required: h.required ?? false, description: h.description, schema: { type: 'string' } });
    }
    const op: Record<string, unknown> = {
      operationId: route.operationId,
      summary: route.summary,
      tags: route.tags,
      'x-vigie-access': route.access.kind === 'service' ? route.access.permission : route.access.kind,
      parameters,
      responses: {} as Record<string, unknown>,
    };
    if (route.description) op.description = route.description;
    if (route.access.kind === 'public') op.security = [];
    if (route.body) {
      const content: Record<string, unknown> = {
        'application/json': { schema: toSchema(route.body, 'input'), example: route.bodyExample },
      };
      if (route.multipart) {
        content['multipart/form-data'] = {
          schema: {
            type: 'object',
            description: route.multipart.description,
            required: ['notice'],
            properties: {
              notice: { type: 'string', contentMediaType: 'application/json', description: 'The JSON body, as text' },
              evidence: { type: 'array', items: { type: 'string', contentMediaType: 'application/octet-stream' } },
            },
          },
        };
      }
      op.requestBody = { required: true, content };
    }
    const responses = op.responses as Record<string, unknown>;
    for (const [status, r] of Object.entries(route.responses)) {
      responses[status] = r.schema
        ? { description: r.description, content: { 'application/json': { schema: toSchema(r.schema, 'output') } } }
        : { description: r.description };
    }
    responses.default = { description: 'Error (see docs/api/errors.md)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    (paths[path] ??= {})[route.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigie API',
      version: info.version,
      description:
        'Notices of illegal content, triage queues and cases. Errors always have the shape ' +
        '`{ error: { code, message, fields: [{ path, reason }] } }`.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: { Error: ErrorSchema },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'API key: `Authorization: Bearer vk_…`' },
        session: { type: 'apiKey', in: 'cookie', name: 'vigie_session', description: 'Console session; unsafe methods also need X-CSRF-Token' },
      },
    },
    security: [{ apiKey: [] }, { session: [] }],
  };
}

/** A self-contained docs page (no CDN): Swagger UI served from the swagger-ui-dist package. */
export const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vigie API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;

export const DOCS_INIT_JS = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });`;
