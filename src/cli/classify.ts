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
import { TextHarmModel } from '../screening/index.ts';

export interface ClassifyOptions {
  modelDir?: string;
  input?: Readable;
  output?: Writable;
}

export async function classifyStream(opts: ClassifyOptions = {}): Promise<{ lines: number; errors: number }> {
  const model = opts.modelDir ? TextHarmModel.load(opts.modelDir) : TextHarmModel.load();
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let errors = 0;
  let pending = '';
  const flush = async () => {
    if (!pending) return;
    const chunk = pending;
    pending = '';
    if (!output.write(chunk)) await once(output, 'drain');
  };
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    let out: string;
    let id: unknown = null;
    try {
      const rec = JSON.parse(line) as unknown;
      if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) throw new Error('expected a JSON object {"id", "text"}');
      const r = rec as { id?: unknown; text?: unknown };
      id = r.id ?? null;
      if (typeof r.text !== 'string') throw new Error('"text" must be a string');
      const p = model.predict(r.text);
      out = JSON.stringify({ id, lang: p.lang, route: p.route, scores: p.scores });
    } catch (err) {
      errors++;
      out = JSON.stringify({ id, line: lineNo, error: err instanceof SyntaxError ? `invalid JSON: ${err.message}` : (err as Error).message });
    }
    pending += out + '\n';
    if (pending.length >= 64 * 1024) await flush();
  }
  await flush();
  return { lines: lineNo, errors };
}
