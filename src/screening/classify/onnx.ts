/**
 * Operator-supplied text classifiers: an ONNX model in a local folder, in the Hugging Face / Optimum
 * export layout (config.json, tokenizer.json, tokenizer_config.json, model.onnx or onnx/model*.onnx,
 * optional vigie.json), run on CPU with onnxruntime-node and tokenised with @huggingface/tokenizers.
 * Nothing is fetched: everything comes from the folder. Predictions have the same shape as the built-in
 * model's (./model.ts), including language routing: a text in a language the operator does not vouch
 * for gets no score and goes to human review.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';
import { z } from 'zod';
import { detectLanguage } from './lang.ts';
import { sigmoid, type Prediction, type Scores } from './model.ts';

export type { Prediction, Scores } from './model.ts';

/** Every problem found while loading a model folder; the message names the file and the reason. */
export class OnnxModelError extends Error {
  override name = 'OnnxModelError';
}

/** Model files in the order they are looked for (plain export first, then Optimum's onnx/ folder). */
export const MODEL_FILES = ['model.onnx', 'onnx/model.onnx', 'onnx/model_quantized.onnx'] as const;

/** Inputs this adapter knows how to feed; anything else the graph requires is a load error. */
const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

const DEFAULT_MAX_LENGTH = 512;

/**
 * Characters kept before tokenising, per token of max_length. A token rarely spans more than a few
 * dozen characters, so the cut never shortens what the model sees in practice, and a megabyte of text
 * does not cost a megabyte of tokenisation only to be truncated.
 */
const CHARS_PER_TOKEN_BUDGET = 64;

const ConfigSchema = z.object({
  id2label: z.record(z.string(), z.string().min(1), { error: 'missing or not an object: id2label maps each output index to a label name' }),
  problem_type: z.string().nullish(),
  max_position_embeddings: z.number().int().positive().nullish(),
});

const VigieSchema = z.strictObject({
  name: z.string().min(1).optional(),
  languages: z.array(z.string().regex(/^[a-z]{2}$/, 'expected an ISO 639-1 code (two lower-case letters)')).min(1).optional(),
  activation: z.enum(['sigmoid', 'softmax']).optional(),
  max_length: z.number().int().min(8).max(4096).optional(),
  labels: z.record(z.string(), z.string().min(1)).optional(),
  threads: z.number().int().min(1).max(16).optional(),
});
export type VigieModelOptions = z.infer<typeof VigieSchema>;

type Activation = 'sigmoid' | 'softmax';

interface Encoded {
  ids: number[];
}

export class OnnxTextClassifier {
  /** vigie.json `name`, else the folder's name */
  readonly name: string;
  /** output labels in model order, after vigie.json renaming */
  readonly labels: readonly string[];
  /** languages the operator vouches for; null = every detected language (not `und`) */
  readonly languages: ReadonlySet<string> | null;
  readonly activation: Activation;
  readonly maxLength: number;
  readonly modelFile: string;

  private readonly session: ort.InferenceSession;
  private readonly tokenizer: Tokenizer;
  private readonly outputName: string;
  private readonly feedsTokenTypes: boolean;
  private readonly feedsAttentionMask: boolean;
  private readonly padId: number;
  // detectLanguage's "covered" set; empty when any language is accepted (see predictBatch).
  private readonly detectSet: ReadonlySet<string>;

  private constructor(init: {
    name: string;
    labels: string[];
    languages: Set<string> | null;
    activation: Activation;
    maxLength: number;
    modelFile: string;
    session: ort.InferenceSession;
    tokenizer: Tokenizer;
    outputName: string;
    padId: number;
  }) {
    this.name = init.name;
    this.labels = Object.freeze([...init.labels]);
    this.languages = init.languages;
    this.activation = init.activation;
    this.maxLength = init.maxLength;
    this.modelFile = init.modelFile;
    this.session = init.session;
    this.tokenizer = init.tokenizer;
    this.outputName = init.outputName;
    this.padId = init.padId;
    this.feedsTokenTypes = init.session.inputNames.includes('token_type_ids');
    this.feedsAttentionMask = init.session.inputNames.includes('attention_mask');
    this.detectSet = init.languages ?? new Set();
  }

