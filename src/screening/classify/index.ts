export { normalise } from './normalise.ts';
export { detectLanguage } from './lang.ts';
export { DEFAULT_MODEL_DIR, LABELS, TextHarmModel, sigmoid, type Manifest, type Prediction, type Scores } from './model.ts';
