/**
 * The text-harm classifier (models/text-harm/, trained by `npm run train:classifier`): the committed
 * artefact loads and matches its manifest; per-language smoke cases; each robustness family at the pass
 * rate the model card states (docs/model-card.md, from models/text-harm/metrics.json); uncovered
 * languages get no score and go to human review; scores are probabilities; `vigie classify` streams
 * thousands of JSON lines in order, with an error line for each malformed one. Throughput is measured by
 * `npm run bench:classify`, not here.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { DEFAULT_MODEL_DIR, TextHarmModel, normaliseForClassifier as normalise } from '../src/screening/index.ts';
import { ROBUSTNESS_CASES, passes, type Family } from '../src/screening/classify/robustness.ts';
import { cleanUp, runCli, vigieEnv } from './process.ts';

after(cleanUp);

const model = TextHarmModel.load();
const COVERED = ['ar', 'de', 'en', 'fr', 'pt', 'zh'];

test('the committed model matches its manifest, is small, and names its licences', () => {
  const m = model.manifest;
  const bytes = fs.readFileSync(path.join(DEFAULT_MODEL_DIR, m.weights.file));
  assert.equal(crypto.createHash('sha256').update(bytes).digest('hex'), m.weights.sha256);
  assert.ok(bytes.length <= 4 * 1024 * 1024, `weights ${bytes.length} bytes`);
  assert.deepEqual([...m.languages].sort(), COVERED);
  assert.ok(m.labels.includes('hate') && m.labels.includes('abuse'));
  const datasets = m.datasets as Array<{ folder: string; licence: string; cite: string }>;
  assert.equal(datasets.length, 5);
  for (const d of datasets) assert.ok(d.licence && d.cite, d.folder);
  assert.match(fs.readFileSync(path.join(DEFAULT_MODEL_DIR, 'NOTICE.md'), 'utf8'), /CC BY-SA 4\.0/);
});

describe('per-language smoke cases', () => {
  const cases: Array<[string, string, string]> = [
    // lang, abusive, benign
    ['en', 'shut up you worthless piece of shit', 'the weather is lovely today, going for a walk in the park'],
    ['fr', 'ferme ta gueule sale connard', 'il fait beau aujourd’hui, je vais me promener au parc'],
    ['de', 'halt die klappe du dreckiger idiot', 'heute ist schönes wetter, ich gehe im park spazieren'],
    ['pt', 'cala a boca seu lixo desgraçado', 'hoje o dia está lindo, vou passear no parque'],
    ['ar', 'اسكت يا حيوان يا قذر', 'الجو جميل اليوم وسأتمشى في الحديقة'],
    ['zh', '你这个垃圾，去死吧', '今天天气很好，我去公园散步'],
  ];
  for (const [lang, abusive, benign] of cases) {
    test(lang, () => {
      const th = model.thresholdsFor(lang).abuse!;
      const a = model.predict(abusive);
      const b = model.predict(benign);
      assert.equal(a.lang, lang);
      assert.equal(b.lang, lang);
      assert.equal(a.route, 'model');
      assert.ok(a.scores!.abuse! >= th, `abusive ${lang}: ${JSON.stringify(a.scores)} (threshold ${th})`);
      assert.ok(b.scores!.abuse! < th, `benign ${lang}: ${JSON.stringify(b.scores)} (threshold ${th})`);
    });
  }
  test('a label without training data for a language scores null, never a silent score (German hate)', () => {
    const p = model.scoreIn('ausländer raus', 'de')!;
    assert.equal(p.hate, null);
    assert.equal(typeof p.abuse, 'number');
  });
});

describe('obfuscation is undone by normalisation', () => {
  const pairs: Array<[string, string]> = [
    ['Musl1ms are a pl4gue', 'muslims are a plague'],
    ['h a t e', 'hate'],
    ['k.i.l.l them', 'kill them'],
    ['іdіоt', 'idiot'], // Cyrillic і and о
    ['Ｆｕｃｋ', 'fuck'], // full-width
    ['fu\u200Bck', 'fuck'], // zero-width space
    ['haaaaate', 'hate'],
    ['sch31ße', 'scheiße'],
    ['垃\u200B圾', '垃圾'],
    ['اليهووود', 'اليهود'],
  ];
  for (const [obf, plain] of pairs) test(obf, () => assert.equal(normalise(obf), normalise(plain)));
  test('numbers and handles are left alone', () => {
    assert.equal(normalise('in 2024 we were 35'), 'in 2024 we were 35');
    assert.equal(normalise('@someone hi'), '@user hi');
  });
});

/**
 * Minimum pass rates per family, as stated in docs/model-card.md (measured on the committed model; the
 * card lists every case that fails). A family at 1.0 is claimed to work on these cases; the others are
 * partial and guarded against regression.
 */
