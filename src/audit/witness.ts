import fs from 'node:fs';

/**
 * A copy, outside the database, of the last sealed link of each service's chain. Without it, someone
 * with database access could delete the newest events and rewind the head: nothing inside the
 * database would show it. The sealer keeps the file current; `audit verify` checks the chain still
 * contains that link with that hash. (In server mode each process keeps its own copy; a stale copy is
 * still a valid check of an older link.) Export heads elsewhere too: `vigie audit verify --json`.
 */
export interface Witness {
  seq: number;
  hash: string;
}

export function readWitness(file: string): Record<string, Witness> | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Witness>;
  } catch {
    return null;
  }
}

export function writeWitness(file: string, serviceId: string, head: Witness): void {
  const all = readWitness(file) ?? {};
  const known = all[serviceId];
  if (known && known.seq >= head.seq) return;
  all[serviceId] = head;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(all, null, 1), { mode: 0o600 });
  fs.renameSync(tmp, file);
}
