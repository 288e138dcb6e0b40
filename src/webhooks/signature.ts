import crypto from 'node:crypto';

/** `v1=` + hex HMAC-SHA256(secret, "<timestamp>.<raw body>"): the value of the Vigie-Signature header. */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `v1=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** A new endpoint secret: 32 random bytes. The whole string (prefix included) is the HMAC key. */
export function newEndpointSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64url')}`;
}
