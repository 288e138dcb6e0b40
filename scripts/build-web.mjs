#!/usr/bin/env node
/**
 * Builds the web console (web/ → web/dist) with Vite when its sources changed since the last build, and
 * prints the gzipped size of what a first visit loads. Run by `npm install` (postinstall), `npm start`
 * (prestart) and the tests, so the README's two commands stay all it takes.
 *   node scripts/build-web.mjs [--force] [--quiet]
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WEB = path.join(ROOT, 'web');
const DIST = path.join(WEB, 'dist');
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
/** Issue 6: the public pages' first load stays under 250 KB of gzipped JS. */
const FIRST_LOAD_LIMIT_KB = 250;

function newest(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of fs.readdirSync(p)) m = Math.max(m, newest(path.join(p, e)));
  return m;
}

function upToDate() {
  const built = path.join(DIST, 'index.html');
  if (!fs.existsSync(built)) return false;
  const inputs = [path.join(WEB, 'src'), path.join(WEB, 'index.html'), path.join(WEB, 'vite.config.ts'), path.join(ROOT, 'package-lock.json')].filter((p) => fs.existsSync(p));
  return Math.max(...inputs.map(newest)) <= fs.statSync(built).mtimeMs;
}

/** The JS a first visit downloads: the entry scripts and the chunks they import statically (modulepreload). */
function firstLoad(t0) {
  const html = fs.readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const gz = (f) => zlib.gzipSync(fs.readFileSync(path.join(DIST, f)), { level: 9 }).length;
  // This build's chunks: those written by it (earlier builds' files may still be there).
  const all = fs.readdirSync(path.join(DIST, 'assets')).filter((f) => (f.endsWith('.js') || f.endsWith('.css')) && fs.statSync(path.join(DIST, 'assets', f)).mtimeMs >= t0 - 1000);
  const first = files.map((f) => ({ file: f, gzip_bytes: gz(f) }));
  return {
    first_load_js: first,
    first_load_js_gzip_kb: Math.round(first.reduce((s, f) => s + f.gzip_bytes, 0) / 102.4) / 10,
    chunks: all.map((f) => ({ file: `assets/${f}`, bytes: fs.statSync(path.join(DIST, 'assets', f)).size, gzip_bytes: gz(`assets/${f}`) })),
  };
}

if (!args.has('--force') && upToDate()) {
  if (!quiet) console.log('web console: up to date (web/dist)');
  process.exit(0);
}
let vite;
try {
  vite = await import('vite');
} catch {
  console.error('web console: vite is not installed; run `npm install` first');
  process.exit(1);
}
const t0 = Date.now();
await vite.build({ configFile: path.join(WEB, 'vite.config.ts'), logLevel: quiet ? 'error' : 'warn' });
// Assets of earlier builds: kept a while for servers still running on them, then removed.
const STALE_MS = 60 * 60 * 1000;
const assets = path.join(DIST, 'assets');
for (const f of fs.readdirSync(assets)) {
  const st = fs.statSync(path.join(assets, f));
  if (st.mtimeMs < t0 - STALE_MS) fs.rmSync(path.join(assets, f));
}
const sizes = firstLoad(t0);
fs.writeFileSync(path.join(DIST, 'sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
const over = sizes.first_load_js_gzip_kb > FIRST_LOAD_LIMIT_KB;
console.log(`web console: built in ${((Date.now() - t0) / 1000).toFixed(1)} s; first load ${sizes.first_load_js_gzip_kb} KB of gzipped JS (limit ${FIRST_LOAD_LIMIT_KB})${over ? ' — OVER' : ''}`);
if (over) process.exit(1);
