/**
 * The OpenAPI document and the docs page: served, complete, consistent with the routes that
 * validate requests, and valid OpenAPI 3.1 (checked by @readme/openapi-parser and by hand).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { validate } from '@readme/openapi-parser';
import { ERROR_CODES } from '../src/http/errors.ts';
import { pathParams } from '../src/http/openapi.ts';
import type { AnyRoute } from '../src/http/route.ts';
import { Receipt } from '../src/notices/schemas.ts';
import { ALL_ROUTES } from '../src/routes.ts';
import { BACKEND, startHarness, type Harness } from './helpers.ts';

type Json = Record<string, unknown>;
interface Operation extends Json {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Json }>;
  requestBody?: { required?: boolean; content: Record<string, { schema?: Json; example?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Json }> }>;
  security?: unknown[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const REFERENCE = /^N-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;

const openApiPath = (url: string) => url.replace(/:([A-Za-z_]+)/g, '{$1}');

/**
 * A JSON-Schema sanity walk (the OpenAPI validator checks the document's shape, not the schema
 * keywords inside it): types are JSON types, `required` names declared properties, enums are
 * non-empty, local $refs resolve. Returns the problems found, each with its JSON pointer.
 */
function schemaProblems(schema: unknown, at: string, doc: Json, out: string[] = []): string[] {
  if (typeof schema === 'boolean') return out;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    out.push(`${at}: a schema must be an object or a boolean`);
    return out;
  }
  const s = schema as Json;
  if ('$ref' in s) {
    const ref = s.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) out.push(`${at}: non-local $ref ${String(ref)}`);
    else {
      let target: unknown = doc;
      for (const part of ref.slice(2).split('/')) target = (target as Json | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
      if (target === undefined) out.push(`${at}: unresolved $ref ${ref}`);
    }
  }
  if ('type' in s) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    for (const ty of types) if (typeof ty !== 'string' || !JSON_TYPES.has(ty)) out.push(`${at}: bad type ${JSON.stringify(ty)}`);
  }
  if ('enum' in s && (!Array.isArray(s.enum) || s.enum.length === 0)) out.push(`${at}: empty or non-array enum`);
  if ('required' in s) {
    if (!Array.isArray(s.required) || s.required.some((r) => typeof r !== 'string')) out.push(`${at}: required must list names`);
    else if (s.properties && typeof s.properties === 'object') {
      for (const r of s.required as string[]) if (!(r in (s.properties as Json))) out.push(`${at}: required "${r}" is not a property`);
    }
  }
  if (s.properties !== undefined) {
    if (typeof s.properties !== 'object' || s.properties === null) out.push(`${at}: properties must be an object`);
    else for (const [k, v] of Object.entries(s.properties as Json)) schemaProblems(v, `${at}/properties/${k}`, doc, out);
  }
  for (const key of ['items', 'additionalProperties', 'not', 'propertyNames', 'contains']) {
    if (s[key] !== undefined) schemaProblems(s[key], `${at}/${key}`, doc, out);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) {
    if (s[key] === undefined) continue;
    if (!Array.isArray(s[key]) || (s[key] as unknown[]).length === 0) out.push(`${at}/${key}: must be a non-empty array`);
    else (s[key] as unknown[]).forEach((sub, i) => schemaProblems(sub, `${at}/${key}/${i}`, doc, out));
  }
  for (const [k, v] of Object.entries((s.$defs ?? {}) as Json)) schemaProblems(v, `${at}/$defs/${k}`, doc, out);
  return out;
}

function operations(doc: Json): Array<{ path: string; method: string; op: Operation }> {
  const out: Array<{ path: string; method: string; op: Operation }> = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      if (METHODS.includes(method)) out.push({ path, method, op: op as Operation });
    }
  }
  return out;
}

