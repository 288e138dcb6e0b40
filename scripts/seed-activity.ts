/**
 * Seeds a realistic period of moderation activity THROUGH THE REAL SERVICE, for transparency reports (and demos):
 * public and trusted-flagger notices, decisions (law / terms, several restriction types, some solely automated,
 * manifestly illegal content giving strikes, warnings and suspensions), own-initiative cases opened by automated
 * screening and decided by moderators, complaints (affected users and notifiers) decided upheld / reversed /
 * modified. Every request goes through the HTTP app in-process (fastify inject), as a client would send it.
 *
 *   node bin/run-ts.js scripts/seed-activity.ts --service default --from 2026-01-01 --to 2026-06-30 --notices 500 \
 *     [--seed 42] [--database-url postgres://…] [--data-dir ./data]
 *
 * Timestamps. The service writes its history "now"; to spread it over the period, the script records a target
 * time for every row it caused (notice received, case opened, screened, decided, complaint lodged and decided,
 * strike step) and, at the end, moves those rows to their target times IN ONE DOCUMENTED STEP
 * (`moveToTargetTimes`): one transaction that turns off the append-only triggers of decisions and screened items,
 * updates the timestamps, recomputes decisions.received_at from the moved rows, and turns the triggers back on.
 * Only this seed script does that. The audit log keeps the real (seeding) times: it is hash-chained.
 * With the same --seed, the same period and a fresh service, the activity (and so the report) is the same.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { LightMyRequestResponse } from 'fastify';
import { addMember, createApiKey } from '../src/accounts/index.ts';
import type { Role } from '../src/access/roles.ts';
import { loadConfig } from '../src/config.ts';
import { sql, type Db } from '../src/db/index.ts';
import { createVigie, openConfiguredDatabase, type Vigie } from '../src/server.ts';
import { findServiceBySlug } from '../src/services/index.ts';
import { prng } from '../test/support/prng.ts';

export interface SeedOptions {
  service: string;
  /** First and last day of the period, YYYY-MM-DD (inclusive, UTC). */
  from: string;
  to: string;
  /** Number of notices; screening cases are half as many. */
  notices: number;
  seed: number;
  /** Progress lines (the CLI prints them). */
  log?: (line: string) => void;
}

export interface SeedSummary {
  notices: number;
  trustedNotices: number;
  screened: number;
  decisions: number;
  restrictions: number;
  appeals: number;
  appealsDecided: number;
  strikeSteps: number;
  orders: number;
  /** Period bounds actually used for targets: every seeded timestamp is within [from, to]. */
  period: { from: string; to: string };
}

