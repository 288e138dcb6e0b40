/**
 * Shared request bodies for tests (and bench/export.ts). Pure data: no imports, so the benchmarks can use it
 * without pulling in the test harness.
 */

/** A TDB-valid restriction decision as a moderator submits it, without an affected user. */
export const RESTRICTION_DETAILS = {
  outcome: 'restriction',
  decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
  territorial_scope: ['FR', 'BE'],
  decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
  illegal_content_legal_ground: 'Loi du 29 juillet 1881, art. 24',
  illegal_content_explanation: 'The post calls for violence against people because of their religion.',
  decision_facts: 'Reported on 2026-11-20; the post names a religious group and calls for attacks.',
  content_type: ['CONTENT_TYPE_TEXT'],
  content_language: 'fr',
  content_date: '2026-11-20',
};

/** RESTRICTION_DETAILS with a French-speaking affected user (author@example.org). */
export const RESTRICTION = {
  ...RESTRICTION_DETAILS,
  affected_user: { email: 'author@example.org', locale: 'fr' },
};

/** A restriction on an order's case (illegal content, removal), as a moderator takes it to give the order effect. */
export const REMOVAL_DECISION = {
  outcome: 'restriction',
  decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
  decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
  illegal_content_legal_ground: 'Regulation (EU) 2021/784, Art. 3 (removal order)',
  illegal_content_explanation: 'Terrorist content subject to a removal order of the French police.',
  decision_facts: 'Removal order of the French police; the video glorifies a terrorist attack.',
  content_type: ['CONTENT_TYPE_VIDEO'],
  content_date: '2026-01-10',
};
