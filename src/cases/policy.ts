import { sql, type Db } from '../db/index.ts';

/**
 * Default triage set-up of a new service. Tier 0 = hour-level (terrorist content and child sexual
 * abuse material: 1 hour), tier 1 = everything else (24 hours). Admins change it per service.
 */
export const DEFAULT_TEAMS = [
  { slug: 'child-safety', name: 'Child safety' },
  { slug: 'counter-terrorism', name: 'Counter-terrorism' },
];

export const DEFAULT_QUEUES = [
  { slug: 'senior', name: 'Escalations (senior)', kind: 'senior', team: null, escalation: null },
  { slug: 'child-safety-senior', name: 'Child safety escalations', kind: 'senior', team: 'child-safety', escalation: null },
  { slug: 'general', name: 'General', kind: 'standard', team: null, escalation: 'senior' },
  { slug: 'child-safety', name: 'Child safety', kind: 'standard', team: 'child-safety', escalation: 'child-safety-senior' },
  { slug: 'terrorism', name: 'Terrorist content', kind: 'standard', team: 'counter-terrorism', escalation: 'senior' },
  // Orders from authorities (src/cases/order-case.ts): their cases sort ahead of everything else.
  { slug: 'orders', name: 'Orders from authorities', kind: 'standard', team: null, escalation: 'senior' },
] as const;

export const DEFAULT_POLICIES: Array<{ category: string; subcategory: string; tier: number; minutes: number; queue: string }> = [
  { category: '*', subcategory: '*', tier: 1, minutes: 24 * 60, queue: 'general' },
  { category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS', subcategory: '*', tier: 1, minutes: 24 * 60, queue: 'child-safety' },
  { category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS', subcategory: 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL', tier: 0, minutes: 60, queue: 'child-safety' },
  { category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS', subcategory: 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE', tier: 0, minutes: 60, queue: 'child-safety' },
  { category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS', subcategory: 'KEYWORD_GROOMING_SEXUAL_ENTICEMENT_MINORS', tier: 0, minutes: 60, queue: 'child-safety' },
  { category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', subcategory: 'KEYWORD_TERRORIST_CONTENT', tier: 0, minutes: 60, queue: 'terrorism' },
];

/** Creates the default teams, queues and SLA policy of a service (in the caller's transaction). */
export async function seedTriageDefaults(tx: Db, serviceId: string): Promise<void> {
  const teams = new Map<string, string>();
  for (const t of DEFAULT_TEAMS) {
    const r = await sql<{ id: string }>`insert into teams (service_id, slug, name) values (${serviceId}, ${t.slug}, ${t.name}) returning id`.execute(tx);
    teams.set(t.slug, (r.rows[0] as { id: string }).id);
  }
  const queues = new Map<string, string>();
  for (const q of DEFAULT_QUEUES) {
    const r = await sql<{ id: string }>`
      insert into queues (service_id, slug, name, kind, team_id, escalation_queue_id)
      values (${serviceId}, ${q.slug}, ${q.name}, ${q.kind}, ${q.team ? (teams.get(q.team) ?? null) : null},
              ${q.escalation ? (queues.get(q.escalation) ?? null) : null})
      returning id`.execute(tx);
    queues.set(q.slug, (r.rows[0] as { id: string }).id);
  }
  for (const p of DEFAULT_POLICIES) {
    await sql`insert into sla_policies (service_id, category, subcategory, tier, deadline_minutes, queue_id)
              values (${serviceId}, ${p.category}, ${p.subcategory}, ${p.tier}, ${p.minutes}, ${queues.get(p.queue) ?? null})`.execute(tx);
  }
}
