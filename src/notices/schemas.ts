import { z } from 'zod';
import { cursorParam, limitParam } from '../http/pagination.ts';
import { httpUrl } from '../http/validators.ts';
import { ANONYMOUS_ALLOWED, CATEGORIES, CATEGORY_KEYWORDS, KEYWORDS, keywordAllowed } from '../taxonomy/categories.ts';
import { LANGUAGES, isCountryCode } from '../taxonomy/languages.ts';


export const Location = z
  .strictObject({
    url: httpUrl(2048).optional(),
    content_id: z.string().trim().min(1).max(256).optional(),
  })
  .refine((l) => l.url !== undefined || l.content_id !== undefined, { message: 'give url or content_id (or both)' });

export const Notifier = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email({ message: 'must be an email address' }).max(254),
});

/** A notice of allegedly illegal content with every element of DSA Art. 16(2). */
export const NoticeBody = z
  .strictObject({
    category: z.enum(CATEGORIES),
    subcategory: z.enum(KEYWORDS).optional(),
    subcategory_other: z.string().trim().min(1).max(500).optional(),
    locations: z.array(Location).min(1).max(50),
    explanation: z.string().trim().min(10, 'explain why the content is illegal (at least 10 characters)').max(10000),
    legal_provision: z.string().trim().min(1).max(500).optional(),
    country: z.string().refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code (e.g. FR)').optional(),
    language: z.enum(LANGUAGES, { message: 'must be an ISO 639-1 code in lower case (e.g. fr)' }),
    content_language: z.enum(LANGUAGES, { message: 'must be an ISO 639-1 code in lower case' }).optional(),
    notifier: Notifier.optional(),
    notifier_type: z.enum(['individual', 'organisation']).default('individual'),
    good_faith: z.literal(true, { message: 'the notifier must confirm the notice is accurate and complete, in good faith' }),
  })
  .superRefine(
    (n, ctx) => {
      // Runs even when other fields are invalid (see `when`), so every problem is reported at once:
      // only trust fields whose own shape is right.
      const category = typeof n.category === 'string' && n.category in CATEGORY_KEYWORDS ? n.category : undefined;
      const sub = typeof n.subcategory === 'string' ? n.subcategory : undefined;
      if (category && sub && (KEYWORDS as readonly string[]).includes(sub) && !keywordAllowed(category, sub)) {
        ctx.addIssue({ code: 'custom', path: ['subcategory'], message: `not a sub-category of ${category}` });
      }
      if (n.subcategory_other !== undefined && sub !== 'KEYWORD_OTHER') {
        ctx.addIssue({ code: 'custom', path: ['subcategory_other'], message: 'only with subcategory KEYWORD_OTHER' });
      }
      if (n.notifier === undefined && !(sub && ANONYMOUS_ALLOWED.includes(sub))) {
        ctx.addIssue({
          code: 'custom',
          path: ['notifier'],
          message: 'name and email are required, except for child sexual abuse material (DSA Art. 16(2)(c))',
        });
      }
    },
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value) },
  );
export type NoticeInput = z.output<typeof NoticeBody>;
export type NoticeInputType = NoticeInput;

export const NOTICE_EXAMPLE = {
  category: 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH',
  subcategory: 'KEYWORD_HATE_SPEECH',
  locations: [{ url: 'https://forum.example/t/123#post-4' }],
  explanation: 'This post calls for violence against people because of their religion (art. 24 loi du 29 juillet 1881).',
  legal_provision: 'Loi du 29 juillet 1881, art. 24',
  country: 'FR',
  language: 'fr',
  notifier: { name: 'Camille Martin', email: 'camille@example.org' },
  good_faith: true,
} satisfies z.input<typeof NoticeBody>;

export const Receipt = z.object({
  reference: z.string(),
  tracking_token: z.string().describe('Secret: shown once; needed to read the status'),
  status: z.string(),
  received_at: z.string(),
  evidence: z.array(z.object({ sha256: z.string(), media_type: z.string(), size_bytes: z.number() })),
});

export const ServiceParams = z.object({ service: z.string() });
export const NoticeParams = z.object({ service: z.string(), id: z.uuid() });
export const TrackParams = z.object({ service: z.string(), reference: z.string().regex(/^N-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/, 'not a notice reference') });
export const TrackQuery = z.strictObject({ token: z.string().min(10).max(100).optional() });

export const NoticeListQuery = z.strictObject({
  category: z.enum(CATEGORIES).optional(),
  cursor: cursorParam(z.tuple([z.string(), z.string()])).optional(),
  limit: limitParam,
});
