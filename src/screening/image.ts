/**
 * Image decoding for hashing, with sharp (libvips: libjpeg-turbo-compatible JPEG decoding, libpng).
 * Pixels are taken as stored, the way the reference PDQ hasher (CImg + ImageMagick) takes them:
 * no EXIF auto-orientation, alpha dropped without compositing, gray images kept gray, palette
 * images expanded to their colours, CMYK converted to RGB. Decompression bombs are refused from
 * the header (width × height) before any pixel is decoded. See docs/screening-hashing.md.
 */
import sharp, { type Metadata } from 'sharp';
import { pdqDihedralFromPixels, pdqFromPixels, type PdqDihedralResult, type PdqResult } from './pdq.ts';

// libvips keeps recent operations and decoded inputs for reuse; every image here is new, so the cache only
// holds memory (tens of MB) that has to be walked and evicted.
sharp.cache(false);

/** Default cap on width × height: 50 megapixels (a 8660 × 5773 photo). */
export const DEFAULT_MAX_PIXELS = 50_000_000;

export type ImageDecodeReason = 'empty' | 'too_large' | 'unsupported_format' | 'corrupt' | 'truncated';

/** The input could not be decoded as an image, or was refused before decoding. Never a crash. */
export class ImageDecodeError extends Error {
  readonly code = 'IMAGE_DECODE_ERROR';
  constructor(
    readonly reason: ImageDecodeReason,
    message: string,
  ) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

export interface DecodeOptions {
  /** Refuse images whose width × height exceeds this (default 50 megapixels). */
  maxPixels?: number;
}

export interface DecodedImage {
  width: number;
  height: number;
  /** 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA), interleaved 8-bit. */
  channels: number;
  pixels: Uint8Array;
  /** The container sharp recognised (jpeg, png, webp, gif, tiff, heif, …). */
  format: string;
}

/** Formats accepted for hashing: still images only (no SVG/PDF rendering, no raw camera files). */
const FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif', 'avif', 'bmp', 'jp2']);

function classify(err: unknown): ImageDecodeError {
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) return new ImageDecodeError('too_large', `image exceeds the pixel limit: ${message}`);
  if (/unsupported image format|Input buffer contains unsupported/i.test(message)) return new ImageDecodeError('unsupported_format', 'not a supported image format');
  if (/premature end|truncated|unexpected end|not enough data|short read|EOF/i.test(message)) return new ImageDecodeError('truncated', `truncated image: ${message}`);
  return new ImageDecodeError('corrupt', `corrupt image: ${message.split('\n')[0]}`);
}

/** Decodes an image to interleaved 8-bit pixels as stored (see the module comment). Throws ImageDecodeError. */
export async function decodeImage(input: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (input.length === 0) throw new ImageDecodeError('empty', 'empty input');
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw classify(err);
  }
  const format = meta.format ?? 'unknown';
  if (!FORMATS.has(format)) throw new ImageDecodeError('unsupported_format', `unsupported image format: ${format}`);
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1) throw new ImageDecodeError('corrupt', 'image has no pixels');
  if (width * height > maxPixels) {
    throw new ImageDecodeError('too_large', `image is ${width}x${height} (${width * height} pixels), over the limit of ${maxPixels}`);
  }
  try {
    // failOn 'warning' would refuse many real-world JPEGs with harmless warnings; 'error' refuses
    // truncated/corrupt data. No .rotate(): the reference hashes the stored pixel order (EXIF ignored).
    const base = sharp(input, { failOn: 'error', limitInputPixels: maxPixels, pages: 1 }).keepIccProfile();
    if (meta.space === 'cmyk') {
      // ImageMagick's naive conversion, not an ICC transform: R = (255 − C)(255 − K)/255, same for G (M) and B (Y).
      const { data, info } = await base.pipelineColourspace('cmyk').toColourspace('cmyk').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      const n = info.width * info.height;
      const rgb = new Uint8Array(n * 3);
      for (let i = 0, p = 0; i < n; i++, p += info.channels) {
        const k = 255 - data[p + 3]!;
        rgb[i * 3] = Math.round(((255 - data[p]!) * k) / 255);
        rgb[i * 3 + 1] = Math.round(((255 - data[p + 1]!) * k) / 255);
        rgb[i * 3 + 2] = Math.round(((255 - data[p + 2]!) * k) / 255);
      }
      return { width: info.width, height: info.height, channels: 3, pixels: rgb, format };
    }
    // keepIccProfile: hash the stored values, with no ICC transform to sRGB (the reference applies none).
    // 16-bit images become 8-bit; gray stays gray (1 channel, alpha dropped).
    const gray = meta.space === 'b-w' || meta.space === 'grey16';
    const img = gray ? base.toColourspace('b-w') : base.toColourspace('srgb');
    const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, channels: info.channels, pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), format };
  } catch (err) {
    throw classify(err);
  }
}

/** PDQ of an image file's bytes, as the reference `pdq-photo-hasher` computes it. Throws ImageDecodeError. */
export async function pdqFromImage(input: Uint8Array, options: DecodeOptions = {}): Promise<PdqResult> {
  const img = await decodeImage(input, options);
  return pdqFromPixels(img.width, img.height, img.channels, img.pixels);
}

/** The eight dihedral PDQ hashes of an image file's bytes (`pdq-photo-hasher --pdqdih-across`). */
export async function pdqDihedralFromImage(input: Uint8Array, options: DecodeOptions = {}): Promise<PdqDihedralResult> {
  const img = await decodeImage(input, options);
  return pdqDihedralFromPixels(img.width, img.height, img.channels, img.pixels);
}
