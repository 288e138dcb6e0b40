/**
 * Which text classifier runs: the built-in model (models/text-harm, or another folder in its format with a
 * manifest.json), or an operator's ONNX model (a Hugging Face export with config.json). One loaded copy per
 * folder and process: screening and `vigie classify` share it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MODEL_DIR, TextHarmModel, type Prediction } from './model.ts';
import { OnnxModelError, OnnxTextClassifier } from './onnx.ts';

export interface TextClassifier {
  /** What the scores come from (for the answer and the logs). */
  readonly name: string;
  readonly labels: readonly string[];
  predict(text: string): Promise<Prediction>;
  predictBatch(texts: string[]): Promise<Prediction[]>;
}

/** The built-in model behind the same (async) interface as an ONNX one. */
class BuiltIn implements TextClassifier {
  readonly name: string;
  readonly labels: readonly string[];
  constructor(readonly model: TextHarmModel) {
    this.name = `${model.manifest.name}@${model.manifest.version}`;
    this.labels = model.labels;
  }
  predict(text: string): Promise<Prediction> {
    return Promise.resolve(this.model.predict(text));
  }
  predictBatch(texts: string[]): Promise<Prediction[]> {
    return Promise.resolve(texts.map((t) => this.model.predict(t)));
  }
}

class Onnx implements TextClassifier {
  readonly name: string;
  readonly labels: readonly string[];
  constructor(private readonly model: OnnxTextClassifier) {
    this.name = `onnx:${model.name}`;
    this.labels = model.labels;
  }
  predict(text: string): Promise<Prediction> {
    return this.model.predict(text);
  }
  predictBatch(texts: string[]): Promise<Prediction[]> {
    return this.model.predictBatch(texts);
  }
}

const loaded = new Map<string, Promise<TextClassifier>>();

async function load(dir: string): Promise<TextClassifier> {
  if (fs.existsSync(path.join(dir, 'manifest.json'))) return new BuiltIn(TextHarmModel.load(dir));
  if (fs.existsSync(path.join(dir, 'config.json'))) return new Onnx(await OnnxTextClassifier.load(dir));
  throw new OnnxModelError(`${dir}: not a model folder (no manifest.json for the built-in format, no config.json for an ONNX export)`);
}

/** The classifier of a folder (default: the built-in model), loaded once; a failed load is retried next time. */
export function loadTextClassifier(dir?: string): Promise<TextClassifier> {
  const key = path.resolve(dir ?? DEFAULT_MODEL_DIR);
  let p = loaded.get(key);
  if (!p) {
    p = load(key);
    loaded.set(key, p);
    p.catch(() => loaded.delete(key));
  }
  return p;
}
