/**
 * Operator-supplied ONNX text classifiers (src/screening/classify/onnx.ts), against real ONNX models
 * the tests build themselves (test/support/onnx-model.ts: a hand-encoded bag-of-words graph, run by
 * onnxruntime-node): sigmoid and softmax scores, vigie.json label renaming and language routing, batch
 * equals one-by-one, truncation, and a clear OnnxModelError for every broken folder.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { OnnxModelError, OnnxTextClassifier } from '../src/screening/classify/onnx.ts';
import { buildTinyOnnxModel, type TinyModelOptions } from './support/onnx-model.ts';
import { createVigie } from '../src/server.ts';
import { freshDatabase, startHarness, testConfig } from './helpers.ts';
import { runCli, vigieEnv } from './process.ts';

const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-onnx-'));
after(() => fs.rmSync(ROOT, { recursive: true, force: true }));

let n = 0;
async function modelDir(opts?: TinyModelOptions): Promise<string> {
  const dir = path.join(ROOT, `m${++n}`);
  await buildTinyOnnxModel(dir, opts);
  return dir;
}

async function withModel<T>(opts: TinyModelOptions | undefined, fn: (m: OnnxTextClassifier) => Promise<T>): Promise<T> {
  const m = await OnnxTextClassifier.load(await modelDir(opts));
  try {
    return await fn(m);
  } finally {
    await m.close();
  }
}

const TOXIC_EN = 'you are a stupid idiot';
const NEUTRAL_EN = 'the weather is lovely today, i am going for a walk in the park';
const FRENCH = 'il fait vraiment beau aujourd’hui, je vais me promener au parc avec mes enfants';

function assertProbabilities(scores: Record<string, number | null>): void {
  for (const [label, p] of Object.entries(scores)) {
    assert.equal(typeof p, 'number', label);
    assert.ok(p! >= 0 && p! <= 1, `${label}: ${p}`);
    assert.equal(p, Math.round(p! * 10000) / 10000, `${label} rounded to 4 decimals`);
  }
}

describe('scores', () => {
  test('multi-label (sigmoid): toxic English scores high, neutral English low, labels from id2label', async () => {
    await withModel({ multiLabel: true }, async (m) => {
      assert.deepEqual(m.labels, ['toxic', 'insult']);
      assert.equal(m.activation, 'sigmoid');
      assert.equal(m.languages, null);
      const toxic = await m.predict(TOXIC_EN);
      const neutral = await m.predict(NEUTRAL_EN);
      assert.equal(toxic.lang, 'en');
      assert.equal(toxic.route, 'model');
      assert.equal(neutral.route, 'model');
      assert.deepEqual(Object.keys(toxic.scores!), ['toxic', 'insult']);
      assertProbabilities(toxic.scores!);
      assertProbabilities(neutral.scores!);
      assert.ok(toxic.scores!.toxic! > 0.9, JSON.stringify(toxic));
      assert.ok(toxic.scores!.insult! > 0.9, JSON.stringify(toxic));
      assert.ok(neutral.scores!.toxic! < 0.1, JSON.stringify(neutral));
      assert.ok(neutral.scores!.insult! < 0.1, JSON.stringify(neutral));
      // Sigmoid scores are independent per label: "hate" is toxic but not an insult in the fixture.
      const hate = await m.predict('i hate you');
      assert.ok(hate.scores!.toxic! > 0.9 && hate.scores!.insult! < 0.1, JSON.stringify(hate));
    });
  });

  test('without a languages list, any identified language is scored (French too), und is not', async () => {
    await withModel(undefined, async (m) => {
      const fr = await m.predict('tu es vraiment un crétin, un idiot');
      assert.equal(fr.lang, 'fr');
      assert.equal(fr.route, 'model');
      assert.ok(fr.scores!.toxic! > 0.9, JSON.stringify(fr));
      assert.deepEqual(await m.predict('🙂🙂 123'), { lang: 'und', route: 'human_review', scores: null });
    });
  });

  test('softmax: label probabilities sum to 1', async () => {
    await withModel({ multiLabel: false }, async (m) => {
      assert.deepEqual(m.labels, ['ok', 'toxic']);
      assert.equal(m.activation, 'softmax');
      for (const text of [TOXIC_EN, NEUTRAL_EN, 'you are dumb']) {
        const p = await m.predict(text);
        assert.equal(p.route, 'model');
        assertProbabilities(p.scores!);
        const sum = Object.values(p.scores!).reduce<number>((a, b) => a + b!, 0);
        assert.ok(Math.abs(sum - 1) <= 1e-3, `${text}: sum ${sum}`);
      }
      assert.ok((await m.predict(TOXIC_EN)).scores!.toxic! > 0.9);
      assert.ok((await m.predict(NEUTRAL_EN)).scores!.ok! > 0.9);
    });
  });

  test('vigie.json activation overrides problem_type', async () => {
    await withModel({ multiLabel: true, vigie: { activation: 'softmax' } }, async (m) => {
      assert.equal(m.activation, 'softmax');
      const p = await m.predict(TOXIC_EN);
      const sum = Object.values(p.scores!).reduce<number>((a, b) => a + b!, 0);
      assert.ok(Math.abs(sum - 1) <= 1e-3, `sum ${sum}`);
    });
  });

  test('vigie.json: label renaming, name, and languages ["en"] (French and emoji-only go to human review)', async () => {
    await withModel({ vigie: { name: 'acme-toxicity', languages: ['en'], labels: { toxic: 'abuse', insult: 'harassment' } } }, async (m) => {
      assert.equal(m.name, 'acme-toxicity');
      assert.deepEqual(m.labels, ['abuse', 'harassment']);
      assert.deepEqual([...m.languages!], ['en']);
      const en = await m.predict(TOXIC_EN);
      assert.equal(en.route, 'model');
      assert.deepEqual(Object.keys(en.scores!), ['abuse', 'harassment']);
      assert.ok(en.scores!.abuse! > 0.9);
      assert.deepEqual(await m.predict(FRENCH), { lang: 'fr', route: 'human_review', scores: null });
      assert.deepEqual(await m.predict(''), { lang: 'und', route: 'human_review', scores: null });
      assert.deepEqual(await m.predict('🔥🔥🔥 😡'), { lang: 'und', route: 'human_review', scores: null });
    });
  });
});

describe('batches and truncation', () => {
  test('predictBatch over texts of different lengths equals predict one by one', async () => {
    await withModel(undefined, async (m) => {
      const texts = [
        TOXIC_EN,
        NEUTRAL_EN,
        '',
        'idiot',
        FRENCH,
        `${NEUTRAL_EN} and you are a moron, thanks for your help with this very good day`,
        '🙂',
        'what a dumb day',
      ];
      const batch = await m.predictBatch(texts);
      assert.equal(batch.length, texts.length);
      for (let i = 0; i < texts.length; i++) {
        const one = await m.predict(texts[i]!);
        const b = batch[i]!;
        assert.equal(b.lang, one.lang, texts[i]);
        assert.equal(b.route, one.route, texts[i]);
        if (one.scores === null) {
          assert.equal(b.scores, null);
          continue;
        }
        assert.deepEqual(Object.keys(b.scores!), Object.keys(one.scores));
        for (const [label, p] of Object.entries(one.scores)) assert.ok(Math.abs(b.scores![label]! - p!) <= 1e-5, `${texts[i]} ${label}: ${b.scores![label]} vs ${p}`);
      }
      assert.ok(batch.filter((p) => p.route === 'model').length >= 5, 'most of the batch is scored');
      assert.deepEqual(await m.predictBatch([]), []);
    });
  });

  test('a very long text is truncated at max_length (no error), keeping the first tokens', async () => {
    await withModel({ vigie: { max_length: 16 } }, async (m) => {
      assert.equal(m.maxLength, 16);
      // Toxic words first, then thousands of neutral ones: truncation keeps the start, so the toxic
      // words dominate the mean of what the model sees; without truncation they would vanish.
      const long = `idiot moron stupid ${'the weather is lovely today and we have a nice day '.repeat(2000)}`;
      const p = await m.predict(long);
      assert.equal(p.route, 'model');
      assert.ok(p.scores!.toxic! > 0.9, JSON.stringify(p));
      const [b] = await m.predictBatch([long]);
      assert.deepEqual(b, p);
    });
    await withModel(undefined, async (m) => {
      assert.equal(m.maxLength, 512); // min(512, model_max_length 512, max_position_embeddings 512)
      const long = 'you are a stupid idiot and the weather is lovely. '.repeat(5000);
      const p = await m.predict(long);
      assert.equal(p.route, 'model');
      assertProbabilities(p.scores!);
    });
  });
});

describe('load errors are OnnxModelError naming the file', () => {
  async function rejects(dir: string, pattern: RegExp): Promise<void> {
    await assert.rejects(OnnxTextClassifier.load(dir), (err: unknown) => {
      assert.ok(err instanceof OnnxModelError, `expected OnnxModelError, got ${String(err)}`);
      assert.match(err.message, pattern);
      return true;
    });
  }
  const patchJson = (file: string, fn: (o: Record<string, unknown>) => void): void => {
    const o = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    fn(o);
    fs.writeFileSync(file, JSON.stringify(o));
  };

  test('missing folder', async () => {
    const dir = path.join(ROOT, 'does-not-exist');
    await rejects(dir, /does-not-exist: model folder not found/);
  });

  test('missing config.json', async () => {
    const dir = await modelDir();
    fs.rmSync(path.join(dir, 'config.json'));
    await rejects(dir, /config\.json: missing/);
  });

  test('config.json without id2label', async () => {
    const dir = await modelDir();
    patchJson(path.join(dir, 'config.json'), (o) => delete o.id2label);
    await rejects(dir, /config\.json: invalid: id2label: missing/);
  });

  test('missing tokenizer.json', async () => {
    const dir = await modelDir();
    fs.rmSync(path.join(dir, 'tokenizer.json'));
    await rejects(dir, /tokenizer\.json: missing/);
  });

  test('no model file', async () => {
    const dir = await modelDir();
    fs.rmSync(path.join(dir, 'model.onnx'));
    await rejects(dir, /no model file \(looked for model\.onnx, onnx\/model\.onnx, onnx\/model_quantized\.onnx\)/);
  });

  test('the model is also found at onnx/model_quantized.onnx, and tokenizer_config.json is optional', async () => {
    const dir = await modelDir();
    fs.mkdirSync(path.join(dir, 'onnx'));
    fs.renameSync(path.join(dir, 'model.onnx'), path.join(dir, 'onnx', 'model_quantized.onnx'));
    fs.rmSync(path.join(dir, 'tokenizer_config.json'));
    const m = await OnnxTextClassifier.load(dir);
    try {
      assert.equal(m.modelFile, path.join(dir, 'onnx', 'model_quantized.onnx'));
      assert.ok((await m.predict(TOXIC_EN)).scores!.toxic! > 0.9);
    } finally {
      await m.close();
    }
  });

  test('invalid vigie.json: bad activation, languages not an array, unknown key, unknown label', async () => {
    await rejects(await modelDir({ vigie: { activation: 'relu' } }), /vigie\.json: invalid: activation: /);
    await rejects(await modelDir({ vigie: { languages: 'en' } }), /vigie\.json: invalid: languages: /);
    await rejects(await modelDir({ vigie: { languages: ['english'] } }), /vigie\.json: invalid: languages\.0: expected an ISO 639-1 code/);
    await rejects(await modelDir({ vigie: { languages: [] } }), /vigie\.json: invalid: languages: /);
    await rejects(await modelDir({ vigie: { max_length: 4 } }), /vigie\.json: invalid: max_length: /);
    await rejects(await modelDir({ vigie: { threads: 0 } }), /vigie\.json: invalid: threads: /);
    await rejects(await modelDir({ vigie: { langauges: ['en'] } }), /vigie\.json: invalid: .*langauges/);
    await rejects(await modelDir({ vigie: { labels: { toxicity: 'abuse' } } }), /vigie\.json: labels\.toxicity: not a label of the model/);
    await rejects(await modelDir({ vigie: { labels: { toxic: 'insult' } } }), /vigie\.json: label "insult" appears twice/);
    const dir = await modelDir();
    fs.writeFileSync(path.join(dir, 'vigie.json'), '{ "languages": ["en"], }');
    await rejects(dir, /vigie\.json: invalid JSON/);
  });

  test('a model with an extra required input names it', async () => {
    await rejects(await modelDir({ extraInput: true }), /model\.onnx: the model requires input "pixel_values"/);
  });

  test('label-count mismatch: config.json with 3 labels for a 2-output model', async () => {
    const dir = await modelDir();
    patchJson(path.join(dir, 'config.json'), (o) => {
      o.id2label = { 0: 'toxic', 1: 'insult', 2: 'threat' };
    });
    await rejects(dir, /model\.onnx: output "logits" has shape \[1, 2\] for one text; config\.json id2label has 3 labels/);
  });

  test('a corrupt model.onnx (random bytes) is an OnnxModelError, not a crash', async () => {
    const dir = await modelDir();
    fs.writeFileSync(path.join(dir, 'model.onnx'), crypto.randomBytes(4096));
    await rejects(dir, /model\.onnx: cannot load the ONNX model/);
    fs.writeFileSync(path.join(dir, 'model.onnx'), '');
    await rejects(dir, /model\.onnx: cannot load the ONNX model/);
  });

  test('an unparsable tokenizer.json', async () => {
    const dir = await modelDir();
    patchJson(path.join(dir, 'tokenizer.json'), (o) => {
      o.model = { type: 'NoSuchModel' };
    });
    await rejects(dir, /tokenizer\.json: unsupported tokenizer/);
  });
});

describe('wired in: screening with TEXT_MODEL_DIR, and vigie classify --model', () => {
  test('POST /v1/screen scores text with the operator model and a rule on its label acts', async () => {
    const dir = await modelDir({ vigie: { name: 'tiny-toxicity', languages: ['en'] } });
    const h = await startHarness({ textModelDir: dir });
    try {
      const [admin, platform] = await Promise.all([h.user('admin'), h.apiKey('platform')]);
      const rule = await h.request('PUT', '/v1/services/default/screening-rules/toxic-hold', {
        auth: admin,
        body: { name: 'Toxic (operator model)', mode: 'live', definition: { all: [{ signal: 'classifier', label: 'toxic', min: 0.9 }], actions: [{ type: 'hold' }] } },
      });
      assert.equal(rule.statusCode, 200, rule.body);
      const toxic = await h.request('POST', '/v1/screen', { auth: platform, body: { content_id: 'c1', text: TOXIC_EN } });
      assert.equal(toxic.statusCode, 200, toxic.body);
      const t = toxic.json() as { lang: string; route: string; scores: Record<string, number>; actions: { hold: boolean } };
      assert.equal(t.lang, 'en');
      assert.equal(t.route, 'model');
      assert.deepEqual(Object.keys(t.scores).sort(), ['insult', 'toxic']);
      assert.ok((t.scores.toxic ?? 0) > 0.9);
      assert.equal(t.actions.hold, true);
      const fr = (await h.request('POST', '/v1/screen', { auth: platform, body: { content_id: 'c2', text: FRENCH } })).json() as { route: string; scores: unknown };
      assert.equal(fr.route, 'human_review');
      assert.equal(fr.scores, null);
    } finally {
      await h.close();
    }
  });

  test('a TEXT_MODEL_DIR that does not load stops the start with the reason', async () => {
    const dir = path.join(ROOT, 'not-a-model');
    fs.mkdirSync(dir);
    const tdb = await freshDatabase();
    try {
      await assert.rejects(createVigie(testConfig({ textModelDir: dir }), tdb.database, { logger: false, workers: false }), (err: Error) => err instanceof OnnxModelError && err.message.includes('not a model folder'));
    } finally {
      await tdb.database.close();
      await tdb.drop();
    }
  });

  test('vigie classify --model DIR streams JSON lines through the ONNX model, in order', async () => {
    const dir = await modelDir();
    const lines = Array.from({ length: 150 }, (_, i) => JSON.stringify({ id: i, text: i % 2 ? TOXIC_EN : NEUTRAL_EN }));
    lines.splice(70, 0, 'not json');
    const r = await runCli(['classify', '--model', dir], vigieEnv({}), lines.join('\n') + '\n');
    assert.equal(r.code, 0, r.stderr);
    const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: number | null; scores?: Record<string, number>; error?: string; line?: number });
    assert.equal(out.length, 151);
    assert.equal(out[70]?.line, 71);
    assert.match(out[70]?.error ?? '', /invalid JSON/);
    const scored = out.filter((o) => o.error === undefined);
    assert.deepEqual(scored.map((o) => o.id), Array.from({ length: 150 }, (_, i) => i));
    for (const o of scored) assert.equal((o.scores?.toxic ?? 0) > 0.5, (o.id ?? 0) % 2 === 1, JSON.stringify(o));
  });
});
