/**
 * Summarises a V8 .cpuprofile (from `--cpu-prof`, e.g. `npm run bench:intake -- --cpu-prof`):
 * self time by function and by module (a package under node_modules, a file under src/, or node internals).
 *
 *   node bin/run-ts.js bench/prof-summary.ts bench/results/prof-intake-postgres/*.cpuprofile [--top 25]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, REPO_ROOT } from './lib.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const args = parseArgs(process.argv.slice(2));
const top = Number(args.get('top') ?? 25);
const files = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--top');
if (files.length === 0) {
  console.error('usage: prof-summary.ts FILE.cpuprofile… [--top N]');
  process.exit(2);
}

function moduleOf(url: string): string {
  if (!url) return '(native / gc / idle)';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = u.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (u.startsWith('node:') || !u.startsWith('/')) return `node:${u.replace(/^node:/, '').split('/')[0]}`;
  return path.relative(REPO_ROOT, u);
}

for (const file of files) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  // self time per node from samples × time deltas (µs)
  const self = new Map<number, number>();
  const samples = prof.samples ?? [];
  const deltas = prof.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + (deltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const byFn = new Map<string, number>();
  const byMod = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') idle += us;
    const mod = moduleOf(n.callFrame.url);
    const key = `${name}  ${mod}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    const modKey = name === '(idle)' ? '(idle)' : name === '(garbage collector)' ? '(gc)' : name === '(program)' ? '(program)' : mod;
    byMod.set(modKey, (byMod.get(modKey) ?? 0) + us);
  }
  const busy = total - idle;
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (main thread)`);
  const show = (title: string, m: Map<string, number>) => {
    console.log(`\n  ${title} (share of busy time)`);
    for (const [k, us] of [...m].filter(([k]) => k !== '(idle)' && !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`);
    }
  };
  show('by module', byMod);
  show('by function (self)', byFn);
}
