/**
 * A client of Meta's Hasher-Matcher-Actioner (HMA, `facebook/ThreatExchange/hasher-matcher-actioner`,
 * OpenMediaMatch) REST API, for services that already run HMA: Vigie uses it as a **remote matcher**
 * (docs/banks.md, "HMA as a remote matcher"). Endpoints used (OpenMediaMatch blueprints):
 *
 * - `GET /m/lookup?signal=<hash>&signal_type=<pdq|video_md5>[&seed=]` → the banks that match. Two shapes
 *   exist across HMA versions, both accepted: a list of bank names (`["BANK_A"]`), or per bank the matched
 *   contents (`{"BANK_A": [{"bank_content_id": 12, "distance": "4"}]}`).
 * - `GET /m/raw_lookup?signal=&signal_type=&include_distance=true` → `{"matches": [...]}`: content ids, or
 *   `{content_id | bank_content_id, distance}` objects.
 * - `GET /c/banks` → `[{name, matching_enabled_ratio}]`; `GET /c/bank/<name>` → one bank (404 when absent).
 *
 * Errors answer `{"message": "..."}` with the HTTP status (HMA's `api_error_handler`). HMA's REST API has no
 * endpoint listing a bank's hashes (content is only added or deleted), so a bank cannot be imported from
 * it over REST: export HMA's signals as a signal file and import that (`format=hma`) instead.
 */
import { z } from 'zod';
import type { BankMatch } from './matcher.ts';
import type { SignalType } from './schemas.ts';

export type HmaErrorKind = 'network' | 'timeout' | 'http' | 'invalid_response' | 'unsupported_signal_type';

export class HmaError extends Error {
  constructor(
    readonly kind: HmaErrorKind,
    message: string,
    /** The HTTP status, for `http`. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'HmaError';
  }
}

export interface HmaClientOptions {
  /** e.g. `https://hma.internal.example` (the app's root, where `/m/…` and `/c/…` are served). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when HMA sits behind an authenticating proxy. */
  token?: string | undefined;
  /** Per request, ms (default 5000). */
  timeoutMs?: number;
  /** HMA's name of the MD5 signal type Vigie's `md5` maps to (default `video_md5`). */
  md5SignalType?: string;
  fetch?: typeof fetch;
}

export const HmaBank = z.object({ name: z.string().min(1).max(500), matching_enabled_ratio: z.number().min(0).max(1).optional() }).loose();
export type HmaBankT = z.output<typeof HmaBank>;

const Distance = z.union([z.number(), z.string()]).transform((d) => {
  const n = typeof d === 'number' ? d : Number(d);
  return Number.isFinite(n) ? n : null;
});
const ContentMatch = z.object({ bank_content_id: z.number().int(), distance: Distance.optional() }).loose();
/** Both shapes of `/m/lookup`. */
const LookupResponse = z.union([z.array(z.string()), z.record(z.string(), z.array(ContentMatch))]);
const RawLookupResponse = z.object({
  matches: z.array(
    z.union([
      z.number().int(),
      z
        .object({ content_id: z.number().int().optional(), bank_content_id: z.number().int().optional(), distance: Distance.optional() })
        .loose()
        .refine((m) => m.content_id !== undefined || m.bank_content_id !== undefined, 'content_id or bank_content_id'),
    ]),
  ),
});

export interface HmaLookupMatch {
  bank: string;
  /** Null when this HMA version answers bank names only. */
  content_id: number | null;
  distance: number | null;
}

export class HmaClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  private readonly md5Name: string;

  constructor(private readonly opts: HmaClientOptions) {
    let u: URL;
    try {
      u = new URL(opts.baseUrl);
    } catch {
      throw new HmaError('invalid_response', `HMA base URL is not a URL: ${opts.baseUrl}`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new HmaError('invalid_response', 'HMA base URL must be http(s)');
    this.base = u.toString().replace(/\/+$/, '');
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.fetchImpl = opts.fetch ?? fetch;
    this.md5Name = opts.md5SignalType ?? 'video_md5';
  }

  /** HMA's signal type name for a Vigie signal type (HMA has no SHA-256 type in its defaults). */
  hmaSignalType(signalType: SignalType): string {
    if (signalType === 'pdq') return 'pdq';
    if (signalType === 'md5') return this.md5Name;
    throw new HmaError('unsupported_signal_type', `HMA has no ${signalType} signal type`);
  }

  private async get(path: string, query: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        headers: { accept: 'application/json', ...(this.opts.token ? { authorization: `Bearer ${this.opts.token}` } : {}) },
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const e = err as Error;
      if (e.name === 'TimeoutError' || e.name === 'AbortError') throw new HmaError('timeout', `HMA did not answer ${path} within ${this.timeoutMs} ms`);
      throw new HmaError('network', `HMA unreachable: ${e.message}`);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      const e = err as Error;
      throw new HmaError(e.name === 'TimeoutError' ? 'timeout' : 'network', `HMA answer to ${path} was cut: ${e.message}`);
    }
    let json: unknown = undefined;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      if (res.ok) throw new HmaError('invalid_response', `HMA answered ${path} with something that is not JSON`);
    }
    if (!res.ok && res.status !== 404) {
      const message = (json as { message?: unknown } | undefined)?.message;
      throw new HmaError('http', `HMA answered ${res.status} to ${path}${typeof message === 'string' ? `: ${message}` : ''}`, res.status);
    }
    return { status: res.status, json };
  }

