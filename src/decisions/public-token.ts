import crypto from 'node:crypto';

/**
 * Whether a token someone presents is the one whose sha256 is stored (timing-safe; false without a stored
 * hash). Shared by the affected user's public routes (the statement page; the appeal may use it too).
 */
export function appealTokenMatches(token: string | undefined, hash: string | null | undefined): boolean {
  // Compare something of the same length even when there is nothing to compare, so a wrong id and a wrong
  // token take the same time.
  const expected = Buffer.from(hash && /^[0-9a-f]{64}$/.test(hash) ? hash : '0'.repeat(64), 'hex');
  const given = crypto.createHash('sha256').update(token ?? '').digest();
  return crypto.timingSafeEqual(given, expected) && Boolean(hash) && token !== undefined && token !== '';
}
