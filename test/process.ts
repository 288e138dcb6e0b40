/**
 * Child processes and HTTP for the tests that run Vigie the way an operator does (`node bin/vigie.js …`):
 * `vigie serve` started on a free port and stopped, CLI commands with their output and exit code, and
 * small HTTP requests. A test file registers `after(cleanUp)`: it kills the children still running, then
 * runs what was handed to `onCleanup`, last first.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'vigie.js');

// ── child processes ──────────────────────────────────────────────────────────────────────────────

const children = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void> | void> = [];

/** Queues `fn` for `cleanUp` (run last first). */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

/** For `after`: SIGKILLs the children still running, waits for them, then runs the queued cleanups, last first. */
export async function cleanUp(): Promise<void> {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all([...children].map((c) => exited(c)));
  for (const fn of cleanups.reverse()) await fn();
}

/** Resolves with the exit code and signal of `child` once it has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** The environment of a Vigie child: only what we set, none of the test runner's variables. */
export function vigieEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('VIGIE_') || k.startsWith('NODE_TEST') || k === 'NODE_OPTIONS' || k === 'DATABASE_URL' || k === 'DATA_DIR' || k === 'AUDIT_KEY') continue;
    env[k] = v;
  }
  return { ...env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT_PUBLIC_PER_MINUTE: '1000000', RATE_LIMIT_KEY_PER_MINUTE: '1000000', WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true', ...extra };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface Server {
  child: ChildProcess;
  base: string;
  output(): string;
}

/** Starts `vigie serve` on a free port and waits (at most 40 s) until it listens and /readyz answers 200. */
export async function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve'], { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const deadline = Date.now() + 40_000;
  while (!/Vigie is running at http:\/\/\S+/.test(out)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`vigie serve exited (${child.exitCode ?? child.signalCode}) before listening:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`vigie serve did not start within 40 s:\n${out}`);
    }
    await sleep(50);
  }
  const base = `http://127.0.0.1:${port}`;
  const ready = await request('GET', `${base}/readyz`);
  assert.equal(ready.status, 200, `readyz: ${ready.body}`);
  return { child, base, output: () => out };
}

/** SIGTERM, then wait (bounded) for a clean exit. */
export async function stopServer(server: Server): Promise<void> {
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 20_000);
  const { code, signal } = await exited(server.child);
  clearTimeout(timer);
  assert.equal(signal, null, `vigie serve was killed on stop:\n${server.output()}`);
  assert.equal(code, 0, `vigie serve exit code on SIGTERM:\n${server.output()}`);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `vigie <args>` (stdin: `input`, or none), SIGKILLed after 90 s (a cold tsx start on a loaded 2-core
 * machine took over 30 s); resolves with its exit code and output.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.stdin?.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ── HTTP ─────────────────────────────────────────────────────────────────────────────────────────

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json<T = Record<string, unknown>>(): T;
}

/** One HTTP request (JSON `body`, 15 s socket timeout, no agent unless given); rejects on a network error. */
export function request(method: string, url: string, opts: { body?: unknown; headers?: Record<string, string>; agent?: http.Agent } = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = http.request(
      url,
      {
        method,
        agent: opts.agent ?? false,
        timeout: 15_000,
        headers: { ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}), ...(opts.headers ?? {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: <T>() => JSON.parse(body) as T });
        });
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('response aborted')));
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(payload);
  });
}
