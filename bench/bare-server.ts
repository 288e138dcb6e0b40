/**
 * The "bare insert" ceiling: node:http + JSON.parse + one INSERT per request, nothing else
 * (no framework, no validation, no auth, no transaction, no case grouping, no audit).
 * Started by bench/intake.ts as `node bin/run-ts.js bench/bare-server.ts` with env:
 *   PORT, BARE_BACKEND=pglite|postgres, DATA_DIR (pglite) or DATABASE_URL (postgres), POOL_SIZE.
 * Routes: GET /readyz, POST <anything> (the notice JSON) → 201 {reference, status, received_at}.
 */
import http from 'node:http';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

const backend = process.env.BARE_BACKEND === 'pglite' ? 'pglite' : 'postgres';
const port = Number(process.env.PORT ?? 0);

const DDL = `create table if not exists bench_bare (
  id uuid primary key default gen_random_uuid(),
  reference text not null,
  category text not null,
  url text not null,
  explanation text not null,
  body jsonb not null,
  created_at timestamptz not null default now()
)`;
const INSERT = 'insert into bench_bare (reference, category, url, explanation, body) values ($1, $2, $3, $4, $5)';

type Exec = (params: unknown[]) => Promise<unknown>;
let exec: Exec;
let close: () => Promise<void>;

if (backend === 'postgres') {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10) });
  await pool.query(DDL);
  exec = (params) => pool.query(INSERT, params);
  close = () => pool.end();
} else {
  const dir = process.env.DATA_DIR;
  if (!dir) throw new Error('DATA_DIR is required for pglite');
  const db = await PGlite.create(path.join(dir, 'pg'));
  await db.exec(DDL);
  exec = (params) => db.query(INSERT, params);
  close = () => db.close();
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/readyz') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: { category?: unknown; locations?: { url?: unknown }[]; explanation?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      res.writeHead(400).end();
      return;
    }
    const reference = randomUUID();
    exec([reference, String(body.category), String(body.locations?.[0]?.url), String(body.explanation), JSON.stringify(body)]).then(
      () => {
        const out = JSON.stringify({ reference, status: 'received', received_at: new Date().toISOString() });
        res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
      },
      (err: Error) => {
        res.writeHead(500).end(err.message);
      },
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1');

const shutdown = () => {
  server.close();
  server.closeAllConnections();
  void close().finally(() => process.exit(0));
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