  private parse<T extends z.ZodType>(schema: T, json: unknown, path: string): z.output<T> {
    const r = schema.safeParse(json);
    if (!r.success) throw new HmaError('invalid_response', `HMA's answer to ${path} is not as documented: ${r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    return r.data;
  }

  private notFoundIsError(status: number, json: unknown, path: string): void {
    if (status === 404) {
      const message = (json as { message?: unknown } | undefined)?.message;
      throw new HmaError('http', `HMA answered 404 to ${path}${typeof message === 'string' ? `: ${message}` : ''}`, 404);
    }
  }

  /** `GET /m/lookup`: the banks (and, on recent HMA, the contents) matching a hash. */
  async lookup(signalType: SignalType, hash: string, opts: { seed?: string } = {}): Promise<HmaLookupMatch[]> {
    const path = '/m/lookup';
    const r = await this.get(path, { signal: hash.toLowerCase(), signal_type: this.hmaSignalType(signalType), ...(opts.seed ? { seed: opts.seed } : {}) });
    this.notFoundIsError(r.status, r.json, path);
    const body = this.parse(LookupResponse, r.json, path);
    if (Array.isArray(body)) return body.map((bank) => ({ bank, content_id: null, distance: null }));
    return Object.entries(body).flatMap(([bank, ms]) => ms.map((m) => ({ bank, content_id: m.bank_content_id, distance: m.distance ?? null })));
  }

  /** `GET /m/raw_lookup?include_distance=true`: matched content ids with distances, regardless of banks. */
  async rawLookup(signalType: SignalType, hash: string): Promise<Array<{ content_id: number; distance: number | null }>> {
    const path = '/m/raw_lookup';
    const r = await this.get(path, { signal: hash.toLowerCase(), signal_type: this.hmaSignalType(signalType), include_distance: 'true' });
    this.notFoundIsError(r.status, r.json, path);
    return this.parse(RawLookupResponse, r.json, path).matches.map((m) =>
      typeof m === 'number' ? { content_id: m, distance: null } : { content_id: (m.bank_content_id ?? m.content_id) as number, distance: m.distance ?? null },
    );
  }

  /** `GET /c/banks`. */
  async listBanks(): Promise<HmaBankT[]> {
    const path = '/c/banks';
    const r = await this.get(path);
    this.notFoundIsError(r.status, r.json, path);
    return this.parse(z.array(HmaBank), r.json, path);
  }

  /** `GET /c/bank/<name>`, or null when HMA has no such bank. */
  async getBank(name: string): Promise<HmaBankT | null> {
    const path = `/c/bank/${encodeURIComponent(name)}`;
    const r = await this.get(path);
    if (r.status === 404) return null;
    return this.parse(HmaBank, r.json, path);
  }
}

export interface RemoteMatchOptions {
  /** What a match from HMA should lead to, and its category (HMA banks carry neither). */
  defaultAction?: string;
  category?: string | null;
  /** HMA has no disputed state: whether its matches may be acted on without a person (default true). */
  automatedActionAllowed?: boolean;
  seed?: string;
}

/**
 * Looks a hash up in HMA and answers like the local matcher: one BankMatch per matched bank (and content,
 * when HMA says which), `bank.slug = "hma:<bank name>"`, `entry_id` HMA's content id (0 when unknown),
 * `distance` HMA's (for PDQ; 0 for MD5; -1 when this HMA version does not say).
 */
export async function lookupRemote(client: HmaClient, signalType: SignalType, hash: string, opts: RemoteMatchOptions = {}): Promise<BankMatch[]> {
  const found = await client.lookup(signalType, hash, opts.seed ? { seed: opts.seed } : {});
  return found.map((m) => ({
    bank: {
      id: `hma:${m.bank}`,
      slug: `hma:${m.bank}`,
      name: m.bank,
      kind: 'positive' as const,
      category: opts.category ?? null,
      default_action: opts.defaultAction ?? 'open_case',
      owner_service: 'hma',
    },
    entry_id: m.content_id ?? 0,
    signal_type: signalType,
    hash: hash.toLowerCase(),
    distance: m.distance ?? (signalType === 'pdq' ? -1 : 0),
    status: 'active' as const,
    automated_action_allowed: opts.automatedActionAllowed ?? true,
    provenance: { source: 'hma', imported_from: 'remote:hma', hma_bank: m.bank, ...(m.content_id !== null ? { hma_content_id: m.content_id } : {}) },
  }));
}
