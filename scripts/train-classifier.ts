/**
 * Trains the text-harm classifier (models/text-harm/) from the openly licensed datasets in
 * ../shared/datasets (or the path given as first argument / VIGIE_DATASETS), deterministically:
 *
 *   npm run train:classifier [-- <datasets dir>] [--epochs 4] [--bits 18] [--out models/text-harm]
 *
 * 1. load each dataset and map its labels to the common scheme (mapXxx below; -1 = unknown, masked out of the loss);
 * 2. normalise, de-duplicate by (language, normalised text), split by a hash of the normalised text
 *    (80 % train / 10 % validation / 10 % held-out test) so duplicates never straddle splits;
 * 3. add the hand-written augmentation set (src/screening/classify/augment.ts) to the training split only;
 * 4. multi-label logistic regression (L2, AdaGrad) over hashed features, one weight vector per label;
 * 5. int8 quantisation, then Platt calibration per (language, label) on the validation split, computed
 *    with the quantised weights that ship; a (language, label) pair without enough positives is not covered;
 * 6. metrics on the held-out split and on the robustness cases (src/screening/classify/robustness.ts —
 *    evaluation only, never trained on) → models/text-harm/metrics.json, and the tables in docs/model-card.md.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { augmentation } from '../src/screening/classify/augment.ts';
import { extract, FEATURE_CONFIG, FeatureBuffer } from '../src/screening/classify/features.ts';
import { GROUP_ATTRIBUTES } from '../src/screening/classify/lexicon.ts';
import { LABELS, sigmoid, TextHarmModel, type Manifest } from '../src/screening/classify/model.ts';
import { normalise } from '../src/screening/classify/normalise.ts';
import { ROBUSTNESS_CASES, passes } from '../src/screening/classify/robustness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
function opt(name: string, dflt: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
}
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1]!.startsWith('--')));
const DATASETS = path.resolve(positional[0] ?? process.env.VIGIE_DATASETS ?? path.join(ROOT, '..', 'shared', 'datasets'));
const OUT = path.resolve(ROOT, opt('out', 'models/text-harm'));
const EPOCHS = Number(opt('epochs', '5'));
const BITS = Number(opt('bits', String(FEATURE_CONFIG.bits)));
const SEED = 20261126;
const L = LABELS.length;
const TARGETS = ['origin', 'religion', 'gender', 'sexual_orientation', 'disability'];

type Y = number[]; // per label: 1, 0 or -1 (unknown)
interface Row {
  text: string;
  lang: string;
  source: string;
  y: Y;
  norm?: string;
  split?: 'train' | 'val' | 'test';
}

// ── CSV ───────────────────────────────────────────────────────────────────────────────────────────
function parseCsv(text: string, sep = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else q = false;
      } else field += c;
    } else if (c === '"' && field === '') q = true;
    else if (c === sep) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
function records(file: string): Array<Record<string, string>> {
  const [head, ...rest] = parseCsv(fs.readFileSync(file, 'utf8'));
  return rest.filter((r) => r.length === head!.length).map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i]!])));
}

// ── mapping each dataset to {abuse, hate, target_*} ──────────────────────────────────────────────
const zeros = (): Y => new Array(L).fill(0);
const unknownHate = (): Y => [1, ...new Array(L - 1).fill(-1)];
function hateOf(target: string | null): Y {
  const y = zeros();
  y[0] = 1;
  y[1] = 1;
  if (target === null) for (let i = 2; i < L; i++) y[i] = -1;
  else y[2 + TARGETS.indexOf(target)] = 1;
  return y;
}

/** MLMA: single-label `normal` = not toxic; hate = `hateful` with a target attribute other than `other`. */
function mapMlma(dir: string): Row[] {
  const out: Row[] = [];
  for (const lang of ['fr', 'en', 'ar']) {
    for (const r of records(path.join(dir, `${lang}_dataset.csv`))) {
      const s = (r.sentiment ?? '').split('_');
      let y: Y;
      if (s.length === 1 && s[0] === 'normal') y = zeros();
      else if (s.includes('hateful') && r.target && r.target !== 'other' && TARGETS.includes(r.target)) y = hateOf(r.target);
      else {
        y = zeros();
        y[0] = 1;
      }
      out.push({ text: r.tweet ?? '', lang, source: 'mlma', y });
    }
  }
  return out;
}
/** Davidson: 0 hate (target unknown), 1 offensive (not hate), 2 neither. */
function mapDavidson(dir: string): Row[] {
  return records(path.join(dir, 'labeled_data.csv')).map((r) => {
    const c = r.class;
    const y = c === '0' ? hateOf(null) : c === '1' ? [1, 0, 0, 0, 0, 0, 0] : zeros();
    return { text: r.tweet ?? '', lang: 'en', source: 'davidson2017', y };
  });
}
/** GermEval: OFFENSE = abuse (hate unknown: offensive ≠ hateful), OTHER = neither. */
function mapGermeval(dir: string): Row[] {
  const out: Row[] = [];
  for (const f of ['germeval2018.training.txt', 'germeval2018.test.txt']) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const [text, coarse] = line.split('\t');
      if (!text || !coarse) continue;
      out.push({ text, lang: 'de', source: 'germeval2018', y: coarse === 'OFFENSE' ? unknownHate() : zeros() });
    }
  }
  return out;
}
/** ToLD-Br: abuse = any category flagged (the authors' binary); hate = a group category by ≥ 2 of 3 annotators
 *  (flagged by exactly 1: hate unknown); religion and disability are not annotated (unknown). */
