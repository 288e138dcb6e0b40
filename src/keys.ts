import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * A 32-byte key kept in a file of the data directory (hex), created on first use with mode 0600.
 * Keys live outside the database so that someone who can only read or write the database cannot forge
 * what they protect (the audit chain, the tokens in links sent to people).
 */
export function loadOrCreateKeyFile(dataDir: string, name: string): Buffer {
  const file = path.join(dataDir, name);
  try {
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  try {
    fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateKeyFile(dataDir, name);
    throw err;
  }
  return key;
}

/** The key of links sent to people (env LINK_KEY, else DATA_DIR/link.key). */
export function loadLinkKey(config: { linkKey: string | undefined; dataDir: string }): Buffer {
  return config.linkKey ? Buffer.from(config.linkKey, 'utf8') : loadOrCreateKeyFile(config.dataDir, 'link.key');
}
