/** Receiving a signed push (webhooks, order messages): the verification recipe of docs/webhooks.md, written independently of the sender. */
import crypto from 'node:crypto';
import type http from 'node:http';

export function verifySignature(secret: string, headers: http.IncomingHttpHeaders, rawBody: string, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  const timestamp = String(headers['vigie-timestamp'] ?? '');
  const signature = String(headers['vigie-signature'] ?? '');
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const expected = crypto.createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  const given = signature.startsWith('v1=') ? signature.slice(3) : '';
  const a = Buffer.from(expected, 'hex');
  const b = Buffer.from(given, 'hex');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