function mapToldBr(dir: string): Row[] {
  return records(path.join(dir, 'ToLD-BR.csv')).map((r) => {
    const n = (k: string) => Number(r[k] ?? 0);
    const any = ['homophobia', 'obscene', 'insult', 'racism', 'misogyny', 'xenophobia'].some((k) => n(k) > 0);
    const origin = Math.max(n('racism'), n('xenophobia'));
    const so = n('homophobia');
    const gender = n('misogyny');
    const maxGroup = Math.max(origin, so, gender);
    const y = zeros();
    y[0] = any ? 1 : 0;
    if (maxGroup >= 2) {
      y[1] = 1;
      y[2] = origin >= 2 ? 1 : 0;
      y[4] = gender >= 2 ? 1 : 0;
      y[5] = so >= 2 ? 1 : 0;
    } else if (maxGroup === 1) for (let i = 1; i < L; i++) y[i] = -1;
    y[3] = -1;
    y[6] = -1;
    return { text: r.text ?? '', lang: 'pt', source: 'told-br', y };
  });
}
/** COLD: train/dev 0 safe, 1 offensive (hate unknown); test fine-grained: 0/3 safe (3 = anti-bias),
 *  1 attack on an individual (abuse, not hate), 2 attack on a group (hate; target from topic: race and
 *  region → origin, gender → gender). */
function mapCold(dir: string): Row[] {
  const out: Row[] = [];
  for (const f of ['train.csv', 'dev.csv']) {
    for (const r of records(path.join(dir, f))) out.push({ text: r.TEXT ?? '', lang: 'zh', source: 'cold', y: r.label === '1' ? unknownHate() : zeros() });
  }
  for (const r of records(path.join(dir, 'test.csv'))) {
    const fine = r['fine-grained-label'];
    let y: Y = zeros();
    if (fine === '1') y = [1, 0, 0, 0, 0, 0, 0];
    else if (fine === '2') y = hateOf(r.topic === 'gender' ? 'gender' : 'origin');
    out.push({ text: r.TEXT ?? '', lang: 'zh', source: 'cold', y });
  }
  return out;
}

