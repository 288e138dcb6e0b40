/**
 * Transparency reports: lifecycle (draft → frozen → published, corrections), bad input, immutability of a
 * published report, hashes of the downloads, the exports against the Commission's template files, and the
 * public listing.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { sql } from '../src/db/index.ts';
import type { ReportFigures } from '../src/transparency/figures.ts';
import { buildSheets } from '../src/transparency/sheets.ts';
import { EU_LANGUAGES, MEMBER_STATES, SHEET_NAMES, TEMPLATE_DIR, templateFileName, type SheetName } from '../src/transparency/template.ts';
import { startHarness, type Harness, type Session } from './helpers.ts';
import { claimAndDecide, openCase } from './support/cases.ts';
import { RESTRICTION } from './support/fixtures.ts';

const S = '/v1/services/default/transparency/reports';
const P = '/v1/public/services/default/transparency/reports';
const DAY = 86_400_000;
// One clock for the whole file: a run that crosses midnight UTC keeps the same periods.
const NOW = Date.now();
const day = (offsetDays: number) => new Date(NOW + offsetDays * DAY).toISOString().slice(0, 10);
const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** The template file of a sheet, parsed as the Commission wrote it (labels untrimmed). */
function template(name: SheetName): { header: string[]; rows: string[][] } {
  const [header, ...rows] = parse(fs.readFileSync(new URL(templateFileName(name), TEMPLATE_DIR), 'utf8')) as string[][];
  return { header: header as string[], rows };
}

const base = (overrides: Record<string, unknown> = {}) => ({
  period_start: day(-30),
  period_end: day(0),
  provider_name: 'Forum Example SAS',
  service_name: 'Forum Example',
  provider_kind: 'online_platform',
  ...overrides,
});

interface ReportJson {
  id: string;
  status: string;
  version: number;
  superseded_by: string | null;
  file_hashes: { json: string; zip: string; xlsx: string; csv: Record<string, string> } | null;
  figures: ReportFigures;
  figures_live: boolean;
  inputs: Record<string, unknown>;
}