describe('OpenAPI document and docs', () => {
  let h: Harness;
  let doc: Json;

  before(async () => {
    h = await startHarness();
    const res = await h.request('GET', '/openapi.json');
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    doc = res.json() as Json;
  });

  after(async () => {
    await h?.close();
  });

  test('is OpenAPI 3.1.0 with info, servers and security schemes', () => {
    assert.equal(doc.openapi, '3.1.0');
    const info = doc.info as Json;
    assert.equal(typeof info.title, 'string');
    assert.match(String(info.version), /^\d+\.\d+\.\d+/);
    const components = doc.components as { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    for (const requirement of doc.security as Array<Record<string, unknown>>) {
      for (const name of Object.keys(requirement)) assert.ok(name in components.securitySchemes, `security scheme ${name} is declared`);
    }
  });

  test('passes @readme/openapi-parser validation (OpenAPI 3.1 schema and semantic rules)', async () => {
    const result = await validate(structuredClone(doc) as never);
    assert.equal(result.valid, true, JSON.stringify(result, null, 2).slice(0, 4000));
    assert.equal(result.specification, 'OpenAPI');
    assert.deepEqual(result.warnings, []);
  });

  test('documents every route exactly once, and nothing else', () => {
    const documented = operations(doc).map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
    const routes = ALL_ROUTES.map((r) => `${r.method} ${openApiPath(r.url)}`).sort();
    assert.equal(new Set(routes).size, routes.length, 'no route is registered twice');
    assert.deepEqual(documented, routes);
  });

  test('every operation has a unique operationId, a summary, tags and responses with descriptions', () => {
    const ids = new Set<string>();
    for (const { path, method, op } of operations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      assert.ok(typeof op.operationId === 'string' && /^[a-z][A-Za-z0-9]*$/.test(op.operationId), `${where}: operationId ${op.operationId}`);
      assert.ok(!ids.has(op.operationId), `${where}: duplicate operationId ${op.operationId}`);
      ids.add(op.operationId);
      assert.ok(typeof op.summary === 'string' && op.summary.trim().length >= 5, `${where}: summary`);
      assert.ok(Array.isArray(op.tags) && op.tags.length > 0 && op.tags.every((tag) => typeof tag === 'string' && tag.length > 0), `${where}: tags`);
      const responses = op.responses ?? {};
      const codes = Object.keys(responses);
      assert.ok(codes.some((c) => /^2\d\d$/.test(c)), `${where}: a success response`);
      assert.ok(codes.every((c) => c === 'default' || /^[1-5]\d\d$/.test(c)), `${where}: response codes ${codes.join(',')}`);
      for (const [code, r] of Object.entries(responses)) assert.ok(typeof r.description === 'string' && r.description.length > 0, `${where} ${code}: description`);
      assert.deepEqual(responses.default?.content?.['application/json']?.schema, { $ref: '#/components/schemas/Error' }, `${where}: errors documented`);
    }
  });

  test('access is documented: public operations need no security, the others do', () => {
    const byKey = new Map(ALL_ROUTES.map((r) => [`${r.method.toLowerCase()} ${openApiPath(r.url)}`, r]));
    for (const { path, method, op } of operations(doc)) {
      const route = byKey.get(`${method} ${path}`) as AnyRoute;
      const expected = route.access.kind === 'service' ? route.access.permission : route.access.kind;
      assert.equal(op['x-vigie-access'], expected, `${method} ${path}`);
      if (route.access.kind === 'public') assert.deepEqual(op.security, [], `${method} ${path}: public`);
      else assert.equal(op.security, undefined, `${method} ${path}: inherits the global security`);
    }
  });

  test('every path parameter is declared (and every declared one is in the path), validated by the route', () => {
    for (const route of ALL_ROUTES) {
      const path = openApiPath(route.url);
      const op = (doc.paths as Record<string, Record<string, Operation>>)[path]?.[route.method.toLowerCase()] as Operation;
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string);
      assert.deepEqual(inPath, pathParams(route.url));
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
      assert.deepEqual(declared.map((p) => p.name).sort(), [...inPath].sort(), `${route.method} ${route.url}: path parameters`);
      for (const p of declared) {
        assert.equal(p.required, true, `${route.method} ${route.url}: ${p.name} is required`);
        assert.ok(p.schema && typeof p.schema === 'object', `${route.method} ${route.url}: ${p.name} has a schema`);
      }
      const seen = new Set<string>();
      for (const p of op.parameters ?? []) {
        const key = `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
        assert.ok(!seen.has(key), `${route.method} ${route.url}: parameter ${key} declared twice`);
        seen.add(key);
      }
      if (inPath.length > 0) {
        // The route's own params schema must know every path parameter, or the handler reads unvalidated input.
        assert.ok(route.params, `${route.method} ${route.url}: has a params schema`);
        const shape = (route.params as unknown as { shape?: Record<string, unknown> }).shape;
        assert.ok(shape, `${route.method} ${route.url}: params is an object schema`);
        for (const name of inPath) assert.ok(name in shape, `${route.method} ${route.url}: params schema validates ${name}`);
      }
    }
  });

  test('every route with a body has a documented example that its own body schema accepts', () => {
    const withBody = ALL_ROUTES.filter((r) => r.body);
    assert.ok(withBody.length >= 10, `routes with a body: ${withBody.length}`);
    for (const route of ALL_ROUTES) {
      const where = `${route.method} ${route.url}`;
      const op = (doc.paths as Record<string, Record<string, Operation>>)[openApiPath(route.url)]?.[route.method.toLowerCase()] as Operation;
      if (!route.body) {
        assert.equal(route.bodyExample, undefined, `${where}: an example without a body schema`);
        assert.equal(op.requestBody, undefined, `${where}: no request body documented`);
        continue;
      }
      assert.notEqual(route.bodyExample, undefined, `${where}: bodyExample`);
      const parsed = route.body.safeParse(route.bodyExample);
      assert.ok(parsed.success, `${where}: example rejected: ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`);
      assert.equal(op.requestBody?.required, true, `${where}: requestBody.required`);
      const json = op.requestBody?.content['application/json'];
      assert.ok(json?.schema, `${where}: application/json schema`);
      assert.deepEqual(json.example, route.bodyExample, `${where}: the served example is the route's`);
      if (route.multipart) assert.ok(op.requestBody?.content['multipart/form-data'], `${where}: multipart documented`);
    }
  });

  test('the error schema lists exactly the codes of ERROR_CODES', () => {
    const components = doc.components as { schemas: Record<string, Json> };
    const error = components.schemas.Error as {
      required: string[];
      properties: { error: { required: string[]; properties: { code: { enum: string[] }; fields: { items: { required: string[] } } } } };
    };
    assert.deepEqual(error.required, ['error']);
    assert.deepEqual([...error.properties.error.required].sort(), ['code', 'fields', 'message']);
    assert.deepEqual([...error.properties.error.properties.code.enum].sort(), Object.keys(ERROR_CODES).sort());
    assert.deepEqual([...error.properties.error.properties.fields.items.required].sort(), ['path', 'reason']);
  });

  test('every schema in the document is well-formed JSON Schema', () => {
    const problems: string[] = [];
    for (const [name, s] of Object.entries((doc.components as { schemas: Json }).schemas)) schemaProblems(s, `#/components/schemas/${name}`, doc, problems);
    for (const { path, method, op } of operations(doc)) {
      const at = `#/paths/${path.replace(/\//g, '~1')}/${method}`;
      (op.parameters ?? []).forEach((p, i) => {
        assert.ok(['path', 'query', 'header', 'cookie'].includes(p.in), `${at}: parameter in ${p.in}`);
        schemaProblems(p.schema, `${at}/parameters/${i}/schema`, doc, problems);
      });
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) schemaProblems(media.schema, `${at}/requestBody/${type}`, doc, problems);
      for (const [code, r] of Object.entries(op.responses ?? {})) {
        for (const [type, media] of Object.entries(r.content ?? {})) schemaProblems(media.schema, `${at}/responses/${code}/${type}`, doc, problems);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('GET /docs is a self-contained page whose assets load', async () => {
    const page = await h.request('GET', '/docs');
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(page.body, /https?:\/\//, 'no CDN: every asset is served locally');
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string).sort();
    assert.deepEqual(assets, ['/docs/assets/swagger-ui-bundle.js', '/docs/assets/swagger-ui.css', '/docs/init.js']);
    const types: Record<string, RegExp> = {
      '/docs/assets/swagger-ui-bundle.js': /javascript/,
      '/docs/assets/swagger-ui.css': /^text\/css/,
      '/docs/init.js': /javascript/,
    };
    for (const asset of assets) {
      const res = await h.request('GET', asset);
      assert.equal(res.statusCode, 200, asset);
      assert.match(String(res.headers['content-type']), types[asset] as RegExp, asset);
      assert.ok(res.body.length > 50, `${asset} has content`);
    }
    const init = await h.request('GET', '/docs/init.js');
    assert.match(init.body, /\/openapi\.json/);
    assert.ok((await h.request('GET', '/docs/assets/swagger-ui-bundle.js')).body.length > 100_000, 'the real Swagger UI bundle');
    // Only the two files the page needs are exposed from the package folder.
    for (const hidden of ['/docs/assets/package.json', '/docs/assets/index.html', '/docs/assets/../package.json']) {
      const res = await h.request('GET', hidden);
      assert.equal(res.statusCode, 404, hidden);
    }
  });

  test('GET /healthz and /readyz', async () => {
    const health = await h.request('GET', '/healthz');
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json(), { status: 'ok' });
    const ready = await h.request('GET', '/readyz');
    assert.equal(ready.statusCode, 200, ready.body);
    assert.equal((ready.json() as { status: string }).status, 'ready');
    assert.equal((ready.json() as { database: string }).database, BACKEND);
  });

  test('the documented notice example, posted to the public intake, is received (201)', async () => {
    const op = (doc.paths as Record<string, Record<string, Operation>>)['/v1/public/services/{service}/notices']?.post as Operation;
    const example = op.requestBody?.content['application/json']?.example;
    assert.ok(example && typeof example === 'object');
    const res = await h.request('POST', '/v1/public/services/default/notices', { body: example });
    assert.equal(res.statusCode, 201, res.body);
    const receipt = Receipt.parse(res.json());
    assert.match(receipt.reference, REFERENCE);
    assert.equal(receipt.status, 'received');
    assert.ok(receipt.tracking_token.length >= 20);
    // The receipt's reference and token track the notice.
    const track = await h.request('GET', `/v1/public/services/default/notices/${receipt.reference}`, { headers: { 'x-tracking-token': receipt.tracking_token } });
    assert.equal(track.statusCode, 200, track.body);
    assert.equal((track.json() as { reference: string }).reference, receipt.reference);
  });
});