const DATASET_INFO = [
  { folder: 'mlma-hate-speech', licence: 'MIT', languages: ['fr', 'en', 'ar'], cite: 'Ousidhoum, Lin, Zhang, Song, Yeung 2019, "Multilingual and Multi-Aspect Hate Speech Analysis", EMNLP-IJCNLP 2019', map: mapMlma },
  { folder: 'davidson2017', licence: 'MIT', languages: ['en'], cite: 'Davidson, Warmsley, Macy, Weber 2017, "Automated Hate Speech Detection and the Problem of Offensive Language", ICWSM 2017', map: mapDavidson },
  { folder: 'germeval2018', licence: 'CC BY 4.0', languages: ['de'], cite: 'Wiegand, Siegel, Ruppenhofer 2018, "Overview of the GermEval 2018 Shared Task on the Identification of Offensive Language", GermEval 2018', map: mapGermeval },
  { folder: 'told-br', licence: 'CC BY-SA 4.0', languages: ['pt'], cite: 'Leite, Silva, Bontcheva, Scarton 2020, "Toxic Language Detection in Social Media for Brazilian Portuguese: New Dataset and Multilingual Analysis", AACL-IJCNLP 2020', map: mapToldBr },
  { folder: 'cold', licence: 'Apache-2.0', languages: ['zh'], cite: 'Deng, Zhou, Sun, Zhang, Huang 2022, "COLD: A Benchmark for Chinese Offensive Language Detection", EMNLP 2022', map: mapCold },
];

function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
function mulberry32(a: number): () => number {
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ── load ──────────────────────────────────────────────────────────────────────────────────────────
const t0 = performance.now();
const log = (m: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const all: Row[] = [];
const provenance: Array<Record<string, unknown>> = [];
for (const d of DATASET_INFO) {
  const dir = path.join(DATASETS, d.folder);
  const files = fs.readdirSync(dir).filter((f) => !/^(README|LICENSE)/.test(f)).sort();
  const rows = d.map(dir);
  all.push(...rows);
  provenance.push({
    folder: d.folder,
    licence: d.licence,
    languages: d.languages,
    cite: d.cite,
    rows: rows.length,
    files: Object.fromEntries(files.map((f) => [f, sha256File(path.join(dir, f))])),
  });
  log(`${d.folder}: ${rows.length} rows`);
}

const seen = new Set<string>();
const rows: Row[] = [];
for (const r of all) {
  const norm = normalise(r.text);
  if (!norm) continue;
  const key = `${r.lang}\u0000${norm}`;
  if (seen.has(key)) continue;
  seen.add(key);
  const h = hash32(key) % 100;
  rows.push({ ...r, norm, split: h < 80 ? 'train' : h < 90 ? 'val' : 'test' });
}
const train = rows.filter((r) => r.split === 'train');
const val = rows.filter((r) => r.split === 'val');
const test = rows.filter((r) => r.split === 'test');
const aug: Row[] = augmentation().map((a) => ({ text: a.text, lang: a.lang, source: 'augment', y: a.y, norm: normalise(a.text), split: 'train' as const }));
log(`${rows.length} unique rows: train ${train.length} (+${aug.length} augmentation), val ${val.length}, test ${test.length}`);
const LANGS = [...new Set(rows.map((r) => r.lang))].sort();

// ── train ─────────────────────────────────────────────────────────────────────────────────────────
const D = 1 << BITS;
const W = new Float32Array(D * L);
const G2 = new Float32Array(D * L).fill(1e-8);
const bias = new Float64Array(L);
const biasG2 = new Float64Array(L).fill(1e-8);
const LR = Number(opt('lr', '0.25'));
const L2 = 2e-6;
const AUG_WEIGHT = Number(opt('aug-weight', '3'));
const trainSet = [...train, ...aug];
// Positive-class weight per label: sqrt(neg/pos) (calibration undoes the shift).
const posW = LABELS.map((_, l) => {
  let p = 0;
  let n = 0;
  for (const r of trainSet) {
    if (r.y[l] === 1) p++;
    else if (r.y[l] === 0) n++;
  }
  return Math.min(4, Math.sqrt(n / Math.max(1, p)));
});
const buf = new FeatureBuffer();
const rand = mulberry32(SEED);
const order = trainSet.map((_, i) => i);
const zs = new Float64Array(L);
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let loss = 0;
  let cnt = 0;
  for (const k of order) {
    const r = trainSet[k]!;
    extract(r.norm!, r.lang, buf, BITS);
    const { idx, val: v, n } = buf;
    zs.fill(0);
    for (let i = 0; i < n; i++) {
      const base = idx[i]! * L;
      for (let l = 0; l < L; l++) zs[l]! += W[base + l]! * v[i]!;
    }
    const sw = r.source === 'augment' ? AUG_WEIGHT : 1;
    for (let l = 0; l < L; l++) {
      const y = r.y[l]!;
      if (y < 0) continue;
      const z = zs[l]! + bias[l]!;
      const p = sigmoid(z);
      const wgt = sw * (y === 1 ? posW[l]! : 1);
      loss += -wgt * (y === 1 ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12));
      cnt++;
      const g = wgt * (p - y);
      for (let i = 0; i < n; i++) {
        const a = idx[i]! * L + l;
        const gi = g * v[i]! + L2 * W[a]!;
        G2[a]! += gi * gi;
        W[a]! -= (LR * gi) / Math.sqrt(G2[a]!);
      }
      biasG2[l]! += g * g;
      bias[l]! -= (LR * g) / Math.sqrt(biasG2[l]!);
    }
  }
  log(`epoch ${epoch + 1}/${EPOCHS}: train loss ${(loss / cnt).toFixed(4)}`);
}

