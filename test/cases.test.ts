import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from '../src/db/index.ts';
import { notice, startHarness, type Harness, type Session } from './helpers.ts';

const PUBLIC = '/v1/public/services/default/notices';
const CASES = '/v1/services/default/cases';

interface CaseJson {
  id: string;
  queue: string;
  category: string;
  tier: number;
  trusted: boolean;
  escalated: boolean;
  notice_count: number;
  mass_report_suspected: boolean;
  claimed_by: string | null;
  content: { url: string | null; content_id: string | null };
  sla: { deadline_at: string; breached: boolean; seconds_left: number };
}

const TERROR = { category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', subcategory: 'KEYWORD_TERRORIST_CONTENT' };
const CSAM = { category: 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS', subcategory: 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL', notifier: undefined };

describe('cases and queues', () => {
  let h: Harness;
  let mod: Session;
  let senior: Session;
  let childSafety: Session;
  let counterTerror: Session;

  before(async () => {
    h = await startHarness();
    [mod, senior, childSafety, counterTerror] = await Promise.all([
      h.user('moderator'),
      h.user('senior_moderator'),
      h.user('moderator', { teams: ['child-safety'] }),
      h.user('moderator', { teams: ['counter-terrorism'] }),
    ]);
  });
  after(async () => h.close());

  async function caseOf(url: string, auth: Session = mod): Promise<CaseJson | undefined> {
    const r = await sql<{ case_id: string }>`select case_id from notice_locations where url = ${url}`.execute(h.db);
    const id = r.rows[0]?.case_id;
    if (!id) return undefined;
    const res = await h.request('GET', `${CASES}/${id}`, { auth });
    return res.statusCode === 200 ? (res.json() as CaseJson) : undefined;
  }

  it('routes a notice to the queue and deadline of its category', async () => {
    const t0 = Date.now();
    const hateUrl = 'https://forum.example/t/hate-1';
    const terrorUrl = 'https://video.example/v/terror-1';
    assert.equal((await h.request('POST', PUBLIC, { body: notice({ locations: [{ url: hateUrl }] }) })).statusCode, 201);
    assert.equal((await h.request('POST', PUBLIC, { body: notice({ ...TERROR, locations: [{ url: terrorUrl }] }) })).statusCode, 201);
    const hate = await caseOf(hateUrl);
    assert.equal(hate?.queue, 'general');
    assert.equal(hate?.tier, 1);
    const hateDeadline = Date.parse(hate?.sla.deadline_at ?? '');
    assert.ok(Math.abs(hateDeadline - (t0 + 24 * 3600_000)) < 60_000, 'other illegal content: 24 hours');
    const terror = await caseOf(terrorUrl, counterTerror);
    assert.equal(terror?.queue, 'terrorism');
    assert.equal(terror?.tier, 0);
    assert.ok(Math.abs(Date.parse(terror?.sla.deadline_at ?? '') - (t0 + 3600_000)) < 60_000, 'terrorist content: 1 hour');
    assert.equal(await caseOf(terrorUrl, mod), undefined, 'a moderator outside the team does not see it');
  });

  it('groups notices about the same content into one case', async () => {
    const variants = [
      'https://www.Forum.example/t/same/?utm_source=tw&b=2&a=1#post',
      'http://forum.example/t/same?a=1&b=2',
      'https://FORUM.example/t/same/?b=2&a=1&fbclid=xyz',
    ];
    for (const url of variants) assert.equal((await h.request('POST', PUBLIC, { body: notice({ locations: [{ url }] }) })).statusCode, 201);
    const ids = await sql<{ case_id: string }>`select distinct case_id from notice_locations where url = any(${variants})`.execute(h.db);
    assert.equal(ids.rows.length, 1);
    const c = await caseOf(variants[0] as string);
    assert.equal(c?.notice_count, 3);
    const byId = [notice({ locations: [{ content_id: 'msg:777' }] }), notice({ locations: [{ content_id: 'msg:777', url: 'https://x.example/777' }] })];
    for (const b of byId) assert.equal((await h.request('POST', PUBLIC, { body: b })).statusCode, 201);
    const idCases = await sql<{ n: number }>`select count(distinct case_id)::int as n from notice_locations where content_id = 'msg:777'`.execute(h.db);
    assert.equal(idCases.rows[0]?.n, 1);
  });

  it('raises an open case to the most urgent category it receives', async () => {
    const url = 'https://forum.example/t/upgrade';
    await h.request('POST', PUBLIC, { body: notice({ locations: [{ url }] }) });
    await h.request('POST', PUBLIC, { body: notice({ ...CSAM, locations: [{ url }] }) });
    assert.equal(await caseOf(url, mod), undefined, 'now restricted to the child-safety team');
    const c = await caseOf(url, childSafety);
    assert.equal(c?.queue, 'child-safety');
    assert.equal(c?.tier, 0);
    assert.equal(c?.notice_count, 2);
  });

  it('claim next gives the most urgent case, trusted flaggers first within a tier, and locks it', async () => {
    const fresh = await startHarness();
    try {
      const [m1, m2] = await Promise.all([fresh.user('moderator'), fresh.user('moderator')]);
      const flagger = await fresh.apiKey('trusted_flagger');
      const post = (body: Record<string, unknown>, auth?: { key: string }) => fresh.request('POST', auth ? '/v1/services/default/notices' : PUBLIC, { body, ...(auth ? { auth } : {}) });
      await post(notice({ locations: [{ url: 'https://a.example/1-normal' }] }));
      await post(notice({ locations: [{ url: 'https://a.example/2-trusted' }] }), flagger);
      await post(notice({ ...TERROR, locations: [{ url: 'https://a.example/3-terror' }] }));
      const claims: string[] = [];
      for (const who of [m1, m2, m1]) {
        const res = await fresh.request('POST', `${CASES}/claim-next`, { auth: who, body: {} });
        assert.equal(res.statusCode, 200, res.body);
        const c = (res.json() as { case: CaseJson | null }).case;
        if (c) claims.push(c.content.url ?? '');
      }
      // Terrorism queue is team-owned: these moderators are not in it, so it is skipped.
      assert.deepEqual(claims, ['https://a.example/2-trusted', 'https://a.example/1-normal']);
      const none = await fresh.request('POST', `${CASES}/claim-next`, { auth: m2, body: {} });
      assert.equal((none.json() as { case: null }).case, null);
      const mine = await fresh.request('GET', `${CASES}?mine=true`, { auth: m1 });
      assert.equal((mine.json() as { items: CaseJson[] }).items.length, 1);
      // A claimed case cannot be taken by someone else, until the claim expires.
      const id = (mine.json() as { items: CaseJson[] }).items[0]?.id as string;
      const steal = await fresh.request('POST', `${CASES}/${id}/claim`, { auth: m2 });
      assert.equal(steal.statusCode, 409);
      await sql`update cases set claim_expires_at = now() - interval '1 second' where id = ${id}`.execute(fresh.db);
      const after = await fresh.request('POST', `${CASES}/${id}/claim`, { auth: m2 });
      assert.equal(after.statusCode, 200);
    } finally {
      await fresh.close();
    }
  });

  it('reassigns, escalates to the senior queue and keeps internal notes', async () => {
    const url = 'https://forum.example/t/escalate-me';
    await h.request('POST', PUBLIC, { body: notice({ locations: [{ url }] }) });
    const c = (await caseOf(url)) as CaseJson;
    const claimed = await h.request('POST', `${CASES}/${c.id}/claim`, { auth: mod });
    assert.equal(claimed.statusCode, 200);
    const modAssign = await h.request('POST', `${CASES}/${c.id}/assign`, { auth: mod, body: { user_id: senior.userId } });
    assert.equal(modAssign.statusCode, 403, 'moderators cannot reassign');
    const other = await h.user('moderator');
    const assigned = await h.request('POST', `${CASES}/${c.id}/assign`, { auth: senior, body: { user_id: other.userId } });
    assert.equal(assigned.statusCode, 200, assigned.body);
    assert.equal((assigned.json() as { case: CaseJson }).case.claimed_by, other.userId);
    const outsider = await h.request('POST', `${CASES}/${c.id}/assign`, { auth: senior, body: { user_id: (await h.user('analyst')).userId } });
    assert.equal(outsider.statusCode, 400);
    const note = await h.request('POST', `${CASES}/${c.id}/notes`, { auth: other, body: { body: 'Looks coordinated with t/123.' } });
    assert.equal(note.statusCode, 201);
    const esc = await h.request('POST', `${CASES}/${c.id}/escalate`, { auth: other, body: { reason: 'Threat against a named person' } });
    assert.equal(esc.statusCode, 200, esc.body);
    const escalated = (esc.json() as { case: CaseJson }).case;
    assert.equal(escalated.queue, 'senior');
    assert.equal(escalated.escalated, true);
    assert.equal(escalated.claimed_by, null);
    const modClaim = await h.request('POST', `${CASES}/${c.id}/claim`, { auth: mod });
    assert.equal(modClaim.statusCode, 403, 'moderators cannot claim from the senior queue');
    const seniorNext = await h.request('POST', `${CASES}/claim-next`, { auth: senior, body: { queue: 'senior' } });
    assert.equal((seniorNext.json() as { case: CaseJson }).case.id, c.id);
    const detail = (await h.request('GET', `${CASES}/${c.id}`, { auth: senior })).json() as { notes: Array<{ body: string }>; notices: unknown[] };
    assert.deepEqual(detail.notes.map((n) => n.body), ['Looks coordinated with t/123.', 'Escalated: Threat against a named person']);
    assert.equal(detail.notices.length, 1);
    const history = await h.request('GET', `/v1/services/default/audit?subject_type=case&subject_id=${c.id}`, { auth: await h.user('auditor') });
    const actions = (history.json() as { items: Array<{ action: string }> }).items.map((e) => e.action).reverse();
    assert.deepEqual(actions, ['case.opened', 'case.claimed', 'case.assigned', 'case.note_added', 'case.escalated', 'case.claimed']);
  });

  it('keeps child-abuse cases visible to the child-safety team only', async () => {
    const url = 'https://img.example/csam-1';
    await h.request('POST', PUBLIC, { body: notice({ ...CSAM, locations: [{ url }] }) });
    const r = await sql<{ case_id: string }>`select case_id from notice_locations where url = ${url}`.execute(h.db);
    const id = r.rows[0]?.case_id as string;
    const admin = await h.user('admin');
    for (const who of [mod, senior, admin]) {
      assert.equal((await h.request('GET', `${CASES}/${id}`, { auth: who })).statusCode, 404);
      const list = (await h.request('GET', `${CASES}?limit=200`, { auth: who })).json() as { items: CaseJson[] };
      assert.ok(!list.items.some((c) => c.id === id));
      const queues = (await h.request('GET', '/v1/services/default/queues', { auth: who })).json() as { items: Array<{ slug: string }> };
      assert.ok(!queues.items.some((q) => q.slug === 'child-safety'));
    }
    assert.equal((await h.request('GET', `${CASES}/${id}`, { auth: childSafety })).statusCode, 200);
    const next = await h.request('POST', `${CASES}/claim-next`, { auth: childSafety, body: { queue: 'child-safety' } });
    assert.equal((next.json() as { case: CaseJson }).case.category, 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS');
  });

  it('flags a burst of notices on one item as a possible mass-report campaign', async () => {
    const burst = await startHarness({ massReportThreshold: 5 });
    try {
      const url = 'https://forum.example/t/targeted-by-brigade';
      const codes = await Promise.all(Array.from({ length: 8 }, () => burst.request('POST', PUBLIC, { body: notice({ locations: [{ url }] }) }).then((r) => r.statusCode)));
      assert.deepEqual(new Set(codes), new Set([201]));
      const cases = await sql<{ n: number; flagged: boolean; notices: number }>`
        select count(*)::int as n, bool_and(mass_report_suspected) as flagged, max(notice_count) as notices from cases`.execute(burst.db);
      assert.deepEqual(cases.rows[0], { n: 1, flagged: true, notices: 8 });
      const m = await burst.user('moderator');
      const list = (await burst.request('GET', `${CASES}?mass_report=true`, { auth: m })).json() as { items: CaseJson[] };
      assert.equal(list.items.length, 1);
      const events = await sql<{ n: number }>`select count(*)::int as n from audit_events where action = 'case.mass_report_suspected'`.execute(burst.db);
      assert.equal(events.rows[0]?.n, 1);
    } finally {
      await burst.close();
    }
  });

  it('shows SLA breaches and pages with opaque keyset cursors', async () => {
    await sql`update cases set deadline_at = now() - interval '5 minutes' where content_url = 'https://forum.example/t/hate-1'`.execute(h.db);
    const breached = (await h.request('GET', `${CASES}?breached=true`, { auth: mod })).json() as { items: CaseJson[] };
    assert.ok(breached.items.length >= 1);
    assert.ok(breached.items.every((c) => c.sla.breached && c.sla.seconds_left < 0));
    const queues = (await h.request('GET', '/v1/services/default/queues', { auth: mod })).json() as { items: Array<{ slug: string; breached: number }> };
    assert.ok((queues.items.find((q) => q.slug === 'general')?.breached ?? 0) >= 1);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const res = await h.request('GET', `${CASES}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { auth: mod });
      const body = res.json() as { items: CaseJson[]; next_cursor: string | null };
      seen.push(...body.items.map((c) => c.id));
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    const all = (await h.request('GET', `${CASES}?limit=200`, { auth: mod })).json() as { items: CaseJson[] };
    assert.deepEqual(seen, all.items.map((c) => c.id));
    const bad = await h.request('GET', `${CASES}?cursor=not-a-cursor`, { auth: mod });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /query\.cursor/);
  });

  it('lets admins change the triage policy and rejects incoherent ones', async () => {
    const admin = await h.user('admin');
    const bad = await h.request('PUT', '/v1/services/default/sla-policies', {
      auth: admin,
      body: { policies: [{ category: 'STATEMENT_CATEGORY_SELF_HARM', subcategory: 'KEYWORD_TERRORIST_CONTENT', tier: 0, deadline_minutes: 30, queue: 'nowhere' }] },
    });
    assert.equal(bad.statusCode, 400);
    const fields = (bad.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);
    assert.ok(fields.includes('body.policies.0.queue') && fields.includes('body.policies.0.subcategory') && fields.includes('body.policies'));
    const ok = await h.request('PUT', '/v1/services/default/sla-policies', {
      auth: admin,
      body: {
        policies: [
          { category: '*', subcategory: '*', tier: 1, deadline_minutes: 1440, queue: 'general' },
          { category: 'STATEMENT_CATEGORY_SELF_HARM', tier: 0, deadline_minutes: 120, queue: 'general' },
        ],
      },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const url = 'https://forum.example/t/self-harm';
    await h.request('POST', PUBLIC, { body: notice({ category: 'STATEMENT_CATEGORY_SELF_HARM', subcategory: 'KEYWORD_SUICIDE', locations: [{ url }] }) });
    const c = await caseOf(url);
    assert.equal(c?.tier, 0);
    assert.ok(Math.abs(Date.parse(c?.sla.deadline_at ?? '') - Date.now() - 120 * 60_000) < 60_000);
  });
});
