import { z } from 'zod';
import { isHttpUrl } from '../http/validators.ts';
import { isCountryCode } from '../taxonomy/languages.ts';

/** Harms a help resource may cover (slugs; also checked by the table's constraint). */
export const HARMS = [
  'terrorism',
  'child_sexual_abuse',
  'hate_speech',
  'harassment',
  'non_consensual_intimate_images',
  'scams',
  'self_harm',
  'other',
] as const;
export type Harm = (typeof HARMS)[number];

export const KINDS = ['reporting_point', 'helpline', 'legal', 'victim_support'] as const;
export type Kind = (typeof KINDS)[number];

/** Countries without a national scope: European and international resources, listed after the national ones. */
export const SUPRANATIONAL = ['EU', 'INT'] as const;

/** ISO 3166-1 alpha-2 (upper case), or EU / INT. */
export const CountryCode = z
  .string()
  .refine((v) => (SUPRANATIONAL as readonly string[]).includes(v) || isCountryCode(v), 'an ISO 3166-1 alpha-2 code in upper case (FR), or EU or INT');

const httpsUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => isHttpUrl(v) && new URL(v).protocol === 'https:', 'must be an absolute https URL');

const localized = (max: number) => z.strictObject({ fr: z.string().trim().min(1).max(max), en: z.string().trim().min(1).max(max) });

export const RESOURCE_EXAMPLE = {
  country: 'FR',
  harms: ['harassment', 'non_consensual_intimate_images'],
  kind: 'helpline',
  name: { fr: '3018 – Numéro national contre le cyberharcèlement', en: '3018 – French national helpline against cyberbullying' },
  description: {
    fr: "Numéro gratuit et confidentiel de l'association e-Enfance pour les jeunes victimes de violences numériques.",
    en: 'Free and confidential helpline run by the e-Enfance association for young victims of online violence.',
  },
  url: 'https://3018.fr',
  phone: '3018',
  hours: null,
  source_url: 'https://3018.fr',
  verified_at: '2026-11-26',
  position: 20,
};

/** The whole document of a help resource (POST creates one, PUT replaces one). */
export const ResourceBody = z
  .strictObject({
    country: CountryCode,
    harms: z
      .array(z.enum(HARMS))
      .min(1)
      .refine((v) => new Set(v).size === v.length, 'each harm at most once'),
    kind: z.enum(KINDS),
    name: localized(200),
    description: localized(2000),
    url: httpsUrl.nullable().default(null),
    phone: z
      .string()
      .trim()
      .regex(/^[+0-9 ()-]{2,32}$/, 'digits, spaces, +, ( ) and - (2–32 characters)')
      .nullable()
      .default(null),
    hours: localized(200).nullable().default(null),
    source_url: httpsUrl,
    /** When the entry was last checked against source_url; null when it has not been. */
    verified_at: z.iso.date().nullable().default(null),
    position: z.number().int().min(0).max(1_000_000).default(100),
  })
  .meta({ example: RESOURCE_EXAMPLE });
export type ResourceInput = z.output<typeof ResourceBody>;

export const ResourceParams = z.object({ id: z.uuid() });

export const PublicQuery = z
  .object({
    country: CountryCode.optional(),
    harm: z.enum(HARMS).optional(),
  })
  .meta({ example: { country: 'FR', harm: 'hate_speech' } });

const Localized = z.object({ fr: z.string(), en: z.string() });

export const ResourceView = z.object({
  id: z.string(),
  country: z.string(),
  harms: z.array(z.enum(HARMS)),
  kind: z.enum(KINDS),
  name: Localized,
  description: Localized,
  url: z.string().nullable(),
  phone: z.string().nullable(),
  hours: Localized.nullable(),
  source_url: z.string(),
  verified_at: z.string().nullable(),
});

export const AdminResourceView = ResourceView.extend({ position: z.number(), created_at: z.string(), updated_at: z.string() });

export const PublicList = z.object({ items: z.array(ResourceView), countries: z.array(z.string()), harms: z.array(z.enum(HARMS)) });

export const AdminList = z.object({ items: z.array(AdminResourceView) });
