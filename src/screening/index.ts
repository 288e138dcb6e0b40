// Public API of the screening domain (perceptual and cryptographic hashing; banks, index and classifiers
// are added here by their own modules). Other domains and the CLI import from this file only.
export {
  DIHEDRAL_NAMES,
  PDQ_MATCH_THRESHOLD,
  PDQ_MIN_QUALITY,
  InvalidHashError,
  hammingDistance,
  hashNorm,
  isPdqHex,
  pdqDihedralFromPixels,
  pdqFromHex,
  pdqFromPixels,
  pdqFromRgb,
  pdqToHex,
  type DihedralName,
  type PdqDihedralResult,
  type PdqHash,
  type PdqResult,
} from './pdq.ts';
export { DEFAULT_MAX_PIXELS, ImageDecodeError, decodeImage, pdqDihedralFromImage, pdqFromImage, type DecodeOptions, type DecodedImage, type ImageDecodeReason } from './image.ts';
export {
  VPDQ_COMPARED_MATCH_THRESHOLD_PERCENT,
  VPDQ_QUERY_MATCH_THRESHOLD_PERCENT,
  VideoDecodeError,
  isVpdqMatch,
  matchVpdq,
  vpdqFromFile,
  type VideoDecodeReason,
  type VideoHashOptions,
  type VpdqFrame,
  type VpdqHash,
  type VpdqMatchOptions,
  type VpdqMatchResult,
} from './video.ts';
export { screeningRuleRoutes } from './rules-routes.ts';
export { evaluateRule, RuleDefinition, type Signals } from './rules.ts';
export { loadTextClassifier, OnnxModelError, OnnxTextClassifier, type TextClassifier } from './classify/index.ts';
export { DEFAULT_MODEL_DIR, LABELS as TEXT_HARM_LABELS, TextHarmModel, detectLanguage, normalise as normaliseForClassifier, type Manifest as TextHarmManifest, type Prediction as TextHarmPrediction, type Scores as TextHarmScores } from './classify/index.ts';
export { screenRoutes } from './screen-routes.ts';