describe('transparency reports', () => {
  let h: Harness;
  let admin: Session;
  let analyst: Session;
  let published: ReportJson;

  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from transparency_reports`.execute(h.db)).rows[0]?.n;
  const download = async (url: string) => {
    const res = await h.request('GET', url);
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    return res.rawPayload;
  };

  before(async () => {
    h = await startHarness();
    [admin, analyst] = await Promise.all([h.user('admin'), h.user('analyst')]);
    const mod = await h.user('moderator');
    // Some recorded history in the period: a notice decided with a restriction.
    const opened = await openCase(h, `https://forum.example/t/${crypto.randomUUID()}`);
    await claimAndDecide(h, opened.caseId, mod, RESTRICTION);
  });
  after(() => h.close());

  it('lifecycle: draft with live figures → inputs → freeze → unfreeze → freeze → check → publish', async () => {
    const created = await h.request('POST', S, { auth: admin, body: base() });
    assert.equal(created.statusCode, 201, created.body);
    const id = (created.json() as ReportJson).id;
    assert.equal((created.json() as ReportJson).status, 'draft');

    const draft = (await h.request('GET', `${S}/${id}`, { auth: analyst })).json() as ReportJson;
    assert.equal(draft.figures_live, true);
    assert.ok(draft.figures.totals.notices >= 1, 'the notice of the period is counted live');

    const patched = await h.request('PATCH', `${S}/${id}`, {
      auth: admin,
      body: {
        qualitative: { own_initiative_summary: 'We remove, demote or label content.\nSecond line, "quoted".' },
        keyword_other: { STATEMENT_CATEGORY_SCAMS_AND_FRAUD: 'Counterfeit tickets' },
        category_context: { 'Category 6c': 'Includes slurs against protected groups.' },
        contextual_notes: [{ sheet: '4_notices', row: 'TOTAL', column: 'Median time to take action', text: 'From receipt to first decision.' }],
        amar: { total: 1000, member_states: { FR: 600, EL: 10 } },
      },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(analyst && (await h.request('PATCH', `${S}/${id}`, { auth: analyst, body: {} })).statusCode, 403, 'reports:read cannot edit');

    const frozen = await h.request('POST', `${S}/${id}/freeze`, { auth: admin });
    assert.equal(frozen.statusCode, 200, frozen.body);
    assert.equal((frozen.json() as ReportJson).status, 'frozen');
    assert.equal((await h.request('PATCH', `${S}/${id}`, { auth: admin, body: { monetisation: false } })).statusCode, 409, 'a frozen report is not edited');
    const stored = (await h.request('GET', `${S}/${id}`, { auth: admin })).json() as ReportJson;
    assert.equal(stored.figures_live, false);

    assert.equal((await h.request('POST', `${S}/${id}/unfreeze`, { auth: admin })).statusCode, 200);
    assert.equal((await h.request('POST', `${S}/${id}/unfreeze`, { auth: admin })).statusCode, 409, 'only a frozen report unfreezes');
    assert.equal((await h.request('POST', `${S}/${id}/publish`, { auth: admin })).statusCode, 409, 'a draft is not published');
    assert.equal((await h.request('POST', `${S}/${id}/freeze`, { auth: admin })).statusCode, 200);

    const check = await h.request('GET', `${S}/${id}/check`, { auth: analyst });
    assert.equal(check.statusCode, 200, check.body);
    assert.equal((check.json() as { matches: boolean }).matches, true, check.body);

    const pub = await h.request('POST', `${S}/${id}/publish`, { auth: admin });
    assert.equal(pub.statusCode, 200, pub.body);
    published = pub.json() as ReportJson;
    assert.equal(published.status, 'published');
    assert.ok(published.file_hashes && /^[0-9a-f]{64}$/.test(published.file_hashes.xlsx));
    assert.deepEqual(Object.keys(published.file_hashes.csv).sort(), [...SHEET_NAMES].sort());

    assert.equal((await h.request('PATCH', `${S}/${id}`, { auth: admin, body: {} })).statusCode, 409);
    assert.equal((await h.request('POST', `${S}/${id}/unfreeze`, { auth: admin })).statusCode, 409);
    assert.equal((await h.request('DELETE', `${S}/${id}`, { auth: admin })).statusCode, 409);

    const actions = await sql<{ action: string }>`select action from audit_events where subject_id = ${id} order by id`.execute(h.db);
    assert.deepEqual(
      actions.rows.map((r) => r.action),
      ['transparency_report.created', 'transparency_report.inputs_updated', 'transparency_report.frozen', 'transparency_report.unfrozen', 'transparency_report.frozen', 'transparency_report.published'],
    );
  });

  it('a published report cannot be changed or deleted, even by direct SQL', async () => {
    await assert.rejects(sql`update transparency_reports set provider_name = 'Someone else' where id = ${published.id}`.execute(h.db), /immutable/);
    await assert.rejects(sql`update transparency_reports set status = 'draft' where id = ${published.id}`.execute(h.db), /immutable/);
    await assert.rejects(sql`delete from transparency_reports where id = ${published.id}`.execute(h.db), /immutable/);
  });

  it('the hashes in the audit event are the sha256 of the public downloads, the same bytes every time', async () => {
    const ev = await sql<{ data: { file_hashes: NonNullable<ReportJson['file_hashes']> } }>`
      select data from audit_events where subject_id = ${published.id} and action = 'transparency_report.published'`.execute(h.db);
    const hashes = ev.rows[0]?.data.file_hashes;
    assert.ok(hashes);
    assert.deepEqual(hashes, published.file_hashes);
    for (const format of ['json', 'zip', 'xlsx'] as const) {
      const first = await download(`${P}/${published.id}/export?format=${format}`);
      assert.equal(sha256(first), hashes[format], format);
      // XLSX and ZIP carry dates: pinned to the publication, so a later download is identical.
      await new Promise((r) => setTimeout(r, format === 'json' ? 0 : 1100));
      assert.equal(sha256(await download(`${P}/${published.id}/export?format=${format}`)), hashes[format], `${format} again`);
    }
    for (const sheet of SHEET_NAMES) assert.equal(sha256(await download(`${P}/${published.id}/export?format=csv&sheet=${sheet}`)), hashes.csv[sheet], sheet);
    const member = await h.request('GET', `${S}/${published.id}/export?format=xlsx`, { auth: analyst });
    assert.equal(sha256(member.rawPayload), hashes.xlsx, 'members download the same bytes');
    assert.equal(member.headers['x-content-sha256'], hashes.xlsx);
  });

  it('the CSV bundle has the template’s sheets, headers and labels, values by applicability', async () => {
    const files = unzipSync(new Uint8Array(await download(`${P}/${published.id}/export?format=zip`)));
    assert.deepEqual(Object.keys(files), SHEET_NAMES.map((n) => `${n}.csv`));
    const csv: Record<string, string[][]> = {};
    for (const name of SHEET_NAMES) {
      const text = Buffer.from(files[`${name}.csv`] as Uint8Array).toString('utf8');
      assert.ok(!text.startsWith('\uFEFF'), 'UTF-8 without BOM');
      assert.match(text, /\r\n$/, 'RFC 4180 record ends');
      const [header, ...rows] = parse(text) as string[][];
      const t = template(name);
      assert.deepEqual(header, t.header, `${name}: header is the template's, byte for byte`);
      csv[name] = rows;
    }
    // Label columns equal the template's (online platform: no per-member-state or per-language expansion).
    const labels = (rows: string[][], cols: number[]) => rows.map((r) => cols.map((c) => r[c]));
    const period = `${day(-30)}/${day(0)}`;
    assert.deepEqual(labels(csv['1_report_identification'] as string[][], [0, 2]), labels(template('1_report_identification').rows, [0, 2]));
    assert.deepEqual(labels(csv['2_categories_names'] as string[][], [0, 1, 2]), labels(template('2_categories_names').rows, [0, 1, 2]));
    const totalBlock = template('3_member_states_orders').rows.filter((r) => r[5] === 'TOTAL');
    assert.deepEqual(labels(csv['3_member_states_orders'] as string[][], [0, 3, 5]), labels(totalBlock, [0, 3, 5]), 'no orders: the TOTAL block only');
    for (const name of ['4_notices', '5_own_initiative_illegal', '6_own_initiative_TC'] as const) {
      assert.deepEqual(labels(csv[name] as string[][], [0, 3]), labels(template(name).rows, [0, 3]), name);
    }
    for (const name of ['7_appeals_and_recidivism', '8_automated_means', '9_human_resources', '10_AMAR'] as const) {
      assert.deepEqual(labels(csv[name] as string[][], [0, 3, 4, 5]), labels(template(name).rows, [0, 3, 4, 5]), name);
    }
    assert.deepEqual(labels(csv['11_qualitative'] as string[][], [0, 3]), labels(template('11_qualitative').rows, [0, 3]));
    for (const name of SHEET_NAMES.slice(2)) {
      for (const r of csv[name] as string[][]) {
        assert.equal(r[1], 'Forum Example', `${name}: Service on every row`);
        assert.equal(r[2], period, `${name}: Reporting period on every row`);
      }
    }
    const s1 = csv['1_report_identification'] as string[][];
    // The publication date is the server's day at publication (the next one if the run crossed midnight).
    const serverToday = new Date().toISOString().slice(0, 10);
    assert.deepEqual(s1.map((r) => r[3]), ['Forum Example SAS', s1[1]?.[3] === serverToday ? serverToday : day(0), '', day(-30), day(0)]);
    // Applicability: an online platform fills sheet 4 (0 where nothing happened), leaves VLOP-only sheets blank.
    const notices = csv['4_notices'] as string[][];
    assert.ok(Number(notices[0]?.[5]) >= 1, 'TOTAL notices received');
    assert.equal(notices.find((r) => r[3] === 'KEYWORD_ANIMAL_HARM')?.[5], '0');
    assert.ok((csv['9_human_resources'] as string[][]).every((r) => r[6] === ''), 'sheet 9 is for VLOPs: blank');
    assert.ok((csv['10_AMAR'] as string[][]).every((r) => r[6] === ''), 'sheet 10 is for VLOPs: blank even with inputs');
    const other = (csv['5_own_initiative_illegal'] as string[][]).filter((r) => r[3] === 'KEYWORD_OTHER');
    assert.equal(other.find((r) => r[4] !== '')?.[4], 'Counterfeit tickets', 'KEYWORD_OTHER description under its parent');
    assert.ok(!JSON.stringify(csv).includes('Text to detail the'), 'no template placeholder left');
    assert.equal((csv['2_categories_names'] as string[][]).find((r) => r[0] === 'Category 6c')?.[3], 'Includes slurs against protected groups.');
    assert.equal(notices[0]?.[19], 'From receipt to first decision.', 'contextual note in its column');
    assert.equal((csv['11_qualitative'] as string[][])[0]?.[4], 'We remove, demote or label content.\nSecond line, "quoted".');
    assert.equal((csv['11_qualitative'] as string[][])[6]?.[4], '', 'VLOP-only text blank');
  });

  it('the XLSX workbook has the 11 sheets with the template’s headers and labels', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(`${P}/${published.id}/export?format=xlsx`)) as unknown as ExcelJS.Buffer);
    assert.deepEqual(wb.worksheets.map((w) => w.name), [...SHEET_NAMES]);
    const text = (v: ExcelJS.CellValue) => (v === null || v === undefined ? '' : String(v));
    for (const name of SHEET_NAMES) {
      const ws = wb.getWorksheet(name) as ExcelJS.Worksheet;
      const t = template(name);
      const header = t.header.map((_h, i) => text(ws.getRow(1).getCell(i + 1).value));
      assert.deepEqual(header, t.header, `${name}: header`);
      const codeCol = name === '1_report_identification' ? 3 : name === '2_categories_names' ? 3 : name === '11_qualitative' ? 4 : name.match(/^[3-6]_/) ? 4 : 5;
      const expected = name === '3_member_states_orders' ? t.rows.filter((r) => r[5] === 'TOTAL') : t.rows;
      assert.equal(ws.rowCount, expected.length + 1, `${name}: rows`);
      expected.forEach((r, i) => assert.equal(text(ws.getRow(i + 2).getCell(codeCol).value), r[codeCol - 1], `${name} row ${i + 2}`));
    }
    const n = (wb.getWorksheet('4_notices') as ExcelJS.Worksheet).getRow(2).getCell(6).value;
    assert.equal(typeof n, 'number', 'counts are numbers in the workbook');
  });

  it('public: a published report is listed and readable; drafts and frozen reports are not', async () => {
    const draft = await h.request('POST', S, { auth: admin, body: base({ period_start: '2023-01-01', period_end: '2023-12-31' }) });
    assert.equal(draft.statusCode, 201, draft.body);
    const draftId = (draft.json() as ReportJson).id;
    const list = await h.request('GET', P);
    assert.equal(list.statusCode, 200);
    const items = (list.json() as { items: Array<{ id: string; file_hashes: unknown; totals: { notices: number }; links: { xlsx: string } }> }).items;
    assert.deepEqual(items.map((i) => i.id), [published.id]);
    assert.deepEqual(items[0]?.file_hashes, published.file_hashes);
    assert.ok((items[0]?.totals.notices ?? 0) >= 1, 'headline totals for the public page');
    assert.equal(items[0]?.links.xlsx, `${P}/${published.id}/export?format=xlsx`);
    assert.equal((await h.request('GET', `${P}/${published.id}`)).statusCode, 200);
    assert.equal((await h.request('GET', `${P}/${draftId}`)).statusCode, 404);
    assert.equal((await h.request('GET', `${P}/${draftId}/export?format=json`)).statusCode, 404);
    assert.equal((await h.request('POST', `${S}/${draftId}/freeze`, { auth: admin })).statusCode, 200);
    assert.equal((await h.request('GET', `${P}/${draftId}/export?format=zip`)).statusCode, 404, 'frozen is not public');
    assert.equal((await h.request('GET', `${P}/${crypto.randomUUID()}`)).statusCode, 404);
    assert.equal((await h.request('DELETE', `${S}/${draftId}`, { auth: admin })).statusCode, 204);
  });

  it('bad periods: 4xx with the field, nothing written', async () => {
    const before = await count();
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ period_start: day(-5), period_end: day(-10) }, 400, 'body.period_end'],
      [{ period_start: '', period_end: day(-1) }, 400, 'body.period_start'],
      [{ period_end: undefined }, 400, 'body.period_end'],
      [{ period_start: day(-1), period_end: day(3) }, 400, 'body.period_end'],
      [{ period_start: '2024-02-30', period_end: '2024-03-01' }, 400, 'body.period_start'],
      [{ period_start: '2023-01-01', period_end: '2024-06-30' }, 400, 'body.period_end'],
      [{ period_start: day(-40), period_end: day(-20) }, 409, 'body.period_start'],
      [{ provider_kind: 'vlose' }, 400, 'body.provider_kind'],
      [{ period_start: '2023-01-01', period_end: '2023-06-30', supersedes: crypto.randomUUID(), changes: [{ change: 'x', reason: 'y' }] }, 400, 'body.supersedes'],
      [{ supersedes: published.id }, 400, 'body.changes'],
    ];
    for (const [overrides, status, path] of cases) {
      const res = await h.request('POST', S, { auth: admin, body: base(overrides) });
      assert.equal(res.statusCode, status, `${JSON.stringify(overrides)}: ${res.body}`);
      const fields = (res.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);
      assert.ok(fields.includes(path), `${JSON.stringify(overrides)}: ${JSON.stringify(fields)}`);
    }
    assert.equal((await h.request('POST', S, { auth: analyst, body: base({ period_start: '2022-01-01', period_end: '2022-12-31' }) })).statusCode, 403);
    assert.equal(await count(), before, 'nothing written');
  });

  it('bad inputs: member states, languages, FTE, texts → 400 with field paths, inputs unchanged', async () => {
    const created = await h.request('POST', S, { auth: admin, body: base({ period_start: '2022-01-01', period_end: '2022-12-31', provider_kind: 'vlop' }) });
    assert.equal(created.statusCode, 201, created.body);
    const id = (created.json() as ReportJson).id;
    const good = { amar: { total: 5, member_states: { EL: 5 } } };
    assert.equal((await h.request('PATCH', `${S}/${id}`, { auth: admin, body: good })).statusCode, 200);
    const bad: Array<[Record<string, unknown>, string]> = [
      [{ amar: { member_states: { XX: 3 } } }, 'body.amar.member_states.XX'],
      [{ amar: { member_states: { GR: 3 } } }, 'body.amar.member_states.GR'],
      [{ amar: { member_states: { FR: -1 } } }, 'body.amar.member_states.FR'],
      [{ human_resources: { moderators: [{ language: 'xx', internal_fte: 1, external_fte: 0, cefr_level: 'C1' }] } }, 'body.human_resources.moderators.0.language'],
      [{ human_resources: { moderators: [{ language: 'FR', internal_fte: 1, external_fte: 0, cefr_level: 'C1' }] } }, 'body.human_resources.moderators.0.language'],
      [{ human_resources: { moderators: [{ language: 'ru', internal_fte: 1, external_fte: 0, cefr_level: 'C1' }] } }, 'body.human_resources.moderators.0.language'],
      [{ human_resources: { internal_fte: -2 } }, 'body.human_resources.internal_fte'],
      [{ qualitative: { hr_training: 'x'.repeat(5001) } }, 'body.qualitative.hr_training'],
      [{ keyword_other: { STATEMENT_CATEGORY_NOPE: 'x' } }, 'body.keyword_other.STATEMENT_CATEGORY_NOPE'],
      [{ contextual_notes: [{ sheet: '4_notices', row: 'TOTAL', column: 'No such column', text: 'x' }] }, 'body.contextual_notes.0'],
    ];
    for (const [body, path] of bad) {
      const res = await h.request('PATCH', `${S}/${id}`, { auth: admin, body });
      assert.equal(res.statusCode, 400, `${JSON.stringify(body).slice(0, 120)}: ${res.body}`);
      const fields = (res.json() as { error: { fields: Array<{ path: string }> } }).error.fields.map((f) => f.path);
      assert.ok(fields.includes(path), `${path} in ${JSON.stringify(fields)}`);
    }
    const after = (await h.request('GET', `${S}/${id}`, { auth: admin })).json() as ReportJson;
    assert.deepEqual(after.inputs, good, 'inputs unchanged by the rejected patches');
    assert.equal((await h.request('PATCH', `${S}/${id}`, { auth: admin, body: { qualitative: { hr_training: 'x'.repeat(5000) } } })).statusCode, 200, '5000 is allowed');
  });

  it('a correction of a published report: new version, changes listed, both stay public', async () => {
    const res = await h.request('POST', S, {
      auth: admin,
      body: base({ supersedes: published.id, changes: [{ change: 'Median times recomputed', reason: 'Notices without decision were counted' }] }),
    });
    assert.equal(res.statusCode, 201, res.body);
    const fix = res.json() as ReportJson;
    assert.equal(fix.version, 2);
    const corrected = (await h.request('GET', `${S}/${published.id}`, { auth: admin })).json() as ReportJson;
    const fixFull = (await h.request('GET', `${S}/${fix.id}`, { auth: admin })).json() as ReportJson;
    assert.deepEqual(fixFull.inputs, corrected.inputs, 'starts from the corrected report’s inputs');
    assert.ok(Object.keys(corrected.inputs).length > 0);
    assert.equal((await h.request('POST', `${S}/${fix.id}/freeze`, { auth: admin })).statusCode, 200);
    const pub = await h.request('POST', `${S}/${fix.id}/publish`, { auth: admin });
    assert.equal(pub.statusCode, 200, pub.body);
    const items = ((await h.request('GET', P)).json() as { items: Array<{ id: string; version: number; superseded_by: string | null }> }).items;
    assert.deepEqual(items.map((i) => [i.id, i.version, i.superseded_by]), [
      [fix.id, 2, null],
      [published.id, 1, fix.id],
    ]);
    // The superseded report is unchanged, hashes included.
    const old = await download(`${P}/${published.id}/export?format=json`);
    assert.equal(sha256(old), published.file_hashes?.json);
  });
});