// ── quantise ──────────────────────────────────────────────────────────────────────────────────────
const scales: number[] = [];
const q = new Int8Array(D * L);
for (let l = 0; l < L; l++) {
  let max = 0;
  for (let f = 0; f < D; f++) max = Math.max(max, Math.abs(W[f * L + l]!));
  const s = max / 127 || 1;
  scales.push(s);
  for (let f = 0; f < D; f++) q[f * L + l] = Math.round(W[f * L + l]! / s);
}
fs.mkdirSync(OUT, { recursive: true });
const weightsFile = path.join(OUT, 'weights.bin');
fs.writeFileSync(weightsFile, q);

// ── calibrate (Platt, per language × label, on the validation split, with the shipped int8 weights) ───
const MIN_POS_TRAIN = 25;
const MIN_POS_VAL = 8;
const MIN_VAL_AUC = 0.6;
const manifest: Manifest = {
  name: 'vigie-text-harm',
  version: '1.0.0',
  labels: [...LABELS],
  languages: LANGS,
  feature: { ...FEATURE_CONFIG, bits: BITS },
  weights: { file: 'weights.bin', dtype: 'int8', layout: 'feature-major', scales, sha256: sha256File(weightsFile) },
  bias: [...bias],
  calibration: {},
  thresholds: {},
  training: { seed: SEED, epochs: EPOCHS, learningRate: LR, l2: L2, optimiser: 'AdaGrad', positiveWeights: posW, augmentationRows: aug.length, augmentationWeight: AUG_WEIGHT, split: 'fnv1a(lang + normalised text) % 100: <80 train, <90 validation, else test' },
  datasets: provenance,
  licence: 'CC BY-SA 4.0 (weights, because trained on ToLD-Br; see NOTICE.md)',
};
const model0 = new TextHarmModel(manifest, q);
function fitPlatt(zv: number[], yv: number[]): [number, number] {
  // Platt 1999 with the target smoothing; Newton's method on (a, b).
  const np = yv.filter((y) => y === 1).length;
  const nn = yv.length - np;
  const tp = (np + 1) / (np + 2);
  const tn = 1 / (nn + 2);
  let a = 1;
  let b = 0;
  for (let it = 0; it < 100; it++) {
    // ridge 1e-3·((a-1)² + b²) keeps the fit finite when the validation split is (nearly) separable
    let ga0 = 1e-3 * (a - 1);
    let gb0 = 1e-3 * b;
    let haa = 1e-3;
    let hab = 0;
    let hbb = 1e-3;
    for (let i = 0; i < zv.length; i++) {
      const p = sigmoid(a * zv[i]! + b);
      const t = yv[i] === 1 ? tp : tn;
      const d = p - t;
      const w = p * (1 - p);
      ga0 += d * zv[i]!;
      gb0 += d;
      haa += w * zv[i]! * zv[i]!;
      hab += w * zv[i]!;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (Math.abs(det) < 1e-12) break;
    const da = Math.max(-1, Math.min(1, (hbb * ga0 - hab * gb0) / det));
    const db = Math.max(-2, Math.min(2, (haa * gb0 - hab * ga0) / det));
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return [a, b];
}
const coverage: Record<string, Record<string, { trainPos: number; valPos: number; valAuc: number; covered: boolean }>> = {};
for (const lang of LANGS) {
  const vr = val.filter((r) => r.lang === lang);
  const zByRow = vr.map((r) => Array.from(model0.margins(r.norm!, lang).z));
  const cal: Array<[number, number] | null> = [];
  const thresholds: Array<number | null> = [];
  coverage[lang] = {};
  for (let l = 0; l < L; l++) {
    const trainPos = train.filter((r) => r.lang === lang && r.y[l] === 1).length;
    const zv: number[] = [];
    const yv: number[] = [];
    vr.forEach((r, i) => {
      if (r.y[l]! >= 0) {
        zv.push(zByRow[i]![l]!);
        yv.push(r.y[l]!);
      }
    });
    const valPos = yv.filter((y) => y === 1).length;
    const enough = trainPos >= MIN_POS_TRAIN && valPos >= MIN_POS_VAL && yv.length - valPos >= MIN_POS_VAL;
    const valAuc = enough ? auc(zv.map((z, i) => [z, yv[i]!])) : NaN;
    const ab = enough ? (fitPlatt(zv, yv).map((x) => Math.round(x * 1e6) / 1e6) as [number, number]) : null;
    const covered = enough && valAuc >= MIN_VAL_AUC && ab !== null && ab[0] > 0;
    cal.push(covered ? ab : null);
    // operating threshold: the calibrated probability that maximises the Matthews correlation on the
    // validation split (F1 would pick "flag everything" for a label that is the majority class, e.g. French abuse)
    let threshold: number | null = null;
    if (covered && ab) {
      const ps = zv.map((z) => sigmoid(ab[0] * z + ab[1]));
      let best = -1;
      for (let th = 0.05; th <= 0.951; th += 0.01) {
        let tp = 0;
        let fp = 0;
        let fn = 0;
        ps.forEach((p, i) => {
          if (p >= th && yv[i] === 1) tp++;
          else if (p >= th) fp++;
          else if (yv[i] === 1) fn++;
        });
        const tn = ps.length - tp - fp - fn;
        const den = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
        const mcc = den ? (tp * tn - fp * fn) / den : 0;
        if (mcc > best + 1e-9) {
          best = mcc;
          threshold = Math.round(th * 100) / 100;
        }
      }
    }
    thresholds[l] = threshold;
    coverage[lang]![LABELS[l]!] = { trainPos, valPos, valAuc: r3(valAuc), covered };
  }
  manifest.calibration[lang] = cal;
  manifest.thresholds[lang] = thresholds;
}
manifest.coverage = coverage;
fs.writeFileSync(path.join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
log('model written');

// ── evaluate on the held-out split ──────────────────────────────────────────────────────────────
const model = TextHarmModel.load(OUT);
const perLang: Record<string, Record<string, unknown>> = {};
const calBins: Record<string, Array<{ n: number; meanP: number; fracPos: number }>> = {};
const calAcc: Record<string, { p: number[]; y: number[] }> = {};
const groupFp: Record<string, { n: number; fp: number; fp05: number; nClean: number; fpClean: number }> = {};
let langOk = 0;
const langConfusion: Record<string, Record<string, number>> = {};
for (const lang of LANGS) {
  const tr = test.filter((r) => r.lang === lang);
  const preds = tr.map((r) => model.scoreIn(r.text, lang)!);
  const cuesOf = tr.map((r) => model.margins(r.norm!, lang).cues.groups);
  perLang[lang] = { n: tr.length };
  for (let l = 0; l < L; l++) {
    const label = LABELS[l]!;
    if (!manifest.calibration[lang]![l]) continue;
    const th = manifest.thresholds[lang]![l] ?? 0.5;
    const cm = { tp: 0, fp: 0, fn: 0, tp5: 0, fp5: 0, fn5: 0 };
    let n = 0;
    let pos = 0;
    const pairs: Array<[number, number]> = [];
    tr.forEach((r, i) => {
      const y = r.y[l]!;
      if (y < 0) return;
      const p = preds[i]![label]!;
      n++;
      pos += y;
      pairs.push([p, y]);
      (calAcc[label] ??= { p: [], y: [] }).p.push(p);
      calAcc[label]!.y.push(y);
      if (p >= th && y === 1) cm.tp++;
      else if (p >= th) cm.fp++;
      else if (y === 1) cm.fn++;
      if (p >= 0.5 && y === 1) cm.tp5++;
      else if (p >= 0.5) cm.fp5++;
      else if (y === 1) cm.fn5++;
    });
    const prf = (tp: number, fp: number, fn: number) => {
      const P = tp + fp ? tp / (tp + fp) : 0;
      const R = tp + fn ? tp / (tp + fn) : 0;
      return { precision: r3(P), recall: r3(R), f1: r3(P + R ? (2 * P * R) / (P + R) : 0) };
    };
    perLang[lang]![label] = { n, positives: pos, threshold: th, ...prf(cm.tp, cm.fp, cm.fn), at05: prf(cm.tp5, cm.fp5, cm.fn5), auc: r3(auc(pairs)) };
  }
  // hate false positives on texts that mention a protected group but are labelled not hateful
  if (manifest.calibration[lang]![1]) {
    const hateTh = manifest.thresholds[lang]![1] ?? 0.5;
    tr.forEach((r, i) => {
      if (r.y[1] !== 0) return;
      const clean = r.y[0] === 0;
      for (let a = 0; a < GROUP_ATTRIBUTES.length; a++) {
        if (!(cuesOf[i]! & (1 << a))) continue;
        for (const key of [`${GROUP_ATTRIBUTES[a]}`, `${lang}:${GROUP_ATTRIBUTES[a]}`]) {
          const g = (groupFp[key] ??= { n: 0, fp: 0, fp05: 0, nClean: 0, fpClean: 0 });
          g.n++;
          if (preds[i]!.hate! >= hateTh) g.fp++;
          if (preds[i]!.hate! >= 0.5) g.fp05++;
          if (clean) {
            g.nClean++;
            if (preds[i]!.hate! >= hateTh) g.fpClean++;
          }
        }
      }
    });
  }
  // language identification of the held-out texts
  langConfusion[lang] = {};
  for (const r of tr) {
    const got = model.predict(r.text).lang;
    langConfusion[lang]![got] = (langConfusion[lang]![got] ?? 0) + 1;
    if (got === lang) langOk++;
  }
}
for (const [label, { p, y }] of Object.entries(calAcc)) {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, sp: 0, sy: 0 }));
  p.forEach((pi, i) => {
    const b = bins[Math.min(9, Math.floor(pi * 10))]!;
    b.n++;
    b.sp += pi;
    b.sy += y[i]!;
  });
  calBins[label] = bins.map((b) => ({ n: b.n, meanP: r3(b.n ? b.sp / b.n : 0), fracPos: r3(b.n ? b.sy / b.n : 0) }));
}
const ece = Object.fromEntries(
  Object.entries(calBins).map(([label, bins]) => {
    const total = bins.reduce((s, b) => s + b.n, 0);
    return [label, r3(bins.reduce((s, b) => s + (b.n / total) * Math.abs(b.meanP - b.fracPos), 0))];
  }),
);

