/**
 * A local stand-in for Meta's Hasher-Matcher-Actioner (OpenMediaMatch) REST API, for tests of
 * src/banks/hma-client.ts. It answers like HMA's blueprints (`matching.py`, `curation.py`):
 * - `GET /m/lookup?signal=&signal_type=[&seed=]` → per matching bank its contents
 *   `{"BANK": [{"bank_content_id": 1, "distance": "3"}]}` (recent HMA), or a list of bank names with
 *   `legacyLookup` (older HMA); only enabled banks (`matching_enabled_ratio` ≥ the seeded coin flip: here
 *   0 means never, anything else always);
 * - `GET /m/raw_lookup?signal=&signal_type=&include_distance=` → `{"matches": [ids]}` or
 *   `{"matches": [{"bank_content_id", "distance"}]}`;
 * - `GET /c/banks` → `[{name, matching_enabled_ratio}]`; `GET /c/bank/<name>` → the bank or 404;
 * - errors as `{"message": …}` (HMA's api_error_handler): 400 `"signal is required"`, `"No such SignalType 'x'"`,
 *   `"invalid signal type: …"`; with a `token`, 401 without `Authorization: Bearer <token>` (a proxy in front of HMA);
 * - PDQ matches within Hamming distance 31, `video_md5` exactly; `delayMs` and `failNext(n, status)` for failures.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hamming } from './hashes.ts';

export interface HmaContent {
  id: number;
  bank: string;
  signal_type: 'pdq' | 'video_md5';
  signal: string;
}
export interface HmaServerOptions {
  banks?: Array<{ name: string; matching_enabled_ratio: number }>;
  contents?: HmaContent[];
  token?: string;
  legacyLookup?: boolean;
}
export interface HmaServer {
  url: string;
  requests: Array<{ path: string; query: Record<string, string>; status: number }>;
  setDelay(ms: number): void;
  failNext(n: number, status?: number): void;
  /** Answer the next request with this raw body (status 200): to test validation of HMA's answers. */
  garbleNext(body: string): void;
  close(): Promise<void>;
}

export async function startHmaServer(opts: HmaServerOptions = {}): Promise<HmaServer> {
  const banks = opts.banks ?? [];
  const contents = opts.contents ?? [];
  const requests: HmaServer['requests'] = [];
  let delayMs = 0;
  let fail = { n: 0, status: 500 };
  let garbled: string | null = null;

  function matchesOf(signal: string, signalType: string): Array<{ c: HmaContent; distance: number }> {
    return contents
      .filter((c) => c.signal_type === signalType)
      .map((c) => ({ c, distance: signalType === 'pdq' ? hamming(c.signal, signal) : c.signal === signal ? 0 : 1 }))
      .filter((m) => (signalType === 'pdq' ? m.distance <= 31 : m.distance === 0));
  }

  function answer(path: string, q: URLSearchParams, auth: string | undefined): { status: number; body: unknown } {
    if (opts.token && auth !== `Bearer ${opts.token}`) return { status: 401, body: { message: 'Unauthorized' } };
    if (path === '/m/lookup' || path === '/m/raw_lookup') {
      const signal = q.get('signal');
      if (signal === null) return { status: 400, body: { message: 'signal is required' } };
      const st = q.get('signal_type');
      if (st === null) return { status: 400, body: { message: 'signal_type is required' } };
      if (st !== 'pdq' && st !== 'video_md5') return { status: 400, body: { message: `No such SignalType '${st}'` } };
      if (!(st === 'pdq' ? /^[0-9a-f]{64}$/ : /^[0-9a-f]{32}$/).test(signal)) return { status: 400, body: { message: 'invalid signal type: bad hash' } };
      const found = matchesOf(signal, st);
      if (path === '/m/raw_lookup') {
        const withDistance = q.get('include_distance') === 'true';
        return { status: 200, body: { matches: found.map((m) => (withDistance ? { bank_content_id: m.c.id, distance: String(m.distance) } : m.c.id)) } };
      }
      const enabled = found.filter((m) => (banks.find((b) => b.name === m.c.bank)?.matching_enabled_ratio ?? 1) > 0);
      if (opts.legacyLookup) return { status: 200, body: [...new Set(enabled.map((m) => m.c.bank))] };
      const out: Record<string, Array<{ bank_content_id: number; distance: string }>> = {};
      for (const m of enabled) (out[m.c.bank] ??= []).push({ bank_content_id: m.c.id, distance: String(m.distance) });
      return { status: 200, body: out };
    }
    if (path === '/c/banks') return { status: 200, body: banks };
    const bank = /^\/c\/bank\/([^/]+)$/.exec(path);
    if (bank) {
      const b = banks.find((x) => x.name === decodeURIComponent(bank[1] as string));
      return b ? { status: 200, body: b } : { status: 404, body: { message: `bank '${decodeURIComponent(bank[1] as string)}' not found` } };
    }
    return { status: 404, body: { message: 'The requested URL was not found on the server.' } };
  }

  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://hma');
    const send = () => {
      let status: number;
      let text: string;
      if (fail.n > 0) {
        fail.n--;
        status = fail.status;
        text = JSON.stringify({ message: 'Internal Server Error' });
      } else if (garbled !== null) {
        status = 200;
        text = garbled;
        garbled = null;
      } else {
        const a = answer(u.pathname, u.searchParams, req.headers.authorization);
        status = a.status;
        text = JSON.stringify(a.body);
      }
      requests.push({ path: u.pathname, query: Object.fromEntries(u.searchParams), status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(text);
    };
    if (delayMs > 0) setTimeout(send, delayMs);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setDelay: (ms) => {
      delayMs = ms;
    },
    failNext: (n, status = 500) => {
      fail = { n, status };
    },
    garbleNext: (body) => {
      garbled = body;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