describe('template layout for a VLOP (pure)', () => {
  const zeroOrder = { act_received: 0, act_items: 0, act_median_ack_h: null, act_median_effect_h: null, info_received: 0, info_median_ack_h: null, info_median_effect_h: null };
  const figures: ReportFigures = {
    period: { start: '2026-01-01', end: '2026-06-30' },
    computed_at: '2026-07-01T00:00:00.000Z',
    orders: [
      { category: 'TOTAL', keyword: null, scope: 'TOTAL', ...zeroOrder, act_received: 2, act_items: 11, act_median_ack_h: 0.333333 },
      { category: 'TOTAL', keyword: null, scope: 'FR', ...zeroOrder, act_received: 2, act_items: 11 },
      { category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY', keyword: 'KEYWORD_TERRORIST_CONTENT', scope: 'FR', ...zeroOrder, act_received: 2, act_items: 11 },
      { category: 'TOTAL', keyword: null, scope: 'EL', ...zeroOrder, info_received: 1 },
    ],
    notices: [],
    own_initiative_illegal: [],
    own_initiative_tc: [],
    appeals: [],
    automated_means: [],
    totals: { notices: 0, orders: 3, decisions: 0, restrictions: 0, appeals: 0, reinstatements: 0, median_action_h: null, suspensions: 0 },
  };
  const doc = {
    service_name: 'Big',
    provider_name: 'Big BV',
    period: figures.period,
    published_on: null,
    previous_published_on: null,
    figures,
    inputs: {
      human_resources: { internal_fte: 10, moderators: [{ language: 'fr' as const, internal_fte: 2, external_fte: 1.5, cefr_level: 'C1' as const }, { language: 'de' as const, internal_fte: 1, external_fte: 0, cefr_level: 'B1' as const }] },
      amar: { total: 100, member_states: { EL: 7 } },
    },
  };

  it('sheet 3: TOTAL block, then one full block per member state with orders (EU code order, EL for Greece)', () => {
    const s3 = buildSheets({ ...doc, provider_kind: 'vlop' }).sheets[2];
    const block = template('3_member_states_orders').rows.filter((r) => r[5] === 'TOTAL').length;
    assert.equal(s3?.rows.length, 3 * block);
    assert.deepEqual([...new Set(s3?.rows.map((r) => r[5]))], ['TOTAL', 'EL', 'FR']);
    assert.ok(s3?.rows.some((r) => r[5] === 'FR' && r[3] === 'KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE'), 'member-state blocks fix the template slip');
    const terror = s3?.rows.find((r) => r[5] === 'FR' && r[3] === 'KEYWORD_TERRORIST_CONTENT');
    assert.deepEqual(terror?.slice(6, 8), [2, 11]);
    assert.equal(s3?.rows[0]?.[8], 0.33, 'hours rounded to 2 places');
    assert.equal(s3?.rows[0]?.[9], null, 'no median: blank');
  });

  it('sheets 8–10 for a VLOP: per-language and per-member-state rows; blank for a hosting service', () => {
    const vlop = buildSheets({ ...doc, provider_kind: 'vlop' }).sheets;
    const s8 = vlop[7]?.rows ?? [];
    assert.equal(s8.length, template('8_automated_means').rows.length - 15 + 5 * EU_LANGUAGES.length);
    assert.ok(!s8.some((r) => r[5] === '[...]'));
    const s9 = vlop[8]?.rows ?? [];
    assert.deepEqual(s9.map((r) => r[5]), ['Total number', 'Total number', 'Total number', ...EU_LANGUAGES]);
    assert.equal(s9.find((r) => r[5] === 'fr')?.[6], 3.5, 'FTE at B2 or above');
    assert.equal(s9.find((r) => r[5] === 'de')?.[6], 0, 'B1 does not count');
    assert.equal(s9[0]?.[6], 10);
    const s10 = vlop[9]?.rows ?? [];
    assert.deepEqual(s10.map((r) => r[5]), ['TOTAL', ...MEMBER_STATES]);
    assert.equal(s10.find((r) => r[5] === 'EL')?.[6], 7);
    assert.equal(s10.find((r) => r[5] === 'FR')?.[6], null, 'not entered: blank');

    const hosting = buildSheets({ ...doc, provider_kind: 'hosting' }).sheets;
    assert.ok(hosting[9]?.rows.every((r) => r[6] === null));
    const s7 = hosting[6]?.rows ?? [];
    assert.equal(s7[0]?.[6], 0, 'row 1 of sheet 7 applies to all');
    assert.equal(s7[1]?.[6], null, 'the rest is for online platforms');
    const s4 = buildSheets({ ...doc, provider_kind: 'intermediary' }).sheets[3];
    assert.ok(s4?.rows.every((r) => r[5] === null), 'notices: hosting services only');
  });
});
