/**
 * Roles and permissions. Every route declares one permission; a role grants a fixed set.
 * The route × role test walks this table against the live server.
 */
export const ROLES = [
  'admin',
  'senior_moderator',
  'moderator',
  'legal',
  'analyst',
  'auditor',
  'platform',
  'trusted_flagger',
  'authority',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'service:read',
  'members:manage',
  'apikeys:manage',
  'teams:manage',
  'policy:manage',
  'notices:create',
  'notices:read',
  'notices:read_identity',
  'cases:read',
  'cases:claim',
  'cases:claim_senior',
  'cases:assign',
  'cases:escalate',
  'cases:note',
  'decisions:create',
  'decisions:correct',
  'decisions:read',
  'decisions:approve',
  'quality:review',
  'quality:read',
  'strikes:read',
  'appeals:read',
  'appeals:decide',
  'audit:read',
  'jobs:read',
  'outbox:manage',
  'tdb:manage',
  'webhooks:manage',
  'actions:pull',
  'banks:read',
  'banks:manage',
  'rules:read',
  'rules:manage',
  'screening:run',
  // Orders from authorities (DSA Art. 9/10, TCO Regulation), authorities, referrals (DSA Art. 18, hotlines).
  'orders:submit',
  'orders:read',
  'orders:manage',
  'authorities:manage',
  'referrals:create',
  'referrals:read',
  // Notifiers: trusted flaggers (Art. 22), statistics, warnings and suspensions (Art. 23(2)).
  'notifiers:read',
  'notifiers:manage',
  'notices:assess',
  // Transparency reports (Art. 15/24/42).
  'reports:read',
  'reports:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const MODERATION: Permission[] = [
  'cases:read',
  'cases:claim',
  'cases:escalate',
  'cases:note',
  'notices:read',
  'decisions:create',
  'decisions:read',
  'appeals:read',
  'quality:review',
  'strikes:read',
  'notices:assess',
  'referrals:create',
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [...PERMISSIONS],
  senior_moderator: ['service:read', 'notices:create', ...MODERATION, 'cases:claim_senior', 'cases:assign', 'decisions:correct', 'decisions:approve', 'appeals:decide', 'quality:read', 'banks:read', 'rules:read', 'orders:read', 'orders:manage', 'referrals:read', 'notifiers:read', 'notifiers:manage'],
  moderator: ['service:read', 'notices:create', ...MODERATION, 'banks:read', 'rules:read'],
  // Authority liaison: handles orders and referrals, so may see who notified.
  legal: ['service:read', 'notices:read', 'notices:read_identity', 'cases:read', 'cases:note', 'decisions:read', 'appeals:read', 'audit:read', 'tdb:manage', 'banks:read', 'orders:read', 'orders:manage', 'authorities:manage', 'referrals:create', 'referrals:read', 'notifiers:read', 'notifiers:manage', 'reports:read'],
  analyst: ['service:read', 'notices:read', 'cases:read', 'decisions:read', 'quality:read', 'banks:read', 'rules:read', 'notifiers:read', 'reports:read'],
  auditor: ['service:read', 'notices:read', 'cases:read', 'decisions:read', 'appeals:read', 'audit:read', 'jobs:read', 'quality:read', 'banks:read', 'rules:read', 'orders:read', 'referrals:read', 'notifiers:read', 'reports:read'],
  // Integration keys of the online service itself, and trusted flaggers (DSA Art. 22).
  platform: ['service:read', 'notices:create', 'actions:pull', 'screening:run'],
  trusted_flagger: ['service:read', 'notices:create'],
  // An authority's API key (bound to one registered authority): submits orders and reads its own (the order
  // routes hold an authority key to its own authority's orders and authority record; others are "not found").
  authority: ['orders:submit', 'orders:read'],
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: 'Manages the service: members, API keys, teams, queues and triage policy; sees everything.',
  senior_moderator: 'Moderates, claims escalated cases, reassigns cases, corrects decisions, approves decisions under the four-eyes rule, decides appeals, reads quality reports.',
  moderator: 'Claims and works cases in the queues of their teams, and decides them.',
  legal: 'Authority liaison: handles orders from authorities and referrals to them, manages notifiers, reads cases and notifier identities, adds notes, reads the audit log.',
  analyst: 'Reads notices and cases for analysis; no notifier identities.',
  auditor: 'Read-only: cases, notices and the audit log.',
  platform: 'Integration of the online service: submits notices and content to screen through the API, pulls and confirms enforcement actions.',
  trusted_flagger: 'A trusted flagger (DSA Art. 22): notices are prioritised within their tier.',
  authority: 'A public authority (API key bound to a registered authority): submits removal orders and orders to act or to provide information, and follows them.',
};

export function roleHas(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
