export { normalise } from './normalise.ts';
export { detectLanguage } from './lang.ts';
export { loadTextClassifier, type TextClassifier } from './load.ts';
export { OnnxModelError, OnnxTextClassifier } from './onnx.ts';
export { DEFAULT_MODEL_DIR, LABELS, TextHarmModel, sigmoid, type Manifest, type Prediction, type Scores } from './model.ts';
