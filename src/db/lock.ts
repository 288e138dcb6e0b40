import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export class DataDirLockedError extends Error {}

/**
 * PGlite has no lock of its own: two processes on one data directory silently corrupt it.
 * We take `<dir>/vigie.lock` atomically (the lock file is written in full, then hard-linked into place,
 * which fails if it exists); a lock left by a dead process (e.g. SIGKILL) is taken over.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'vigie.lock');
  const body = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), nonce: crypto.randomUUID() });
  const tmp = path.join(dataDir, `.vigie.lock.${process.pid}.${crypto.randomBytes(4).toString('hex')}`);
  fs.writeFileSync(tmp, body);
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        fs.linkSync(tmp, lockPath);
        return releaser(lockPath, body);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const text = readText(lockPath);
      if (text === undefined) continue; // vanished meanwhile: try again
      const holder = parse(text);
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
        throw new DataDirLockedError(
          `The data directory ${dataDir} is in use by another Vigie process (pid ${holder.pid}, started ${holder.startedAt}).\n` +
            'Stop that process first, use another DATA_DIR, or set DATABASE_URL to run on a PostgreSQL server.',
        );
      }
      // Stale: move it aside under a unique name, and remove it only if it is the lock we judged stale
      // (another process may have replaced it in between; then put it back and look again).
      const aside = `${lockPath}.stale.${crypto.randomBytes(4).toString('hex')}`;
      try {
        fs.renameSync(lockPath, aside);
      } catch {
        continue;
      }
      if (readText(aside) === text) fs.rmSync(aside, { force: true });
      else {
        try {
          fs.linkSync(aside, lockPath);
        } catch {
          /* someone holds it now; the next round reports them */
        }
        fs.rmSync(aside, { force: true });
      }
    }
    throw new DataDirLockedError(`Could not take the lock ${lockPath}; another process keeps changing it.`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function releaser(lockPath: string, body: string): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (readText(lockPath) === body) fs.rmSync(lockPath, { force: true });
  };
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function parse(text: string): { pid: number; startedAt: string } | undefined {
  try {
    const parsed = JSON.parse(text) as { pid?: unknown; startedAt?: unknown };
    if (typeof parsed.pid === 'number') return { pid: parsed.pid, startedAt: String(parsed.startedAt) };
  } catch {
    /* unreadable lock = stale (it is written in full before it is linked into place) */
  }
  return undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
