import { z } from 'zod';

/** True for an absolute http(s) URL with a host. */
export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** A trimmed absolute http(s) URL of at most `max` characters (notified content, T&C references, webhooks). */
export const httpUrl = (max: number) => z.string().trim().max(max).refine(isHttpUrl, 'must be an absolute http(s) URL');
