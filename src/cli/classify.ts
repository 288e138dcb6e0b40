/**
 * `vigie classify`: JSON lines {"id": …, "text": …} on stdin → one JSON line per input on stdout:
 *   {"id", "lang", "route": "model" | "human_review", "scores": {label: probability | null} | null}
 * `scores` is null (and route human_review) for a language the model does not cover; a label the
 * training data does not cover for that language is null. A malformed line (not JSON, no string `text`)
 * yields {"id": <id or null>, "line": <line number>, "error": "…"} on stdout, in order, and processing
 * continues; the exit code is 0 (1 if stdin could not be read). Output order = input order.
 * Backpressure: stdin is read line by line through readline's async iterator, and each write that fills
 * stdout's buffer waits for `drain` before the next line is read, so memory stays flat on millions of lines.
 */
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { loadTextClassifier, type TextClassifier } from '../screening/index.ts';

export interface ClassifyOptions {
  /** The built-in model's folder format (manifest.json) or an ONNX export (config.json); default: the built-in model. */
  modelDir?: string;
  input?: Readable;
  output?: Writable;
}

/** Lines scored per call: an ONNX model runs a batch in one session.run. */
const BATCH = 64;

type Slot = { out: string } | { id: unknown; text: string };

export async function classifyStream(opts: ClassifyOptions = {}): Promise<{ lines: number; errors: number }> {
  const model: TextClassifier = await loadTextClassifier(opts.modelDir);
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let errors = 0;
  let pending = '';
  let batch: Slot[] = [];
  const flush = async () => {
    if (!pending) return;
    const chunk = pending;
    pending = '';
    if (!output.write(chunk)) await once(output, 'drain');
  };
  // Scores the batch and writes its lines in input order (malformed lines keep their place).
  const run = async () => {
    const texts = batch.flatMap((b) => ('text' in b ? [b.text] : []));
    const preds = texts.length > 0 ? await model.predictBatch(texts) : [];
    let k = 0;
    for (const b of batch) {
      if ('out' in b) pending += b.out + '\n';
      else {
        const p = preds[k++];
        pending += JSON.stringify({ id: b.id, lang: p?.lang, route: p?.route, scores: p?.scores ?? null }) + '\n';
      }
    }
    batch = [];
    if (pending.length >= 64 * 1024) await flush();
  };
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    let id: unknown = null;
    try {
      const rec = JSON.parse(line) as unknown;
      if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) throw new Error('expected a JSON object {"id", "text"}');
      const r = rec as { id?: unknown; text?: unknown };
      id = r.id ?? null;
      if (typeof r.text !== 'string') throw new Error('"text" must be a string');
      batch.push({ id, text: r.text });
    } catch (err) {
      errors++;
      batch.push({ out: JSON.stringify({ id, line: lineNo, error: err instanceof SyntaxError ? `invalid JSON: ${err.message}` : (err as Error).message }) });
    }
    if (batch.length >= BATCH) await run();
  }
  await run();
  await flush();
  return { lines: lineNo, errors };
}