  static async load(dir: string): Promise<OnnxTextClassifier> {
    const root = path.resolve(dir);
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(root);
    } catch {
      throw new OnnxModelError(`${root}: model folder not found`);
    }
    if (!stat.isDirectory()) throw new OnnxModelError(`${root}: not a folder`);

    const config = parseWith(ConfigSchema, await readJson(root, 'config.json', true), root, 'config.json');
    const labelsInModel = labelsFromId2label(config.id2label, root);
    const vigieJson = await readJson(root, 'vigie.json', false);
    const vigie: VigieModelOptions = vigieJson === undefined ? {} : parseWith(VigieSchema, vigieJson, root, 'vigie.json');
    const labels = renameLabels(labelsInModel, vigie.labels, root);

    const tokenizerJson = await readJson(root, 'tokenizer.json', true);
    const tokenizerConfig = (await readJson(root, 'tokenizer_config.json', false)) ?? {};
    if (!isRecord(tokenizerJson)) throw new OnnxModelError(`${path.join(root, 'tokenizer.json')}: expected a JSON object`);
    if (!isRecord(tokenizerConfig)) throw new OnnxModelError(`${path.join(root, 'tokenizer_config.json')}: expected a JSON object`);
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
    } catch (err) {
      throw new OnnxModelError(`${path.join(root, 'tokenizer.json')}: unsupported tokenizer: ${message(err)}`);
    }

    const modelFile = MODEL_FILES.map((f) => path.join(root, f)).find((f) => fs.existsSync(f));
    if (!modelFile) throw new OnnxModelError(`${root}: no model file (looked for ${MODEL_FILES.join(', ')})`);

    // Probabilities: the model's own problem_type decides, unless the operator overrides it.
    const activation: Activation = vigie.activation ?? (config.problem_type === 'multi_label_classification' ? 'sigmoid' : 'softmax');
    // Longest input the model accepts: HF sets model_max_length to ~1e30 when unknown, so only a
    // plausible value counts; position embeddings bound what the network can encode at all.
    const limits = [DEFAULT_MAX_LENGTH];
    const mml = tokenizerConfig.model_max_length;
    if (typeof mml === 'number' && Number.isInteger(mml) && mml > 0 && mml < 1e6) limits.push(mml);
    if (config.max_position_embeddings) limits.push(config.max_position_embeddings);
    const maxLength = vigie.max_length ?? Math.min(...limits);

    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(modelFile, {
        executionProviders: ['cpu'],
        intraOpNumThreads: vigie.threads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3, // errors only: ORT's warnings (e.g. unused initialisers) are noise for an operator
      });
    } catch (err) {
      throw new OnnxModelError(`${modelFile}: cannot load the ONNX model: ${message(err)}`);
    }

    try {
      const unsupported = session.inputNames.filter((n) => !KNOWN_INPUTS.has(n));
      if (unsupported.length > 0) {
        throw new OnnxModelError(
          `${modelFile}: the model requires input${unsupported.length > 1 ? 's' : ''} ${unsupported.map((n) => `"${n}"`).join(', ')}, which a text classifier cannot feed (supported: input_ids, attention_mask, token_type_ids)`,
        );
      }
      if (!session.inputNames.includes('input_ids')) throw new OnnxModelError(`${modelFile}: the model has no "input_ids" input`);
      const outputName = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0];
      if (outputName === undefined) throw new OnnxModelError(`${modelFile}: the model has no output`);

      const model = new OnnxTextClassifier({
        name: vigie.name ?? path.basename(root),
        labels,
        languages: vigie.languages ? new Set(vigie.languages) : null,
        activation,
        maxLength,
        modelFile,
        session,
        tokenizer,
        outputName,
        padId: padTokenId(tokenizer, tokenizerJson, tokenizerConfig),
      });
      // Probe run: proves the graph runs with what we feed and that its output matches id2label, so a
      // mismatched config fails at load time rather than on the first text in production.
      let dims: readonly number[];
      try {
        dims = (await model.runBatch([model.encode('hello world')])).dims;
      } catch (err) {
        if (err instanceof OnnxModelError) throw err;
        throw new OnnxModelError(`${modelFile}: probe run failed: ${message(err)}`);
      }
      if (dims.length !== 2 || dims[0] !== 1 || dims[1] !== labels.length) {
        throw new OnnxModelError(
          `${modelFile}: output "${outputName}" has shape [${dims.join(', ')}] for one text; config.json id2label has ${labels.length} labels, so [1, ${labels.length}] was expected`,
        );
      }
      return model;
    } catch (err) {
      await session.release().catch(() => undefined);
      throw err;
    }
  }

  async predict(text: string): Promise<Prediction> {
    const [p] = await this.predictBatch([text]);
    return p!;
  }

  /**
   * One session.run for every text that gets a score (padded to the longest, truncated at maxLength).
   * Padding is masked, so results equal one-by-one prediction. Callers choose the batch size: memory
   * grows with batch × longest text.
   */
  async predictBatch(texts: string[]): Promise<Prediction[]> {
    const out: Prediction[] = new Array<Prediction>(texts.length);
    const scored: number[] = [];
    const langs: string[] = [];
    for (let i = 0; i < texts.length; i++) {
      const { lang } = detectLanguage(texts[i]!, this.detectSet);
      langs.push(lang);
      // Without a declared language list, every identified language is scored; `und` never is.
      const covered = this.languages ? this.languages.has(lang) : lang !== 'und';
      if (covered) scored.push(i);
      else out[i] = { lang, route: 'human_review', scores: null };
    }
    if (scored.length === 0) return out;

    const logits = await this.runBatch(scored.map((i) => this.encode(texts[i]!)));
    const data = logits.data;
    const L = this.labels.length;
    scored.forEach((textIndex, row) => {
      const z: number[] = [];
      for (let l = 0; l < L; l++) z.push(Number(data[row * L + l]));
      const p = this.activation === 'sigmoid' ? z.map(sigmoid) : softmax(z);
      const scores: Scores = {};
      this.labels.forEach((label, l) => {
        scores[label] = round4(p[l]!);
      });
      out[textIndex] = { lang: langs[textIndex]!, route: 'model', scores };
    });
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
  }

  /** Token ids with the tokenizer's special tokens, truncated to maxLength keeping those special tokens. */
  private encode(text: string): Encoded {
    const t = text.length > this.maxLength * CHARS_PER_TOKEN_BUDGET ? text.slice(0, this.maxLength * CHARS_PER_TOKEN_BUDGET) : text;
    const full = this.tokenizer.encode(t).ids;
    if (full.length <= this.maxLength) return { ids: full };
    // Truncate the text's tokens, not the special ones around them (an XLM-R input must still end
    // with </s>): find the bare tokens inside the full encoding and cut them.
    const bare = this.tokenizer.encode(t, { add_special_tokens: false }).ids;
    const prefix = findPrefixLength(full, bare);
    const suffix = full.slice(prefix + bare.length);
    const keep = Math.max(0, this.maxLength - prefix - suffix.length);
    return { ids: [...full.slice(0, prefix), ...bare.slice(0, keep), ...suffix].slice(0, this.maxLength) };
  }

  private async runBatch(batch: Encoded[]): Promise<ort.Tensor> {
    const B = batch.length;
    const S = Math.max(1, ...batch.map((e) => e.ids.length));
    const ids = new BigInt64Array(B * S).fill(BigInt(this.padId));
    const mask = new BigInt64Array(B * S);
    batch.forEach((e, b) => {
      e.ids.forEach((id, s) => {
        if (!Number.isInteger(id)) throw new Error(`${this.name}: the tokenizer produced a token with no id (no unknown token defined)`);
        ids[b * S + s] = BigInt(id);
        mask[b * S + s] = 1n;
      });
    });
    const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', ids, [B, S]) };
    if (this.feedsAttentionMask) feeds.attention_mask = new ort.Tensor('int64', mask, [B, S]);
    // Single-sequence classification: every token belongs to segment 0.
    if (this.feedsTokenTypes) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(B * S), [B, S]);
    const result = await this.session.run(feeds, [this.outputName]);
    const out = result[this.outputName];
    if (!out) throw new Error(`${this.modelFile}: no "${this.outputName}" output`);
    if (out.type !== 'float32' && out.type !== 'float64') {
      throw new OnnxModelError(`${this.modelFile}: output "${this.outputName}" is ${out.type}; float32 logits expected`);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------

async function readJson(root: string, file: string, required: boolean): Promise<unknown> {
  const p = path.join(root, file);
  let text: string;
  try {
    text = await fs.promises.readFile(p, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      if (!required) return undefined;
      throw new OnnxModelError(`${p}: missing (required in a model folder)`);
    }
    throw new OnnxModelError(`${p}: cannot read: ${message(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new OnnxModelError(`${p}: invalid JSON: ${message(err)}`);
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, root: string, file: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  throw new OnnxModelError(`${path.join(root, file)}: invalid: ${issues.join('; ')}`);
}

/** id2label keys must be exactly 0..n-1: they index the model's output columns. */
function labelsFromId2label(id2label: Record<string, string>, root: string): string[] {
  const file = path.join(root, 'config.json');
  const entries = Object.entries(id2label);
  if (entries.length === 0) throw new OnnxModelError(`${file}: id2label is empty`);
  const labels: string[] = new Array<string>(entries.length);
  for (const [k, v] of entries) {
    const i = Number(k);
    if (!/^\d+$/.test(k) || i >= entries.length) throw new OnnxModelError(`${file}: id2label keys must be 0..${entries.length - 1}, got "${k}"`);
    labels[i] = v;
  }
  return labels;
}

function renameLabels(labels: string[], renames: Record<string, string> | undefined, root: string): string[] {
  const file = path.join(root, 'vigie.json');
  if (!renames) return checkUnique(labels, path.join(root, 'config.json'));
  for (const k of Object.keys(renames)) {
    if (!labels.includes(k)) throw new OnnxModelError(`${file}: labels.${k}: not a label of the model (id2label: ${labels.join(', ')})`);
  }
  return checkUnique(
    labels.map((l) => renames[l] ?? l),
    file,
  );
}

function checkUnique(labels: string[], file: string): string[] {
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup !== undefined) throw new OnnxModelError(`${file}: label "${dup}" appears twice`);
  return labels;
}

/** Pad id: tokenizer.json's padding config, else tokenizer_config's pad_token, else 0 (masked anyway). */
function padTokenId(tokenizer: Tokenizer, tokenizerJson: Record<string, unknown>, config: Record<string, unknown>): number {
  const padding = tokenizerJson.padding;
  if (isRecord(padding) && typeof padding.pad_id === 'number') return padding.pad_id;
  const pad = config.pad_token;
  const content = typeof pad === 'string' ? pad : isRecord(pad) && typeof pad.content === 'string' ? pad.content : undefined;
  return (content !== undefined ? tokenizer.token_to_id(content) : undefined) ?? 0;
}

/** Where `bare` starts inside `full` (the special tokens the post-processor prepended). */
function findPrefixLength(full: number[], bare: number[]): number {
  const extra = full.length - bare.length;
  for (let p = 0; p <= extra; p++) {
    let ok = true;
    for (let j = 0; j < bare.length && ok; j++) ok = full[p + j] === bare[j];
    if (ok) return p;
  }
  return 0;
}

function softmax(z: number[]): number[] {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