/** Notice categories with weights: (category, keyword or null). */
const NOTICE_MIX: [number, string, string | null][] = [
  [18, 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', 'KEYWORD_HATE_SPEECH'],
  [8, 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', 'KEYWORD_DEFAMATION'],
  [4, 'STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', null],
  [12, 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD', 'KEYWORD_PHISHING'],
  [6, 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD', 'KEYWORD_IMPERSONATION_ACCOUNT_HIJACKING'],
  [10, 'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS', 'KEYWORD_COPYRIGHT_INFRINGEMENT'],
  [3, 'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS', 'KEYWORD_TRADEMARK_INFRINGEMENT'],
  [8, 'STATEMENT_CATEGORY_CYBER_VIOLENCE', 'KEYWORD_CYBER_HARASSMENT'],
  [3, 'STATEMENT_CATEGORY_CYBER_VIOLENCE', 'KEYWORD_OTHER'],
  [6, 'STATEMENT_CATEGORY_DATA_PROTECTION_AND_PRIVACY_VIOLATIONS', 'KEYWORD_RIGHT_TO_BE_FORGOTTEN'],
  [5, 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS', 'KEYWORD_UNSAFE_CHALLENGES'],
  [4, 'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS', 'KEYWORD_PROHIBITED_PRODUCTS'],
  [3, 'STATEMENT_CATEGORY_VIOLENCE', 'KEYWORD_INCITEMENT_VIOLENCE_HATRED'],
  [3, 'STATEMENT_CATEGORY_NEGATIVE_EFFECTS_ON_CIVIC_DISCOURSE_OR_ELECTIONS', 'KEYWORD_MISINFORMATION_DISINFORMATION'],
  [3, 'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE', null],
];

/** Own-initiative screening rules: account field threshold → the case category the rule opens. */
const SCREENING_RULES: { slug: string; field: string; category: string; subcategory: string }[] = [
  { slug: 'seed-new-accounts', field: 'seed_spam_score', category: 'STATEMENT_CATEGORY_SCAMS_AND_FRAUD', subcategory: 'KEYWORD_INAUTHENTIC_ACCOUNTS' },
  { slug: 'seed-nudity', field: 'seed_nudity_score', category: 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC', subcategory: 'KEYWORD_NUDITY' },
  { slug: 'seed-terror', field: 'seed_terror_score', category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', subcategory: 'KEYWORD_TERRORIST_CONTENT' },
];

const VISIBILITY = [
  'DECISION_VISIBILITY_CONTENT_REMOVED',
  'DECISION_VISIBILITY_CONTENT_REMOVED',
  'DECISION_VISIBILITY_CONTENT_REMOVED',
  'DECISION_VISIBILITY_CONTENT_DISABLED',
  'DECISION_VISIBILITY_CONTENT_DEMOTED',
  'DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED',
  'DECISION_VISIBILITY_CONTENT_LABELLED',
  'DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED',
];

interface Session {
  cookie: string;
  csrf: string;
  userId: string;
}
type Auth = Session | { key: string };

/** Where each seeded row should be in time (ids → ISO timestamps). */
interface Targets {
  notices: Map<string, Date>;
  cases: Map<string, Date>;
  decisions: Map<string, Date>;
  screened: Map<string, Date>;
  appealsCreated: Map<string, Date>;
  appealsDecided: Map<string, Date>;
  /** Strike rows and threshold steps follow the decision that gave / took them. */
  strikeDecisions: Map<string, Date>;
  /** Orders are registered with their time of receipt and given effect at a stated time; the acknowledgement moves. */
  ordersAcknowledged: Map<string, Date>;
}

/**
 * Seeds the activity into a running Vigie (in-process). Returns what was seeded; the rows are at their target
 * times when it returns.
 */
export async function seedActivity(vigie: Vigie, opts: SeedOptions): Promise<SeedSummary> {
  const db: Db = vigie.database.db;
  const rand = prng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const chance = (p: number) => rand() < p;
  const log = opts.log ?? (() => {});
  const svc = await findServiceBySlug(db, opts.service);
  if (!svc) throw new Error(`No service "${opts.service}"`);
  const S = `/v1/services/${opts.service}`;
  const PUBLIC = `/v1/public/services/${opts.service}`;
  const periodStart = Date.parse(`${opts.from}T00:00:00Z`);
  const periodEnd = Date.parse(`${opts.to}T00:00:00Z`) + 86_400_000 - 1;
  if (!(periodEnd > periodStart)) throw new Error('--to must not be before --from');
  // Every chain of events (notice → decision → complaint → its decision) starts early enough to end in the period.
  const latestStart = periodEnd - 25 * 86_400_000;
  const startAt = () => new Date(periodStart + Math.floor(rand() * Math.max(1, latestStart - periodStart)));
  const after = (t: Date, minHours: number, maxHours: number) => new Date(Math.min(periodEnd, t.getTime() + Math.round((minHours + rand() * (maxHours - minHours)) * 3_600_000)));

  const request = async (method: string, url: string, auth: Auth | undefined, body?: unknown): Promise<LightMyRequestResponse> => {
    const headers: Record<string, string> = {};
    if (auth && 'key' in auth) headers.authorization = `Bearer ${auth.key}`;
    if (auth && 'cookie' in auth) {
      headers.cookie = auth.cookie;
      headers['x-csrf-token'] = auth.csrf;
    }
    return vigie.fastify.inject({ method: method as 'GET', url, headers, ...(body === undefined ? {} : { payload: body as object }) });
  };
  const expect = (res: LightMyRequestResponse, status: number, what: string) => {
    if (res.statusCode !== status) throw new Error(`${what}: HTTP ${res.statusCode} ${res.body}`);
    return res.json() as Record<string, unknown>;
  };

  // People and keys of the service, made for this run (unique emails: the script may run more than once).
  const run = crypto.randomBytes(4).toString('hex');
  const system = { type: 'system' as const, id: null };
  const person = async (role: Role, n: number): Promise<Session> => {
    const email = `seed-${role}-${n}-${run}@seed.invalid`;
    const password = `seed password ${run} ${n}`;
    const m = await addMember(db, svc.id, { email, role, password }, system, null);
    // Staff set-up, as an admin would do it: every seeded moderator is in every team (child safety, terrorism…).
    await sql`insert into team_members (team_id, user_id) select id, ${m.user_id} from teams where service_id = ${svc.id} on conflict do nothing`.execute(db);
    const res = await request('POST', '/v1/auth/login', undefined, { email, password });
    const body = expect(res, 200, 'login') as { csrf_token: string };
    const setCookie = res.headers['set-cookie'];
    const cookieLine = (Array.isArray(setCookie) ? setCookie[0] : setCookie) ?? '';
    return { cookie: cookieLine.split(';')[0] as string, csrf: body.csrf_token, userId: m.user_id };
  };
  const moderators = [await person('moderator', 1), await person('moderator', 2), await person('moderator', 3)];
  const seniors = [await person('senior_moderator', 1), await person('senior_moderator', 2)];
  const admin = await person('admin', 1);
  const key = async (role: Role) => ({ key: (await createApiKey(db, svc.id, { name: `seed ${role} ${run}`, role }, system, null)).key });
  const flagger = await key('trusted_flagger');
  const platform = await key('platform');

  for (const r of SCREENING_RULES) {
    expect(
      await request('PUT', `${S}/screening-rules/${r.slug}-${run}`, admin, {
        name: `Seed rule ${r.slug}`,
        mode: 'live',
        definition: { all: [{ signal: 'account', field: r.field, op: 'gte', value: 1 }], actions: [{ type: 'open_case', category: r.category, subcategory: r.subcategory }] },
      }),
      200,
      'screening rule',
    );
  }

  const targets: Targets = {
    notices: new Map(),
    cases: new Map(),
    decisions: new Map(),
    screened: new Map(),
    appealsCreated: new Map(),
    appealsDecided: new Map(),
    strikeDecisions: new Map(),
    ordersAcknowledged: new Map(),
  };
  const summary: SeedSummary = {
    notices: 0,
    trustedNotices: 0,
    screened: 0,
    decisions: 0,
    restrictions: 0,
    appeals: 0,
    appealsDecided: 0,
    strikeSteps: 0,
    orders: 0,
    period: { from: opts.from, to: opts.to },
  };
  // A small population of accounts, so that some post manifestly illegal content repeatedly (strikes).
  const accounts = Array.from({ length: Math.max(8, Math.floor(opts.notices / 12)) }, (_, i) => `seed-account-${run}-${i}`);
  const totalWeight = NOTICE_MIX.reduce((s, [w]) => s + w, 0);
  const noticeCategory = () => {
    let x = rand() * totalWeight;
    for (const [w, c, k] of NOTICE_MIX) if ((x -= w) < 0) return { category: c, keyword: k };
    return { category: NOTICE_MIX[0]![1], keyword: NOTICE_MIX[0]![2] };
  };

  /** A decision body as a moderator submits it: restriction on one of the grounds, or no action. */
  const decisionBody = (category: string, keyword: string | null, opts2: { restrict: boolean; illegal: boolean; automated: boolean; account: string }) => {
    if (!opts2.restrict) {
      return { outcome: 'no_action', decision_facts: 'The content does not break the law nor the terms of service.', automated_decision: opts2.automated ? 'AUTOMATED_DECISION_FULLY' : 'AUTOMATED_DECISION_NOT_AUTOMATED' };
    }
    const visibility = pick(VISIBILITY);
    const extra: Record<string, unknown> = {};
    const scale = rand();
    if (scale < 0.08) extra.decision_monetary = 'DECISION_MONETARY_SUSPENSION';
    else if (scale < 0.12) extra.decision_provision = 'DECISION_PROVISION_PARTIAL_SUSPENSION';
    else if (scale < 0.17) {
      extra.decision_account = 'DECISION_ACCOUNT_SUSPENDED';
      extra.end_date_account_restriction = '2037-01-01';
    }
    const ground = opts2.illegal
      ? {
          decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
          illegal_content_legal_ground: 'Code pénal, art. 222-33-2-2',
          illegal_content_explanation: 'The content is illegal under the provision cited.',
          // Manifestly illegal content gives the account a strike (DSA Art. 23(1)).
          manifestly_illegal: chance(0.35),
        }
      : { decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT', incompatible_content_ground: 'Community guidelines §4', incompatible_content_explanation: 'The content breaks the guidelines.' };
    return {
      outcome: 'restriction',
      decision_visibility: [visibility],
      ...extra,
      territorial_scope: ['FR', 'BE'],
      ...ground,
      decision_facts: 'Reviewed by a moderator against the report and the content.',
      automated_detection: false,
      automated_decision: opts2.automated ? 'AUTOMATED_DECISION_FULLY' : 'AUTOMATED_DECISION_NOT_AUTOMATED',
      content_type: ['CONTENT_TYPE_TEXT'],
      content_language: pick(['fr', 'en', 'de', 'es']),
      content_date: '2026-01-01',
      category,
      ...(keyword ? { category_specification: [keyword] } : {}),
      affected_user: { email: 'author@seed.invalid', locale: 'en', platform_user_ref: opts2.account },
    };
  };

  /** Claims and decides a case; cases in a senior queue (screening escalations) go to a senior moderator. */
  const decide = async (caseId: string, body: Record<string, unknown>, at: Date) => {
    let mod = pick(moderators);
    const claim = await request('POST', `${S}/cases/${caseId}/claim`, mod);
    if (claim.statusCode === 404 || claim.statusCode === 403) {
      mod = seniors[0] as Session;
      expect(await request('POST', `${S}/cases/${caseId}/claim`, mod), 200, 'claim (senior)');
    } else expect(claim, 200, 'claim');
    const d = expect(await request('POST', `${S}/cases/${caseId}/decisions`, mod, body), 201, 'decision') as {
      id: string;
      appeal_token?: string;
      strike?: { step: { decision_id: string } | null };
    };
    targets.decisions.set(d.id, at);
    targets.strikeDecisions.set(d.id, at);
    summary.decisions++;
    if (body.outcome === 'restriction') summary.restrictions++;
    if (d.strike?.step) {
      targets.decisions.set(d.strike.step.decision_id, at);
      summary.strikeSteps++;
      summary.decisions++;
    }
    return { ...d, by: mod };
  };

  /** A complaint on a decision, decided (or left open) by a senior moderator. */
  const complain = async (appealUrl: string, token: string, decidedAt: Date, decidedBy: Session, restricted: boolean, category: string, keyword: string | null, account: string) => {
    const lodged = expect(await request('POST', appealUrl, undefined, { token, explanation: 'I disagree with this decision.' }), 201, 'appeal') as { id: string };
    const lodgedAt = after(decidedAt, 2, 24 * 10);
    targets.appealsCreated.set(lodged.id, lodgedAt);
    summary.appeals++;
    if (!chance(0.85)) return;
    const x = rand();
    // A no-action decision is never just reversed: the complaint that succeeds gives a new decision (modified).
    const outcome = x < 0.6 ? 'upheld' : x < 0.85 && restricted ? 'reversed' : 'modified';
    const body: Record<string, unknown> = { outcome, reason: 'Second review of the case by a senior moderator.' };
    if (outcome === 'modified') {
      // Restricted → a lighter restriction (label); no action → a restriction on the law.
      body.decision = restricted
        ? { ...decisionBody(category, keyword, { restrict: true, illegal: false, automated: false, account }), decision_visibility: ['DECISION_VISIBILITY_CONTENT_LABELLED'] }
        : decisionBody(category, keyword, { restrict: true, illegal: true, automated: false, account });
      delete (body.decision as Record<string, unknown>).manifestly_illegal;
      delete (body.decision as Record<string, unknown>).decision_monetary;
      delete (body.decision as Record<string, unknown>).decision_provision;
      delete (body.decision as Record<string, unknown>).decision_account;
      delete (body.decision as Record<string, unknown>).end_date_account_restriction;
    }
    const res = expect(await request('POST', `${S}/appeals/${lodged.id}/decide`, pick(seniors.filter((x) => x !== decidedBy)), body), 200, 'appeal decision') as {
      new_decision_id?: string | null;
      correction?: { id: string } | null;
    };
    const answeredAt = after(lodgedAt, 1, 24 * 7);
    targets.appealsDecided.set(lodged.id, answeredAt);
    summary.appealsDecided++;
    const corrected = await sql<{ new_decision_id: string | null }>`select new_decision_id from appeals where id = ${lodged.id}`.execute(db);
    const newId = corrected.rows[0]?.new_decision_id ?? res.new_decision_id ?? null;
    if (newId) {
      targets.decisions.set(newId, answeredAt);
      summary.decisions++;
    }
  };

  // ---- notices (Art. 16), public and from trusted flaggers, decided by moderators
  for (let i = 0; i < opts.notices; i++) {
    const { category, keyword } = noticeCategory();
    const trusted = chance(0.15);
    const items = chance(0.85) ? 1 : chance(0.7) ? 2 : 3;
    const locations = Array.from({ length: items }, (_, n) => ({ url: `https://forum.example/t/seed-${run}-${i}-${n}` }));
    const body = {
      category,
      ...(keyword ? { subcategory: keyword } : {}),
      locations,
      explanation: 'This content breaks the law; see the link.',
      language: 'fr',
      notifier: { name: 'Seed Notifier', email: 'notifier@seed.invalid' },
      good_faith: true,
    };
    const res = trusted ? await request('POST', `${S}/notices`, flagger, body) : await request('POST', `${PUBLIC}/notices`, undefined, body);
    const receipt = expect(res, 201, 'notice') as { id?: string; reference: string; tracking_token?: string };
    const row = await sql<{ id: string }>`select id from notices where service_id = ${svc.id} and reference = ${receipt.reference}`.execute(db);
    const noticeId = row.rows[0]!.id;
    const receivedAt = startAt();
    targets.notices.set(noticeId, receivedAt);
    summary.notices++;
    if (trusted) summary.trustedNotices++;
    const cases = await sql<{ case_id: string; position: number }>`select case_id, position from notice_locations where notice_id = ${noticeId} order by position`.execute(db);
    for (const c of cases.rows) {
      if (!targets.cases.has(c.case_id)) targets.cases.set(c.case_id, receivedAt);
      // Some cases stay undecided at the end of the period.
      if (!chance(trusted ? 0.95 : 0.85)) continue;
      const restrict = chance(trusted ? 0.8 : 0.55);
      const account = pick(accounts);
      const decidedAt = after(receivedAt, 0.2, trusted ? 24 : 96);
      const decision = await decide(c.case_id, decisionBody(category === 'STATEMENT_CATEGORY_NOT_SPECIFIED_NOTICE' ? 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC' : category, keyword, { restrict, illegal: chance(0.6), automated: chance(0.08), account }), decidedAt);
      if (!chance(0.12)) continue;
      if (restrict && decision.appeal_token) {
        await complain(`${PUBLIC}/decisions/${decision.id}/appeals`, decision.appeal_token, decidedAt, decision.by, true, category, keyword, account);
      } else if (!restrict && receipt.tracking_token && c.position === 0) {
        await complain(`${PUBLIC}/notices/${receipt.reference}/appeals`, receipt.tracking_token, decidedAt, decision.by, false, category, keyword, account);
      }
    }
    if ((i + 1) % 100 === 0) log(`notices: ${i + 1}/${opts.notices}`);
  }

  // ---- own initiative: automated screening opens cases, moderators decide them
  const screenings = Math.floor(opts.notices / 2);
  for (let i = 0; i < screenings; i++) {
    const rule = pick(SCREENING_RULES);
    const contentId = `seed-post-${run}-${i}`;
    const res = await request('POST', `${S}/screen`, platform, { content_id: contentId, text: 'Seed content for screening.', context: { account: { [rule.field]: 1 } } });
    expect(res, 200, 'screen');
    const item = await sql<{ id: string; case_id: string | null }>`select id, case_id from screened_items where service_id = ${svc.id} and content_id = ${contentId}`.execute(db);
    const screenedAt = startAt();
    const it = item.rows[0];
    if (!it?.case_id) continue;
    targets.screened.set(it.id, screenedAt);
    if (!targets.cases.has(it.case_id)) targets.cases.set(it.case_id, screenedAt);
    summary.screened++;
    if (!chance(0.9)) continue;
    const restrict = chance(0.8);
    const account = pick(accounts);
    const decidedAt = after(screenedAt, 0.05, 48);
    const illegal = rule.category !== 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC' && chance(0.5);
    const decision = await decide(it.case_id, decisionBody(rule.category, rule.subcategory, { restrict, illegal, automated: chance(0.3), account }), decidedAt);
    if (restrict && decision.appeal_token && chance(0.1)) {
      await complain(`${PUBLIC}/decisions/${decision.id}/appeals`, decision.appeal_token, decidedAt, decision.by, true, rule.category, rule.subcategory, account);
    }
    if ((i + 1) % 100 === 0) log(`screenings: ${i + 1}/${screenings}`);
  }

  // ---- orders from authorities (DSA Art. 9 / 10, TCO removal orders), registered with their time of receipt,
  // acknowledged and given effect — when the orders API is there (skipped otherwise).
  const authorities: { id: string; state: string }[] = [];
  for (const state of ['FR', 'DE', 'EL']) {
    const res = await request('POST', `${S}/authorities`, admin, {
      name: `Seed authority ${state} ${run}`,
      member_state: state,
      kind: 'judicial',
      order_types: ['removal_order', 'order_to_act', 'order_to_provide_information'],
      contact_email: `authority-${state.toLowerCase()}@seed.invalid`,
    });
    if (res.statusCode === 404) break;
    authorities.push({ id: (expect(res, 201, 'authority') as { id: string }).id, state });
  }
  const orderCount = authorities.length > 0 ? Math.max(3, Math.floor(opts.notices / 20)) : 0;
  for (let i = 0; i < orderCount; i++) {
    const x = rand();
    const type = x < 0.3 ? 'removal_order' : x < 0.75 ? 'order_to_act' : 'order_to_provide_information';
    const [category, keyword] =
      type === 'removal_order' ? ['STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', 'KEYWORD_TERRORIST_CONTENT'] : pick([['STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH', 'KEYWORD_HATE_SPEECH'], ['STATEMENT_CATEGORY_SCAMS_AND_FRAUD', 'KEYWORD_PHISHING']]);
    const receivedAt = startAt();
    const items = Array.from({ length: chance(0.7) ? 1 : 3 }, (_, n) => ({ url: `https://forum.example/o/seed-${run}-${i}-${n}` }));
    const authority = pick(authorities);
    const order = expect(
      await request('POST', `${S}/orders/register`, admin, {
        authority_id: authority.id,
        type,
        legal_basis: type === 'removal_order' ? 'Regulation (EU) 2021/784, Art. 3' : 'Regulation (EU) 2022/2065, Art. 9',
        issuing_member_state: authority.state,
        reference: `SEED-${run}-${i}`,
        category,
        keyword,
        statement_of_reasons: 'Seeded order.',
        items,
        received_at: receivedAt.toISOString(),
      }),
      201,
      'order',
    ) as { id: string };
    summary.orders++;
    expect(await request('POST', `${S}/orders/${order.id}/acknowledge`, admin, {}), 200, 'order acknowledgement');
    targets.ordersAcknowledged.set(order.id, after(receivedAt, 0, 0.5));
    if (chance(0.9)) {
      const performedAt = after(receivedAt, 0.1, type === 'removal_order' ? 1 : 48);
      const effect: Record<string, unknown> = { description: type === 'order_to_provide_information' ? 'Information provided.' : 'Content removed.', performed_at: performedAt.toISOString() };
      const orderCase = await sql<{ id: string }>`select id from cases where order_id = ${order.id}`.execute(db);
      const caseId = orderCase.rows[0]?.id;
      if (caseId) targets.cases.set(caseId, receivedAt);
      if (type !== 'order_to_provide_information' && caseId) {
        // An order to act is given effect by a decision on its case, taken with the effect by the claim holder.
        expect(await request('POST', `${S}/cases/${caseId}/claim`, admin), 200, 'claim (order)');
        const body = decisionBody(category as string, keyword as string, { restrict: true, illegal: true, automated: false, account: pick(accounts) }) as Record<string, unknown>;
        delete body.manifestly_illegal;
        effect.decision = body;
      }
      const given = expect(await request('POST', `${S}/orders/${order.id}/effect`, admin, effect), 200, 'order effect') as { decision_ids?: string[]; effect_decision_ids?: string[] };
      const decided = await sql<{ id: string }>`select id from decisions where case_id = ${caseId ?? null}`.execute(db);
      for (const d of decided.rows) targets.decisions.set(d.id, performedAt);
      summary.decisions += decided.rows.length;
      void given;
    }
  }

  await moveToTargetTimes(db, svc.id, targets);
  return summary;
}

/**
 * The one step that rewrites history, for seeding only: moves the seeded rows to their target times in one
 * transaction, with the append-only triggers of decisions and screened items off for its duration.
 * Cases: created_at (and updated_at, burst start, deadline shifted alike); notices: created_at; screened items:
 * created_at; decisions: created_at, then received_at recomputed as take.ts computes it; notice actions: received_at and
 * decided_at as their notice and decision; appeals: created_at,
 * decided_at; strikes and threshold steps: created_at (and expires_at shifted alike) as their decision; orders:
 * acknowledged_at (registered orders carry their own received_at, and their effect its performed_at).
 */
export async function moveToTargetTimes(db: Db, serviceId: string, t: Targets): Promise<void> {
  const pairs = (m: Map<string, Date>) => ({ ids: [...m.keys()], ts: [...m.values()].map((d) => d.toISOString()) });
  const moved = (m: Map<string, Date>) => {
    const p = pairs(m);
    return sql`(select unnest(${p.ids}::uuid[]) as id, unnest(${p.ts}::timestamptz[]) as t)`;
  };
  await db.transaction().execute(async (tx) => {
    await sql`alter table decisions disable trigger decisions_append_only`.execute(tx);
    await sql`alter table screened_items disable trigger screened_items_append_only`.execute(tx);
    await sql`update cases c set deadline_at = m.t + (c.deadline_at - c.created_at), burst_started_at = m.t, updated_at = m.t, created_at = m.t
              from ${moved(t.cases)} m where c.id = m.id and c.service_id = ${serviceId}`.execute(tx);
    await sql`update notices n set created_at = m.t from ${moved(t.notices)} m where n.id = m.id and n.service_id = ${serviceId}`.execute(tx);
    await sql`update screened_items s set created_at = m.t from ${moved(t.screened)} m where s.id = m.id and s.service_id = ${serviceId}`.execute(tx);
    await sql`update decisions d set created_at = m.t from ${moved(t.decisions)} m where d.id = m.id and d.service_id = ${serviceId}`.execute(tx);
    await sql`update decisions d set received_at = coalesce(
                (select min(n.created_at) from notice_locations l join notices n on n.id = l.notice_id where l.case_id = d.case_id),
                (select min(s.created_at) from screened_items s where s.case_id = d.case_id),
                (select c.created_at from cases c where c.id = d.case_id))
              from ${moved(t.decisions)} m where d.id = m.id and d.service_id = ${serviceId}`.execute(tx);
    // The notices' actions (migration 0021) carry the notice's receipt and the decision's time: moved alike.
    await sql`update notice_actions a set received_at = n.created_at, decided_at = d.created_at
              from notices n, decisions d where n.id = a.notice_id and d.id = a.decision_id and a.service_id = ${serviceId}`.execute(tx);
    await sql`update appeals a set created_at = m.t from ${moved(t.appealsCreated)} m where a.id = m.id and a.service_id = ${serviceId}`.execute(tx);
    await sql`update appeals a set decided_at = m.t from ${moved(t.appealsDecided)} m where a.id = m.id and a.service_id = ${serviceId}`.execute(tx);
    await sql`update account_strikes s set expires_at = d.created_at + (s.expires_at - s.created_at), created_at = d.created_at
              from decisions d where d.id = s.decision_id and s.service_id = ${serviceId} and d.id = any(${pairs(t.decisions).ids}::uuid[])`.execute(tx);
    await sql`update account_strike_steps s set created_at = d.created_at
              from decisions d where d.id = s.decision_id and s.service_id = ${serviceId} and d.id = any(${pairs(t.decisions).ids}::uuid[])`.execute(tx);
    await sql`update orders o set acknowledged_at = m.t from ${moved(t.ordersAcknowledged)} m where o.id = m.id and o.service_id = ${serviceId}`.execute(tx);
    await sql`alter table screened_items enable trigger screened_items_append_only`.execute(tx);
    await sql`alter table decisions enable trigger decisions_append_only`.execute(tx);
  });
}

// ------------------------------------------------------------------------------------------------ command line

const USAGE = `Seeds a period of moderation activity into a service, through the real API (for transparency reports, demos).

  node bin/run-ts.js scripts/seed-activity.ts [options]

  --service SLUG        the service (default: default)
  --from YYYY-MM-DD     first day of the period (default: 2026-01-01)
  --to YYYY-MM-DD       last day of the period (default: 2026-06-30)
  --notices N           notices to send; screening cases are half as many (default: 500)
  --seed N              the same seed, period and fresh service give the same activity (default: 42)
  --database-url URL    a PostgreSQL server (default: DATABASE_URL, else PGlite in --data-dir)
  --data-dir DIR        PGlite data directory (default: DATA_DIR, else ./data)
  --help                this text
`;

async function main(): Promise<void> {
  // Strict: an unknown option (or a typo) stops here, before anything is written.
  const { values: args } = parseArgs({
    options: {
      service: { type: 'string', default: 'default' },
      from: { type: 'string', default: '2026-01-01' },
      to: { type: 'string', default: '2026-06-30' },
      notices: { type: 'string', default: '500' },
      seed: { type: 'string', default: '42' },
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const notices = Number(args.notices);
  const seed = Number(args.seed);
  if (!Number.isInteger(notices) || notices < 1 || !Number.isInteger(seed)) throw new Error('--notices must be a positive integer and --seed an integer');
  const env = { ...process.env };
  if (args['database-url'] !== undefined) env.DATABASE_URL = args['database-url'];
  if (args['data-dir'] !== undefined) env.DATA_DIR = args['data-dir'];
  const config = loadConfig(env, { logLevel: 'silent', rateLimitPublicPerMinute: 1_000_000_000, rateLimitKeyPerMinute: 1_000_000_000 });
  const database = await openConfiguredDatabase(config);
  const vigie = await createVigie(config, database, { logger: false, workers: false });
  try {
    const started = Date.now();
    const summary = await seedActivity(vigie, {
      service: args.service,
      from: args.from,
      to: args.to,
      notices,
      seed,
      log: (line) => console.error(line),
    });
    console.log(JSON.stringify({ ...summary, seconds: Math.round((Date.now() - started) / 100) / 10 }, null, 2));
  } finally {
    await vigie.stop();
  }
}

// Run as a script (node bin/run-ts.js scripts/seed-activity.ts …), not when a test imports seedActivity.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
