/**
 * The text-harm model: load the committed artefact (models/text-harm/: manifest.json + weights.bin,
 * int8 weights interleaved by feature, one scale per label) and score texts. Pure TypeScript, CPU only.
 * Scores are Platt-calibrated probabilities per (label, language); a label the training data does not
 * cover for a language scores `null`, and an uncovered language gets `scores: null` and human review.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extract, FeatureBuffer, type Cues } from './features.ts';
import { detectLanguage } from './lang.ts';
import { normalise } from './normalise.ts';

export const LABELS = ['abuse', 'hate', 'target_origin', 'target_religion', 'target_gender', 'target_sexual_orientation', 'target_disability'] as const;
export type Label = (typeof LABELS)[number];

export const DEFAULT_MODEL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../models/text-harm');

export interface Manifest {
  name: string;
  version: string;
  labels: string[];
  languages: string[];
  feature: { bits: number } & Record<string, unknown>;
  weights: { file: string; dtype: 'int8'; layout: 'feature-major'; scales: number[]; sha256: string };
  /** per label: raw bias */
  bias: number[];
  /** calibration[lang][label] = [a, b]: p = sigmoid(a·z + b); null = label not covered for that language */
  calibration: Record<string, Array<[number, number] | null>>;
  /** thresholds[lang][label]: operating threshold on the calibrated probability (F1-optimal on validation) */
  thresholds: Record<string, Array<number | null>>;
  [k: string]: unknown;
}

export type Scores = Record<string, number | null>;

export interface Prediction {
  lang: string;
  route: 'model' | 'human_review';
  scores: Scores | null;
}

export class TextHarmModel {
  readonly manifest: Manifest;
  readonly labels: string[];
  readonly covered: ReadonlySet<string>;
  private readonly w: Int8Array;
  private readonly scales: Float32Array;
  private readonly bias: Float32Array;
  private readonly buf = new FeatureBuffer();
  private readonly z: Float64Array;
  readonly bits: number;

  constructor(manifest: Manifest, weights: Int8Array) {
    this.manifest = manifest;
    this.labels = manifest.labels;
    this.bits = manifest.feature.bits;
    const L = this.labels.length;
    if (weights.length !== L << this.bits) throw new Error(`weights: expected ${L << this.bits} bytes, got ${weights.length}`);
    this.w = weights;
    this.scales = Float32Array.from(manifest.weights.scales);
    this.bias = Float32Array.from(manifest.bias);
    this.z = new Float64Array(L);
    this.covered = new Set(manifest.languages);
  }

  static load(dir = DEFAULT_MODEL_DIR): TextHarmModel {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const bytes = fs.readFileSync(path.join(dir, manifest.weights.file));
    return new TextHarmModel(manifest, new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  /** Raw (uncalibrated) margins per label for an already-normalised text in a covered language; reused buffer. */
  margins(norm: string, lang: string): { z: Float64Array; cues: Cues } {
    const cues = extract(norm, lang, this.buf, this.bits);
    const L = this.labels.length;
    const z = this.z;
    for (let l = 0; l < L; l++) z[l] = 0;
    const { idx, val, n } = this.buf;
    const w = this.w;
    for (let i = 0; i < n; i++) {
      const base = idx[i]! * L;
      const v = val[i]!;
      for (let l = 0; l < L; l++) z[l]! += w[base + l]! * v;
    }
    for (let l = 0; l < L; l++) z[l] = z[l]! * this.scales[l]! + this.bias[l]!;
    return { z, cues };
  }

  /** Calibrated scores for text in a known language (no detection). `null` per label not covered there. */
  scoreIn(text: string, lang: string): Scores | null {
    const cal = this.manifest.calibration[lang];
    if (!cal) return null;
    const { z } = this.margins(normalise(text), lang);
    const out: Scores = {};
    for (let l = 0; l < this.labels.length; l++) {
      const ab = cal[l];
      out[this.labels[l]!] = ab ? round4(sigmoid(ab[0] * z[l]! + ab[1])) : null;
    }
    return out;
  }

  /** Operating thresholds per label for a language (null where the label is not covered). */
  thresholdsFor(lang: string): Record<string, number | null> {
    const th = this.manifest.thresholds[lang] ?? [];
    return Object.fromEntries(this.labels.map((l, i) => [l, th[i] ?? null]));
  }

  predict(text: string): Prediction {
    const { lang } = detectLanguage(text, this.covered);
    const scores = this.covered.has(lang) ? this.scoreIn(text, lang) : null;
    return { lang, route: scores ? 'model' : 'human_review', scores };
  }
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
