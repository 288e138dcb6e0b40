import { z } from 'zod';
import { cursorParam, limitParam } from '../http/pagination.ts';
import { CATEGORIES } from '../taxonomy/categories.ts';

/** Signal types a bank holds (HMA names): PDQ photo hashes (near matches), MD5 and SHA-256 (exact). */
export const SIGNAL_TYPES = ['pdq', 'md5', 'sha256'] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];
/** Hex length of each signal type's hash. */
export const HASH_HEX_LENGTH: Record<SignalType, number> = { pdq: 64, md5: 32, sha256: 64 };

export const BANK_KINDS = ['positive', 'negative'] as const;
export const DEFAULT_ACTIONS = ['open_case', 'hold', 'label', 'none'] as const;
export const SOURCE_KINDS = ['own', 'industry', 'authority', 'other'] as const;
export const SHARING = ['private', 'instance'] as const;
export const ENTRY_STATUSES = ['active', 'disputed', 'retracted', 'quarantined'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];
/** Statuses an entry matches in (disputed: matches, flagged, no automated action). */
export const MATCHING_STATUSES: readonly EntryStatus[] = ['active', 'disputed'];

/** Caps on one request: entries in a bulk add, lines in an import, field errors listed. */
export const MAX_BULK_ENTRIES = 10_000;
export const MAX_IMPORT_LINES = 200_000;
export const MAX_IMPORT_ERRORS = 100;

/**
 * The reason a hash is refused, or null: hex only (either case; stored lower-case), of its type's length.
 * Used by the schemas and, line by line, by the import.
 */
export function hashProblem(signalType: SignalType, hash: string): string | null {
  const want = HASH_HEX_LENGTH[signalType];
  if (!/^[0-9a-fA-F]*$/.test(hash)) return `hash: not hexadecimal (expected ${want} hex chars for ${signalType})`;
  if (hash.length !== want) return `hash: ${hash.length} hex chars, expected ${want} for ${signalType}`;
  return null;
}

const text = (max: number) => z.string().trim().min(1).max(max);
const tag = z.string().trim().min(1).max(100);

export const ServiceParams = z.object({ service: z.string() });
export const BankParams = z.object({ service: z.string(), bank: z.uuid() });
export const EntryParams = z.object({ service: z.string(), bank: z.uuid(), entry: z.coerce.number().int().min(1).max(2_147_483_647) });
export const ShareParams = z.object({ service: z.string(), bank: z.uuid(), target: z.string().min(1).max(63) });

export const BANK_EXAMPLE = {
  slug: 'tat-terrorist-content',
  name: 'Terrorist content (TCAP)',
  description: 'Hashes shared by the Terrorist Content Analytics Platform',
  kind: 'positive',
  category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
  default_action: 'hold',
  source: { kind: 'industry', description: 'Tech Against Terrorism, TCAP hash list' },
  sharing: 'private',
};

export const BankBody = z
  .strictObject({
    slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, 1–63 characters'),
    name: text(200),
    description: text(2000).optional(),
    kind: z.enum(BANK_KINDS).default('positive'),
    category: z.enum(CATEGORIES).optional(),
    default_action: z.enum(DEFAULT_ACTIONS).default('open_case'),
    source: z.strictObject({ kind: z.enum(SOURCE_KINDS), description: text(500).optional() }).default({ kind: 'own' }),
    sharing: z.enum(SHARING).default('private'),
    enabled: z.boolean().default(true),
  })
  .refine((b) => b.kind === 'negative' || b.category !== undefined, { path: ['category'], message: 'required for a positive bank' })
  .meta({ example: BANK_EXAMPLE });
export type BankInput = z.output<typeof BankBody>;

export const BANK_UPDATE_EXAMPLE = { name: 'Terrorist content (TCAP, 2026)', default_action: 'open_case', enabled: true };
export const BankUpdateBody = z
  .strictObject({
    name: text(200).optional(),
    description: text(2000).nullable().optional(),
    category: z.enum(CATEGORIES).optional(),
    default_action: z.enum(DEFAULT_ACTIONS).optional(),
    source: z.strictObject({ kind: z.enum(SOURCE_KINDS), description: text(500).optional() }).optional(),
    sharing: z.enum(SHARING).optional(),
    enabled: z.boolean().optional(),
  })
  .meta({ example: BANK_UPDATE_EXAMPLE });
