/**
 * Builds a tiny but real text classifier in the Hugging Face / Optimum export layout (config.json,
 * tokenizer.json, tokenizer_config.json, model.onnx), so the ONNX adapter is tested against
 * onnxruntime-node itself rather than a mock. There is no python/onnx package here: the ONNX protobuf is
 * hand-encoded below (field numbers from onnx/onnx.proto).
 *
 * The graph (opset 13, IR 8) is a bag-of-words classifier:
 *   h = Gather(embeddings[V,2], input_ids)               [B,S,2]
 *   m = Unsqueeze(Cast<float>(attention_mask), [2])      [B,S,1]
 *   pooled = ReduceSum(h·m, [1]) / max(ReduceSum(m, [1]), ε)   [B,2]   (mask-weighted mean)
 *   logits = pooled · W[2,L] + b[L]                     [B,L]
 * Embedding dimension 0 carries "toxicity" and dimension 1 "insult"; neutral and unknown words embed to 0,
 * so a short sentence with a toxic word scores high and a neutral one low. Padding is masked out, so a
 * batch gives the same logits as one text at a time.
 */
import fs from 'node:fs';
import path from 'node:path';

// ---------------------------------------------------------------------------------------------------
// A minimal protobuf writer: varints, length-delimited fields (strings, bytes, sub-messages), packed int64.

class Pb {
  private readonly parts: Buffer[] = [];

  private varint(v: bigint | number): void {
    // Negative int64 values are encoded as their 64-bit two's complement (10 bytes), as protobuf does.
    let x = BigInt.asUintN(64, BigInt(v));
    const bytes: number[] = [];
    while (x >= 0x80n) {
      bytes.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    bytes.push(Number(x));
    this.parts.push(Buffer.from(bytes));
  }

  private key(field: number, wireType: 0 | 2): void {
    this.varint((field << 3) | wireType);
  }

  int(field: number, v: bigint | number): this {
    this.key(field, 0);
    this.varint(v);
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2);
    this.varint(b.length);
    this.parts.push(Buffer.from(b));
    return this;
  }

  str(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }

  msg(field: number, m: Pb): this {
    return this.bytes(field, m.finish());
  }

  packedInt64(field: number, values: ReadonlyArray<number>): this {
    const inner = new Pb();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}

// onnx.proto enums
const FLOAT = 1;
const INT64 = 7;
const ATTR_INT = 2;
const ATTR_INTS = 7;

type Dim = number | string;

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9 (little-endian). */
function floatTensor(name: string, dims: number[], values: ArrayLike<number>): Pb {
  const raw = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; i++) raw.writeFloatLE(values[i]!, i * 4);
  return new Pb().packedInt64(1, dims).int(2, FLOAT).str(8, name).bytes(9, raw);
}

function int64Tensor(name: string, dims: number[], values: number[]): Pb {
  const raw = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => raw.writeBigInt64LE(BigInt(v), i * 8));
  return new Pb().packedInt64(1, dims).int(2, INT64).str(8, name).bytes(9, raw);
}

/** ValueInfoProto { name = 1, type = 2: TypeProto { tensor_type = 1: { elem_type = 1, shape = 2: { dim = 1: { dim_value = 1 | dim_param = 2 } } } } }. */
function valueInfo(name: string, elemType: number, dims: Dim[]): Pb {
  const shape = new Pb();
  for (const d of dims) shape.msg(1, typeof d === 'number' ? new Pb().int(1, d) : new Pb().str(2, d));
  const tensorType = new Pb().int(1, elemType).msg(2, shape);
  return new Pb().str(1, name).msg(2, new Pb().msg(1, tensorType));
}

/** AttributeProto: name = 1, i = 3, ints = 8, type = 20. */
type Attr = { name: string; int: number } | { name: string; ints: number[] };

/** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5. */
function node(opType: string, inputs: string[], outputs: string[], attrs: Attr[] = []): Pb {
  const n = new Pb();
  for (const i of inputs) n.str(1, i);
  for (const o of outputs) n.str(2, o);
  n.str(3, `${opType}_${outputs[0]}`).str(4, opType);
  for (const a of attrs) {
    const p = new Pb().str(1, a.name);
    if ('int' in a) p.int(3, a.int).int(20, ATTR_INT);
    else {
      for (const v of a.ints) p.int(8, v);
      p.int(20, ATTR_INTS);
    }
    n.msg(5, p);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------------
// Vocabulary and weights.

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];
const NEUTRAL = [
  'the', 'weather', 'is', 'lovely', 'today', 'i', 'am', 'going', 'for', 'a', 'walk', 'in', 'park', 'you', 'are',
  'we', 'have', 'nice', 'day', 'thank', 'thanks', 'help', 'your', 'what', 'and', 'this', 'that', 'very', 'good', 'with',
  'il', 'fait', 'beau', 'je', 'vais', 'au', 'parc', 'tu', 'es', 'un', 'vraiment',
];
/** word → [toxicity, insult] embedding */
const TOXIC: Record<string, [number, number]> = {
  idiot: [40, 40],
  stupid: [40, 20],
  moron: [40, 40],
  crétin: [40, 40],
  hate: [40, 0],
  dumb: [40, 20],
};

export const TINY_VOCAB: readonly string[] = [...SPECIAL, ...NEUTRAL, ...Object.keys(TOXIC)];

export interface TinyModelOptions {
  /** sigmoid per label (problem_type multi_label_classification); default true */
  multiLabel?: boolean;
  /** written as vigie.json when given */
  vigie?: object;
  /** adds a required float input `pixel_values` [batch, 3] the adapter cannot feed */
  extraInput?: boolean;
  /** id2label in order; default ["toxic", "insult"] (multi-label) or ["ok", "toxic"] (softmax) */
  labels?: string[];
}

/** Writes config.json, tokenizer.json, tokenizer_config.json, model.onnx (and vigie.json) into `dir`. */
export async function buildTinyOnnxModel(dir: string, opts: TinyModelOptions = {}): Promise<void> {
  const multiLabel = opts.multiLabel ?? true;
  const labels = opts.labels ?? (multiLabel ? ['toxic', 'insult'] : ['ok', 'toxic']);
  const L = labels.length;
  const D = 2;
  const V = TINY_VOCAB.length;

  const emb = new Float32Array(V * D);
  TINY_VOCAB.forEach((w, i) => {
    const e = TOXIC[w];
    if (e) emb.set(e, i * D);
  });
  // W[D,L], b[L]: multi-label → label 0 reads toxicity, label 1 insult; softmax → label 0 is the
  // complement of label 1 (toxicity). Any further label reads nothing and stays low.
  const W = new Float32Array(D * L);
  const b = new Float32Array(L).fill(-4);
  const set = (d: number, l: number, v: number): void => {
    if (l < L) W[d * L + l] = v;
  };
  if (multiLabel) {
    set(0, 0, 1);
    set(1, 1, 1);
  } else {
    set(0, 0, -1);
    set(0, 1, 1);
    b[0] = 4;
  }

  const graph = new Pb();
  // GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12
  const nodes = [
    node('Gather', ['embeddings', 'input_ids'], ['hidden'], [{ name: 'axis', int: 0 }]),
    node('Cast', ['attention_mask'], ['mask_f'], [{ name: 'to', int: FLOAT }]),
    node('Unsqueeze', ['mask_f', 'axes_2'], ['mask3']),
    node('Mul', ['hidden', 'mask3'], ['masked']),
    // ReduceSum-13 takes its axes as an input (the attribute form is ReduceSum-11).
    node('ReduceSum', ['masked', 'axes_1'], ['summed'], [{ name: 'keepdims', int: 0 }]),
    node('ReduceSum', ['mask3', 'axes_1'], ['count'], [{ name: 'keepdims', int: 0 }]),
    node('Max', ['count', 'eps'], ['count_safe']),
    node('Div', ['summed', 'count_safe'], ['pooled']),
    node('MatMul', ['pooled', 'W'], ['projected']),
  ];
  if (opts.extraInput) {
    // Make pixel_values matter (its sum times zero is added), so no optimiser can drop the input.
    nodes.push(
      node('Add', ['projected', 'b'], ['logits_raw']),
      node('ReduceSum', ['pixel_values', 'axes_1'], ['pix_sum'], [{ name: 'keepdims', int: 1 }]),
      node('Mul', ['pix_sum', 'zero'], ['pix_zero']),
      node('Add', ['logits_raw', 'pix_zero'], ['logits']),
    );
  } else {
    nodes.push(node('Add', ['projected', 'b'], ['logits']));
  }
  for (const n of nodes) graph.msg(1, n);
  graph.str(2, 'tiny_text_classifier');
  graph.msg(5, floatTensor('embeddings', [V, D], emb));
  graph.msg(5, floatTensor('W', [D, L], W));
  graph.msg(5, floatTensor('b', [L], b));
  graph.msg(5, floatTensor('eps', [], [1e-9]));
  if (opts.extraInput) graph.msg(5, floatTensor('zero', [], [0]));
  graph.msg(5, int64Tensor('axes_1', [1], [1]));
  graph.msg(5, int64Tensor('axes_2', [1], [2]));
  graph.msg(11, valueInfo('input_ids', INT64, ['batch', 'sequence']));
  graph.msg(11, valueInfo('attention_mask', INT64, ['batch', 'sequence']));
  if (opts.extraInput) graph.msg(11, valueInfo('pixel_values', FLOAT, ['batch', 3]));
  graph.msg(12, valueInfo('logits', FLOAT, ['batch', L]));

  // ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 { domain = 1, version = 2 }
  const model = new Pb().int(1, 8).str(2, 'vigie-test').msg(7, graph).msg(8, new Pb().str(1, '').int(2, 13));

  const vocab = Object.fromEntries(TINY_VOCAB.map((w, i) => [w, i]));
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'Lowercase' },
    // BertPreTokenizer splits on Unicode whitespace and punctuation (the Whitespace pre-tokenizer's
    // \w is ASCII-only in JavaScript and would cut "crétin" in three).
    pre_tokenizer: { type: 'BertPreTokenizer' },
    // Whole words only, so WordPiece acts as a word-level vocabulary with [UNK] for unknown words
    // (tokenizers.js has no WordLevel model).
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  };
  const tokenizerConfig = { model_max_length: 512, pad_token: '[PAD]', unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]' };
  const config = {
    architectures: ['TinyBagOfWordsForSequenceClassification'],
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
    problem_type: multiLabel ? 'multi_label_classification' : 'single_label_classification',
    max_position_embeddings: 512,
  };

  await fs.promises.mkdir(dir, { recursive: true });
  const write = (name: string, data: string | Buffer): Promise<void> => fs.promises.writeFile(path.join(dir, name), data);
  await Promise.all([
    write('model.onnx', model.finish()),
    write('tokenizer.json', JSON.stringify(tokenizer)),
    write('tokenizer_config.json', JSON.stringify(tokenizerConfig)),
    write('config.json', JSON.stringify(config, null, 2)),
    ...(opts.vigie ? [write('vigie.json', JSON.stringify(opts.vigie, null, 2))] : []),
  ]);
}