// ── robustness cases (evaluation only) ─────────────────────────────────────────────────────────────
const rob: Record<string, Record<string, { n: number; pass: number }>> = {};
const robFailures: string[] = [];
let robLangOk = 0;
for (const c of ROBUSTNESS_CASES) {
  if (model.predict(c.text).lang === c.lang) robLangOk++;
  const scores = model.scoreIn(c.text, c.lang);
  const ok = passes(c, scores, model.thresholdsFor(c.lang));
  const fam = (rob[c.family] ??= {});
  const cell = (fam[c.lang] ??= { n: 0, pass: 0 });
  cell.n++;
  if (ok) cell.pass++;
  else robFailures.push(`${c.family}/${c.lang}: ${c.text} → ${JSON.stringify(scores && { abuse: scores.abuse, hate: scores.hate })}`);
}

const metrics = {
  model: { version: manifest.version, weightsBytes: fs.statSync(weightsFile).size, bits: BITS, labels: LABELS },
  rows: { unique: rows.length, train: train.length, augmentation: aug.length, val: val.length, test: test.length },
  heldOut: perLang,
  targetGroupHateFpr: Object.fromEntries(
    Object.entries(groupFp)
      .sort()
      .map(([k, v]) => [k, { n: v.n, fpr: r3(v.fp / v.n), fpr05: r3(v.fp05 / v.n), nClean: v.nClean, fprClean: v.nClean ? r3(v.fpClean / v.nClean) : null }]),
  ),
  calibration: { ece, reliability: calBins },
  languageId: { accuracyOnHeldOut: r3(langOk / test.length), accuracyOnRobustnessCases: r3(robLangOk / ROBUSTNESS_CASES.length), confusion: langConfusion },
  robustness: rob,
  robustnessFailures: robFailures,
  coverage,
};
fs.writeFileSync(path.join(OUT, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
log('metrics written');
console.log(JSON.stringify({ heldOut: perLang, robustness: rob, ece }, null, 1));

function r3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
function auc(pairs: Array<[number, number]>): number {
  const pos = pairs.filter((p) => p[1] === 1).length;
  const neg = pairs.length - pos;
  if (!pos || !neg) return NaN;
  pairs.sort((a, b) => a[0] - b[0]);
  let rank = 0;
  let sumPos = 0;
  for (let i = 0; i < pairs.length; ) {
    let j = i;
    while (j < pairs.length && pairs[j]![0] === pairs[i]![0]) j++;
    const avg = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (pairs[k]![1] === 1) sumPos += avg;
    rank = j;
    i = j;
  }
  void rank;
  return (sumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

// ── model card tables (docs/model-card.md, between GENERATED markers) ───────────────────────────────
function renderCard(): void {
  const card = path.join(ROOT, 'docs', 'model-card.md');
  if (!fs.existsSync(card)) return;
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  const sections: Record<string, string> = {};
  {
    const out = ['| lang | label | n | positives | threshold | P | R | F1 | P @0.5 | R @0.5 | F1 @0.5 | ROC AUC |', '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
    for (const [lang, labels] of Object.entries(metrics.heldOut)) {
      for (const [label, v] of Object.entries(labels)) {
        if (label === 'n') continue;
        const x = v as { n: number; positives: number; threshold: number; precision: number; recall: number; f1: number; at05: { precision: number; recall: number; f1: number }; auc: number };
        out.push(`| ${lang} | ${label} | ${x.n} | ${x.positives} | ${x.threshold} | ${x.precision} | ${x.recall} | **${x.f1}** | ${x.at05.precision} | ${x.at05.recall} | ${x.at05.f1} | ${x.auc} |`);
      }
    }
    sections.heldout = out.join('\n');
  }
  {
    const langs = LANGS;
    const out = [`| label | ${langs.join(' | ')} |`, `|---|${langs.map(() => ':-:').join('|')}|`];
    LABELS.forEach((label) => out.push(`| ${label} | ${langs.map((l) => (coverage[l]![label]!.covered ? '✓' : '—')).join(' | ')} |`));
    sections.coverage = out.join('\n');
  }
  {
    const out = [
      '| group (attribute) | not-hate texts | FPR @threshold | FPR @0.5 | clean texts (neither abuse nor hate) | FPR on clean @threshold | ' + LANGS.map((l) => `${l}: FPR (n)`).join(' | ') + ' |',
      `|---|---:|---:|---:|---:|---:|${LANGS.map(() => '---:').join('|')}|`,
    ];
    for (const g of GROUP_ATTRIBUTES) {
      const all = metrics.targetGroupHateFpr[g];
      const cells = LANGS.map((l) => {
        const v = metrics.targetGroupHateFpr[`${l}:${g}`];
        return v ? `${v.fpr} (${v.n})` : '—';
      });
      out.push(`| ${g} | ${all?.n ?? 0} | ${all?.fpr ?? '—'} | ${all?.fpr05 ?? '—'} | ${all?.nClean ?? 0} | ${all?.fprClean ?? '—'} | ${cells.join(' | ')} |`);
    }
    sections.groupfpr = out.join('\n');
  }
  {
    const fams = Object.keys(rob);
    const out = [`| family | ${LANGS.join(' | ')} | all |`, `|---|${LANGS.map(() => ':-:').join('|')}|:-:|`];
    for (const f of fams) {
      let n = 0;
      let p = 0;
      const cells = LANGS.map((l) => {
        const c = rob[f]![l];
        if (!c) return '—';
        n += c.n;
        p += c.pass;
        return `${c.pass}/${c.n}`;
      });
      out.push(`| ${f} | ${cells.join(' | ')} | **${p}/${n} (${pct(p / n)})** |`);
    }
    sections.robustness = out.join('\n') + '\n\nFailing cases (scores shown for abuse and hate):\n\n' + robFailures.map((f) => `- ${f.replace(/\|/g, '\\|')}`).join('\n');
  }
  {
    const out = ['| label | ECE (10 bins, held-out, all languages) |', '|---|---:|'];
    for (const [k, v] of Object.entries(ece)) out.push(`| ${k} | ${v} |`);
    out.push('', '| predicted p | abuse: n | abuse: mean p | abuse: observed | hate: n | hate: mean p | hate: observed |', '|---|---:|---:|---:|---:|---:|---:|');
    for (let b = 0; b < 10; b++) {
      const a = calBins.abuse![b]!;
      const h = calBins.hate![b]!;
      out.push(`| ${(b / 10).toFixed(1)}–${((b + 1) / 10).toFixed(1)} | ${a.n} | ${a.meanP} | ${a.fracPos} | ${h.n} | ${h.meanP} | ${h.fracPos} |`);
    }
    sections.calibration = out.join('\n');
  }
  {
    const out = ['| dataset language | held-out texts | detected as that language | other answers |', '|---|---:|---:|---|'];
    for (const [lang, conf] of Object.entries(langConfusion)) {
      const total = Object.values(conf).reduce((s, x) => s + x, 0);
      const others = Object.entries(conf).filter(([l]) => l !== lang).sort((a, b) => b[1] - a[1]).slice(0, 5).map(([l, x]) => `${l} ${x}`).join(', ');
      out.push(`| ${lang} | ${total} | ${pct((conf[lang] ?? 0) / total)} | ${others} |`);
    }
    out.push(`| robustness cases (short, written for this project) | ${ROBUSTNESS_CASES.length} | ${pct(robLangOk / ROBUSTNESS_CASES.length)} | |`);
    sections.langid = out.join('\n');
  }
  sections.data = [
    `| split | rows |`,
    `|---|---:|`,
    `| unique (language, normalised text) | ${rows.length} |`,
    `| train | ${train.length} (+ ${aug.length} augmentation rows, weight ${AUG_WEIGHT}) |`,
    `| validation (calibration, thresholds) | ${val.length} |`,
    `| held-out test | ${test.length} |`,
  ].join('\n');
  let text = fs.readFileSync(card, 'utf8');
  for (const [name, body] of Object.entries(sections)) {
    const re = new RegExp(`(<!-- BEGIN GENERATED: ${name} -->\\n)[\\s\\S]*?(<!-- END GENERATED: ${name} -->)`);
    text = text.replace(re, (_m, a: string, b: string) => `${a}${body}\n${b}`);
  }
  fs.writeFileSync(card, text);
  log('docs/model-card.md tables updated');
}
if (OUT === path.join(ROOT, 'models', 'text-harm')) renderCard();
