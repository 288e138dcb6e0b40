/**
 * The PDQ near-neighbour index the matcher uses by default: src/screening/hash-index.ts (multi-index
 * hashing, exact within the radius; docs/screening-index.md).
 */
// Deep import on purpose: hash-index.ts is a leaf (it imports nothing), while screening/index.ts is the
// API of a domain that calls into banks (recordMatches) — going through it would make an import cycle.
// eslint-disable-next-line no-restricted-imports
import { buildHashIndex, createHashIndex } from '../screening/hash-index.ts';
import type { PdqIndexFactory } from './matcher.ts';

export const defaultPdqIndex = (): PdqIndexFactory => ({
  create: (opts) => createHashIndex(opts),
  build: (entries, opts) => buildHashIndex(entries, opts),
});
