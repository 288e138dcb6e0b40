/**
 * The identity of notified content, so that notices about the same item meet in one case.
 * URLs: scheme and host lower-cased (IDN as punycode, by WHATWG URL), default port, fragment and
 * tracking parameters dropped, remaining parameters sorted, trailing slash and `www.` trimmed.
 * Platform content ids are case-sensitive and taken as given (trimmed).
 */
const TRACKING_PARAMS = /^(utm_[a-z]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref_src|ref_url|si|_ga|yclid)$/i;

export function normaliseUrl(raw: string): string {
  const u = new URL(raw.trim());
  u.hash = '';
  u.username = '';
  u.password = '';
  const kept = [...u.searchParams.entries()].filter(([k]) => !TRACKING_PARAMS.test(k));
  kept.sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  u.search = new URLSearchParams(kept).toString();
  let host = u.hostname.toLowerCase();
  if (host.startsWith('www.')) host = host.slice(4);
  let path = u.pathname.replace(/\/{2,}/g, '/');
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const port = u.port ? `:${u.port}` : '';
  // http and https name the same item for triage purposes.
  return `url:${host}${port}${path}${u.search}`;
}

export function contentKey(loc: { url?: string | undefined; content_id?: string | undefined }): string {
  if (loc.content_id !== undefined) return `id:${loc.content_id.trim()}`;
  return normaliseUrl(loc.url as string);
}