export type BankUpdate = z.output<typeof BankUpdateBody>;

const provenanceFields = {
  tags: z.array(tag).max(50).optional(),
  reference: text(500).optional(),
  source: text(500).optional(),
  note: text(2000).optional(),
};

const entryObject = z.strictObject({ signal_type: z.enum(SIGNAL_TYPES), hash: z.string().max(200), ...provenanceFields });
/** An entry: the hash is checked against its signal type (hex, length) and stored lower-case. */
export const EntryInput = entryObject.superRefine((e, ctx) => {
  const problem = hashProblem(e.signal_type, e.hash);
  if (problem) ctx.addIssue({ code: 'custom', path: ['hash'], message: problem });
});
export type EntryInputT = z.output<typeof EntryInput>;

export const ENTRY_EXAMPLE = {
  signal_type: 'pdq',
  hash: 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22',
  tags: ['tcap', 'video-still'],
  reference: 'TCAP-2026-00421',
};
export const EntryBody = EntryInput.meta({ example: ENTRY_EXAMPLE });

export const BULK_EXAMPLE = { entries: [ENTRY_EXAMPLE, { signal_type: 'md5', hash: 'd41d8cd98f00b204e9800998ecf8427e', reference: 'TCAP-2026-00422' }] };
export const BulkBody = z.strictObject({ entries: z.array(EntryInput).min(1).max(MAX_BULK_ENTRIES) }).meta({ example: BULK_EXAMPLE });

export const STATUS_EXAMPLE = { status: 'retracted', reason: 'Known false positive: a stock photograph (report 2026-118)' };
export const StatusBody = z
  .strictObject({ status: z.enum(['active', 'disputed', 'retracted']), reason: text(1000) })
  .meta({ example: STATUS_EXAMPLE });

export const SHARE_EXAMPLE = { service: 'forum' };
export const ShareBody = z.strictObject({ service: z.string().min(1).max(63) }).meta({ example: SHARE_EXAMPLE });

export const IMPORT_FORMATS = ['auto', 'vigie', 'hma', 'threatexchange'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export const ImportQuery = z.object({
  format: z.enum(IMPORT_FORMATS).default('auto'),
  /** For files whose lines carry no signal type (bare hashes, ThreatExchange CSV without a type column). */
  signal_type: z.enum(SIGNAL_TYPES).optional(),
});

export const IMPORT_EXAMPLE = {
  csv: 'signal_type,hash,tags,reference\npdq,f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,tcap video-still,TCAP-2026-00421\n',
};
/** JSON `{csv}` or a plain-text body (text/plain) holding the file; multipart uploads go through the handler. */
export const ImportBody = z
  .union([z.string().max(16 * 1024 * 1024), z.strictObject({ csv: z.string().max(16 * 1024 * 1024) })])
  .meta({ example: IMPORT_EXAMPLE });

export const EntriesQuery = z.object({
  status: z.enum(ENTRY_STATUSES).optional(),
  signal_type: z.enum(SIGNAL_TYPES).optional(),
  after: cursorParam(z.tuple([z.number().int().min(0)])).optional(),
  limit: limitParam,
});

export const LOOKUP_EXAMPLE = { signal_type: 'pdq', hash: 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22', radius: 31 };
export const LookupBody = z
  .strictObject({ signal_type: z.enum(SIGNAL_TYPES), hash: z.string().max(200), radius: z.number().int().min(0).max(128).optional() })
  .superRefine((e, ctx) => {
    const problem = hashProblem(e.signal_type, e.hash);
    if (problem) ctx.addIssue({ code: 'custom', path: ['hash'], message: problem });
  })
  .meta({ example: LOOKUP_EXAMPLE });
