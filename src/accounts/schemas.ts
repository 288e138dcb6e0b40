import { z } from 'zod';
import { ROLES } from '../access/roles.ts';

export const ServiceParams = z.object({ service: z.string() });
export const email = z.email({ message: 'must be an email address' }).max(254);
export const password = z.string().min(12, 'at least 12 characters').max(200);

export const LoginBody = z.strictObject({ email, password: z.string().min(1).max(200) }).meta({
  example: { email: 'admin@example.org', password: 'correct horse battery staple' },
});

export const SetupBody = z
  .strictObject({ token: z.string().min(10).max(100), email, password, display_name: z.string().trim().min(1).max(100) })
  .meta({ example: { token: 'printed-at-first-start', email: 'admin@example.org', password: 'correct horse battery staple', display_name: 'Admin' } });

export const MemberBody = z
  .strictObject({
    email,
    display_name: z.string().trim().min(1).max(100).optional(),
    role: z.enum(ROLES),
    password: password.optional(),
  })
  .meta({ example: { email: 'moderator@example.org', display_name: 'Camille', role: 'moderator' } });

export const MemberParams = z.object({ service: z.string(), userId: z.uuid() });
export const RoleBody = z.strictObject({ role: z.enum(ROLES) }).meta({ example: { role: 'senior_moderator' } });

export const ApiKeyBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    role: z.enum(ROLES),
    expires_at: z.iso.datetime({ offset: true }).transform((v) => new Date(v)).optional(),
    /** Required for role `authority` (and only for it): the registered authority the key acts for. */
    authority_id: z.uuid({ message: 'must be an authority id (UUID)' }).optional(),
  })
  .superRefine((k, ctx) => {
    if (k.role === 'authority' && k.authority_id === undefined) {
      ctx.addIssue({ code: 'custom', path: ['authority_id'], message: 'required for role authority: the registered authority this key acts for' });
    }
    if (k.role !== 'authority' && k.authority_id !== undefined) ctx.addIssue({ code: 'custom', path: ['authority_id'], message: 'only for role authority' });
  })
  .meta({ example: { name: 'forum integration', role: 'platform' } });
export const ApiKeyParams = z.object({ service: z.string(), keyId: z.uuid() });

export const TeamBody = z
  .strictObject({ slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,58}$/, 'lower-case letters, digits and dashes'), name: z.string().trim().min(1).max(100) })
  .meta({ example: { slug: 'hate-speech', name: 'Hate speech reviewers' } });
export const TeamMemberParams = z.object({ service: z.string(), teamId: z.uuid(), userId: z.uuid() });

export const MeBody = z.strictObject({ locale: z.enum(['fr', 'en']) }).meta({ example: { locale: 'fr' } });
