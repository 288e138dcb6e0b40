/** Hex hashes for bank and HMA tests: random ones, near ones at a known distance, and their distance. */
import crypto from 'node:crypto';

export const randomHex = (bytes: number) => crypto.randomBytes(bytes).toString('hex');

/** The hash with `bits` distinct bits flipped (spread over the 256: bit i·37 mod 256). */
export function flip(hex: string, bits: number): string {
  const b = Buffer.from(hex, 'hex');
  for (let i = 0; i < bits; i++) {
    const bit = (i * 37) % 256;
    b[bit >> 3] = (b[bit >> 3] as number) ^ (1 << (bit & 7));
  }
  return b.toString('hex');
}

/** Hamming distance of two hex hashes of the same length. */
export function hamming(a: string, b: string): number {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  let d = 0;
  for (let i = 0; i < x.length; i++) for (let v = (x[i] as number) ^ (y[i] as number); v; v &= v - 1) d++;
  return d;
}