const CLAIMED: Record<Family, number> = {
  control: 1,
  obfuscation: 1,
  negation: 0.75,
  counter_speech: 0.8,
  reclaimed: 0.9,
  neutral_mention: 0.75,
};

describe('robustness families (cases written for this project, never trained on)', () => {
  for (const family of Object.keys(CLAIMED) as Family[]) {
    test(`${family}: pass rate ≥ ${CLAIMED[family]}`, () => {
      const cases = ROBUSTNESS_CASES.filter((c) => c.family === family);
      assert.ok(cases.length >= 10, `${family}: ${cases.length} cases`);
      assert.deepEqual([...new Set(cases.map((c) => c.lang))].sort(), COVERED);
      const failed = cases.filter((c) => !passes(c, model.scoreIn(c.text, c.lang), model.thresholdsFor(c.lang)));
      const rate = 1 - failed.length / cases.length;
      assert.ok(rate >= CLAIMED[family], `${family}: ${rate.toFixed(2)}; failing: ${failed.map((c) => `${c.lang}: ${c.text}`).join(' | ')}`);
    });
  }
});

describe('languages without training data', () => {
  for (const text of [
    'Los inmigrantes no son el problema, el problema es la pobreza en nuestros barrios',
    'Gli immigrati non sono il problema, il problema è la povertà nei nostri quartieri',
    'Иммигранты не проблема, проблема в бедности наших районов',
    '移民は問題ではありません。問題は私たちの地域の貧困です。',
    'Immigranten zijn niet het probleem, het probleem is de armoede in onze wijken',
  ]) {
    test(text.slice(0, 30), () => {
      const p = model.predict(text);
      assert.ok(!COVERED.includes(p.lang), p.lang);
      assert.equal(p.scores, null);
      assert.equal(p.route, 'human_review');
    });
  }
  test('no letters at all: und, human review', () => {
    for (const t of ['😀😀😀', '12345', '', 'https://example.com/x']) {
      const p = model.predict(t);
      assert.equal(p.scores, null, t);
      assert.equal(p.route, 'human_review');
    }
  });
});

test('scores are probabilities in [0, 1] (or null), for odd inputs too', () => {
  const inputs = ['', ' ', 'a', '!!!!', 'x'.repeat(20000), '\u0000\uFFFF', '🙂'.repeat(500), 'word '.repeat(5000), 'مرحبا '.repeat(2000), '你'.repeat(10000)];
  for (const lang of COVERED) {
    for (const t of inputs) {
      const s = model.scoreIn(t, lang)!;
      for (const [k, v] of Object.entries(s)) assert.ok(v === null || (v >= 0 && v <= 1 && Number.isFinite(v)), `${lang} ${k}=${v}`);
    }
  }
});

test('vigie classify streams thousands of JSON lines in order, with an error line per malformed line', async () => {
  const texts = ['you are a stupid idiot', 'les arabes ne sont pas des rats', 'Hoy hace buen tiempo en Madrid, vamos a la playa', '今天天气很好', 'ich hasse dich', 'odeio você seu lixo'];
  const lines: string[] = [];
  for (let i = 0; i < 3000; i++) lines.push(JSON.stringify({ id: i, text: `${texts[i % texts.length]} ${i}` }));
  lines.splice(100, 0, '{not json');
  lines.splice(200, 0, JSON.stringify({ id: 'no-text' }));
  lines.splice(300, 0, '[1,2]');
  const r = await runCli(['classify'], vigieEnv({}), lines.join('\n') + '\n');
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: unknown; lang?: string; route?: string; scores?: Record<string, number | null> | null; error?: string; line?: number });
  assert.equal(out.length, 3003);
  const errs = out.filter((o) => o.error);
  assert.deepEqual(errs.map((e) => e.line), [101, 201, 301]);
  assert.equal(errs[1]!.id, 'no-text');
  const ok = out.filter((o) => !o.error);
  assert.deepEqual(ok.map((o) => o.id), Array.from({ length: 3000 }, (_, i) => i));
  for (const o of ok) {
    if (o.route === 'human_review') assert.equal(o.scores, null);
    else for (const v of Object.values(o.scores!)) assert.ok(v === null || (v >= 0 && v <= 1));
  }
  assert.equal(ok.find((o) => o.id === 2)!.route, 'human_review'); // Spanish: not covered
  assert.equal(ok.find((o) => o.id === 3)!.lang, 'zh');
  assert.match(r.stderr, /3 malformed line/);
});
