import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from '../src/db/index.ts';
import { HARMS } from '../src/support/index.ts';
import { startHarness, type Harness, type Session } from './helpers.ts';

const PUBLIC = '/v1/public/help-resources';
const ADMIN = '/v1/help-resources';

interface Item {
  id: string;
  country: string;
  harms: string[];
  kind: string;
  name: { fr: string; en: string };
  description: { fr: string; en: string };
  url: string | null;
  phone: string | null;
  hours: { fr: string; en: string } | null;
  source_url: string;
  verified_at: string | null;
}
interface PublicList {
  items: Item[];
  countries: string[];
  harms: string[];
}

const DOC = {
  country: 'IT',
  harms: ['hate_speech', 'harassment'],
  kind: 'legal',
  name: { fr: 'Ressource de test', en: 'Test resource' },
  description: { fr: 'Une ressource créée par le test.', en: 'A resource created by the test.' },
  url: 'https://help.example/it',
  phone: '+39 06 000 000',
  hours: { fr: 'Du lundi au vendredi', en: 'Monday to Friday' },
  source_url: 'https://help.example/it/about',
  verified_at: '2026-11-20',
  position: 5,
};

const fieldPaths = (body: string) => (JSON.parse(body) as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path).sort();

describe('help resources (support)', () => {
  let h: Harness;
  let admin: Session;
  let moderator: Session;
  before(async () => {
    h = await startHarness();
    [admin, moderator] = await Promise.all([h.user('admin'), h.user('moderator')]);
  });
  after(async () => h.close());

  async function list(query: string): Promise<PublicList> {
    const res = await h.request('GET', `${PUBLIC}${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as PublicList;
  }

  async function auditActions(subjectId: string): Promise<Array<{ service_id: string; action: string; actor_id: string | null }>> {
    const r = await sql<{ service_id: string; action: string; actor_id: string | null }>`
      select service_id, action, actor_id from audit_events where subject_type = 'help_resource' and subject_id = ${subjectId} order by id`.execute(h.db);
    return r.rows;
  }

  it('lists the seeded French resources for FR, then the European and international ones, without signing in', async () => {
    const out = await list('?country=FR');
    const countries = out.items.map((i) => i.country);
    assert.ok(countries.length >= 8, JSON.stringify(countries));
    const firstOther = countries.findIndex((c) => c !== 'FR');
    assert.ok(firstOther > 0);
    assert.ok(countries.slice(firstOther).every((c) => c === 'EU' || c === 'INT'), `national first: ${countries.join(',')}`);
    assert.ok(countries.slice(firstOther).includes('INT'));
    const names = out.items.map((i) => i.name.en).join(' | ');
    for (const n of ['PHAROS', '3018', '119', '3919', 'Point de Contact', 'Défenseur des droits', '116 006', 'INHOPE']) assert.match(names, new RegExp(n));
    assert.doesNotMatch(names, /Europol|Referral Unit/);
    const pharos = out.items.find((i) => i.name.en.startsWith('PHAROS'));
    assert.ok(pharos);
    assert.equal(pharos.url, 'https://internet-signalement.gouv.fr');
    assert.equal(out.items.find((i) => i.name.fr.startsWith('3018'))?.phone, '3018');
    // Every entry says where it can be checked; positions order the national ones.
    for (const i of out.items) {
      assert.match(i.source_url, /^https:\/\//);
      assert.ok(i.name.fr && i.name.en && i.description.fr && i.description.en);
      assert.deepEqual(Object.keys(i).sort(), ['country', 'description', 'harms', 'hours', 'id', 'kind', 'name', 'phone', 'source_url', 'url', 'verified_at']);
    }
    assert.ok(out.items.findIndex((i) => i.name.en.startsWith('PHAROS')) < out.items.findIndex((i) => i.name.en.startsWith('France Victimes')));
    assert.deepEqual(out.harms, [...HARMS]);
    assert.deepEqual(out.countries, [...out.countries].sort());
    for (const c of ['FR', 'DE', 'BE', 'GB', 'ES', 'INT']) assert.ok(out.countries.includes(c), c);
  });

  it('filters by harm', async () => {
    const out = await list('?country=FR&harm=child_sexual_abuse');
    assert.ok(out.items.length > 0);
    assert.ok(out.items.every((i) => i.harms.includes('child_sexual_abuse')));
    assert.ok(out.items.some((i) => i.name.en.startsWith('INHOPE')));
    assert.ok(!out.items.some((i) => i.name.en.startsWith('3919')));
    const gb = await list('?country=GB&harm=non_consensual_intimate_images');
    assert.deepEqual(
      gb.items.map((i) => i.name.en),
      ['Revenge Porn Helpline'],
    );
    const de = await list('?country=DE');
    assert.ok(de.items.every((i) => ['DE', 'EU', 'INT'].includes(i.country)));
  });

  it('rejects a bad query with every field error', async () => {
    const res = await h.request('GET', `${PUBLIC}?country=fr&harm=spam`);
    assert.equal(res.statusCode, 400, res.body);
    assert.equal((res.json() as { error: { code: string } }).error.code, 'VALIDATION_FAILED');
    assert.deepEqual(fieldPaths(res.body), ['query.country', 'query.harm']);
    for (const bad of ['FRA', 'XX', 'eu']) {
      const r = await h.request('GET', `${PUBLIC}?country=${bad}`);
      assert.equal(r.statusCode, 400, `${bad}: ${r.body}`);
      assert.deepEqual(fieldPaths(r.body), ['query.country']);
    }
    assert.equal((await h.request('GET', `${PUBLIC}?country=EU`)).statusCode, 200);
  });

  it('instance admins create, replace and delete resources; each change is audited in every service', async () => {
    const created = await h.request('POST', ADMIN, { auth: admin, body: DOC });
    assert.equal(created.statusCode, 201, created.body);
    const c = created.json() as Item & { position: number; created_at: string; updated_at: string };
    assert.equal(c.country, 'IT');
    assert.equal(c.verified_at, '2026-11-20');
    assert.equal(c.position, 5);
    assert.deepEqual(c.hours, DOC.hours);

    const it1 = await list('?country=IT');
    assert.equal(it1.items[0]?.id, c.id);
    assert.deepEqual(it1.items[0]?.name, DOC.name);
    assert.ok(it1.countries.includes('IT'));
    assert.ok((await list('?country=IT&harm=hate_speech')).items.some((i) => i.id === c.id));
    assert.ok(!(await list('?country=IT&harm=scams')).items.some((i) => i.id === c.id));

    const all = await h.request('GET', ADMIN, { auth: admin });
    assert.equal(all.statusCode, 200, all.body);
    assert.ok((all.json() as { items: Item[] }).items.some((i) => i.id === c.id));

    // PUT replaces the whole document: fields left out take their defaults.
    const replaced = await h.request('PUT', `${ADMIN}/${c.id}`, {
      auth: admin,
      body: { country: 'IT', harms: ['scams'], kind: 'helpline', name: { fr: 'Autre nom', en: 'Other name' }, description: DOC.description, source_url: DOC.source_url },
    });
    assert.equal(replaced.statusCode, 200, replaced.body);
    const r = replaced.json() as Item & { position: number };
    assert.deepEqual([r.name.en, r.kind, r.url, r.phone, r.hours, r.verified_at, r.position], ['Other name', 'helpline', null, null, null, null, 100]);
    const it2 = await list('?country=IT&harm=scams');
    assert.equal(it2.items.find((i) => i.id === c.id)?.name.fr, 'Autre nom');

    const deleted = await h.request('DELETE', `${ADMIN}/${c.id}`, { auth: admin });
    assert.equal(deleted.statusCode, 204, deleted.body);
    assert.ok(!(await list('?country=IT')).items.some((i) => i.id === c.id));
    assert.ok(!(await list('')).countries.includes('IT'));
    assert.equal((await h.request('DELETE', `${ADMIN}/${c.id}`, { auth: admin })).statusCode, 404);
    assert.equal((await h.request('PUT', `${ADMIN}/${c.id}`, { auth: admin, body: DOC })).statusCode, 404);

    // One event per change in each service's chain (there is no instance chain), by the admin.
    const services = await sql<{ id: string }>`select id from services`.execute(h.db);
    const events = await auditActions(c.id);
    assert.equal(events.length, 3 * services.rows.length);
    for (const s of services.rows) {
      assert.deepEqual(
        events.filter((e) => e.service_id === s.id).map((e) => e.action),
        ['help_resource.created', 'help_resource.updated', 'help_resource.deleted'],
      );
    }
    assert.ok(events.every((e) => e.actor_id === admin.userId));
    const del = await sql<{ data: { name: { en: string } } }>`
      select data from audit_events where subject_id = ${c.id} and action = 'help_resource.deleted' limit 1`.execute(h.db);
    assert.equal(del.rows[0]?.data.name.en, 'Other name', 'the deleted document stays in the trail');
    // Visible in the service's own audit listing.
    const listed = await h.request('GET', `/v1/services/default/audit?subject_type=help_resource&subject_id=${c.id}`, { auth: admin });
    assert.equal(listed.statusCode, 200, listed.body);
    assert.equal((listed.json() as { items: unknown[] }).items.length, 3);
  });

  it('refuses members who are not instance administrators, and anonymous callers', async () => {
    const id = crypto.randomUUID();
    for (const [method, url, body] of [
      ['GET', ADMIN, undefined],
      ['POST', ADMIN, DOC],
      ['PUT', `${ADMIN}/${id}`, DOC],
      ['DELETE', `${ADMIN}/${id}`, undefined],
    ] as const) {
      const res = await h.request(method, url, { auth: moderator, ...(body ? { body } : {}) });
      assert.equal(res.statusCode, 403, `${method} ${url}: ${res.body}`);
      const anon = await h.request(method, url, body ? { body } : {});
      assert.equal(anon.statusCode, 401, `${method} ${url} anonymous: ${anon.body}`);
    }
    const serviceAdmin = await h.user('admin', { teams: [] });
    assert.equal((await h.request('POST', ADMIN, { auth: serviceAdmin, body: DOC })).statusCode, 403);
    assert.ok(!(await list('?country=IT')).items.some((i) => i.country === 'IT'), 'nothing was created');
  });

  it('rejects invalid documents with every field error', async () => {
    const res = await h.request('POST', ADMIN, {
      auth: admin,
      body: { ...DOC, url: 'http://help.example/it', name: { en: 'Only English' }, harms: [], source_url: 'http://help.example/src', phone: 'call us', extra: 1 },
    });
    assert.equal(res.statusCode, 400, res.body);
    assert.deepEqual(fieldPaths(res.body), ['body.extra', 'body.harms', 'body.name.fr', 'body.phone', 'body.source_url', 'body.url']);

    const more = await h.request('POST', ADMIN, {
      auth: admin,
      body: { ...DOC, country: 'France', harms: ['scams', 'scams'], kind: 'police', description: { fr: '', en: 'x'.repeat(2001) }, verified_at: '26/11/2026' },
    });
    assert.equal(more.statusCode, 400, more.body);
    assert.deepEqual(fieldPaths(more.body), ['body.country', 'body.description.en', 'body.description.fr', 'body.harms', 'body.kind', 'body.verified_at']);

    const missing = await h.request('POST', ADMIN, { auth: admin, body: { country: 'IT' } });
    assert.equal(missing.statusCode, 400);
    assert.deepEqual(fieldPaths(missing.body), ['body.description', 'body.harms', 'body.kind', 'body.name', 'body.source_url']);

    const badId = await h.request('PUT', `${ADMIN}/not-a-uuid`, { auth: admin, body: DOC });
    assert.equal(badId.statusCode, 400);
    assert.deepEqual(fieldPaths(badId.body), ['params.id']);
    assert.ok(!(await list('?country=IT')).items.some((i) => i.country === 'IT'), 'nothing was created');
  });
});
