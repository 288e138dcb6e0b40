/**
 * The screening API's use case: hash or classify one item the platform sends (bytes or text, never a URL to
 * fetch), match it against the banks the service may use, run the service's rules (live ones act, shadow
 * ones are only logged), record the item with its signals, and — when a live rule says so — open or
 * escalate a case with the evidence attached. Automated: a person decides; the case is marked as opened by
 * automated means so the statement of reasons says so.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordAudit, type AuditActor } from '../audit/index.ts';
import { matchEverywhere, recordMatches, type BankMatch, type BankMatcher, type MatchResult, type RemoteError, type RemoteSources } from '../banks/index.ts';
import { openCaseFromSignal } from '../cases/index.ts';
import { inTransaction, sql, type Db } from '../db/index.ts';
import type { ServiceAccess } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import { contentKey } from '../notices/index.ts';
import type { TextClassifier } from './classify/index.ts';
import { ImageDecodeError, pdqDihedralFromImage } from './image.ts';
import { pdqToHex } from './pdq.ts';
import { evaluateRule, type Action, type Signals } from './rules.ts';
import { listRules } from './sql.ts';
import { VideoDecodeError, vpdqFromFile } from './video.ts';

export interface ScreenRequest {
  content_id: string;
  content_url?: string | undefined;
  text?: string | undefined;
  media?: { bytes: Uint8Array; kind: 'image' | 'video' } | undefined;
  context: { trusted_flagger: boolean; account: Record<string, string | number | boolean> };
  radius?: number | undefined;
}

export interface ScreeningEngines {
  matcher: BankMatcher;
  /** The services' HMA, asked beside the banks. */
  remote: RemoteSources;
  /** The text classifier (built-in, or the operator's ONNX model), loaded once. */
  model: () => Promise<TextClassifier>;
}

const OTHER_CATEGORY = 'STATEMENT_CATEGORY_OTHER_VIOLATION_TC';

function presentMatch(m: BankMatch) {
  return {
    bank: { slug: m.bank.slug, name: m.bank.name, category: m.bank.category, default_action: m.bank.default_action, owner_service: m.bank.owner_service },
    entry_id: m.entry_id,
    signal_type: m.signal_type,
    distance: m.distance,
    status: m.status,
    automated_action_allowed: m.automated_action_allowed,
    provenance: m.provenance,
  };
}

async function hashMedia(media: NonNullable<ScreenRequest['media']>): Promise<{ hashes: Array<{ signalType: 'pdq' | 'md5' | 'sha256'; hash: string; frame?: number; variant?: number }>; pdq_quality: number | null; frames?: number }> {
  const md5 = crypto.createHash('md5').update(media.bytes).digest('hex');
  const sha256 = crypto.createHash('sha256').update(media.bytes).digest('hex');
  const exact = [
    { signalType: 'md5' as const, hash: md5 },
    { signalType: 'sha256' as const, hash: sha256 },
  ];
  try {
    if (media.kind === 'image') {
      // The eight dihedral hashes: a mirrored or rotated re-upload still matches (the first is the image's own).
      const p = await pdqDihedralFromImage(media.bytes);
      return { hashes: [...exact, ...p.hashes.map((h, i) => ({ signalType: 'pdq' as const, hash: pdqToHex(h), ...(i > 0 ? { variant: i } : {}) }))], pdq_quality: p.quality };
    }
    // ffmpeg reads a file: the bytes go to a private temporary file, removed at once.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-screen-'));
    try {
      const file = path.join(dir, 'media');
      fs.writeFileSync(file, media.bytes, { mode: 0o600 });
      const v = await vpdqFromFile(file);
      return { hashes: [...exact, ...v.frames.map((f) => ({ signalType: 'pdq' as const, hash: pdqToHex(f.hash), frame: f.frame }))], pdq_quality: null, frames: v.frames.length };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } catch (err) {
    if (err instanceof ImageDecodeError || err instanceof VideoDecodeError) {
      throw new AppError('VALIDATION_FAILED', `The ${media.kind} could not be decoded: ${err.message}`, [{ path: 'media', reason: err.message }]);
    }
    throw err;
  }
}

/** Local banks' matches are counted for flood protection; a remote source's (HMA's) are not ours to count. */
const isLocal = (m: BankMatch) => !m.bank.id.startsWith('hma:');

/**
 * Best match per bank entry (a video matches an entry on several frames: keep the closest, count frames).
 * Keyed by bank and entry: a remote HMA's content ids are its own numbering.
 */
function mergeMatches(results: MatchResult[]) {
  const best = new Map<string, BankMatch & { frames: number }>();
  const suppressed = new Map<string, MatchResult['suppressed'][number]>();
  const key = (m: BankMatch) => `${m.bank.id}#${m.entry_id}`;
  for (const r of results) {
    for (const m of r.matches) {
      const prev = best.get(key(m));
      if (!prev || m.distance < prev.distance) best.set(key(m), { ...m, frames: (prev?.frames ?? 0) + 1 });
      else prev.frames++;
    }
    for (const s of r.suppressed) if (!suppressed.has(key(s))) suppressed.set(key(s), s);
  }
  return { matches: [...best.values()].sort((a, b) => a.distance - b.distance || a.entry_id - b.entry_id), suppressed: [...suppressed.values()] };
}

export async function screen(db: Db, engines: ScreeningEngines, access: ServiceAccess, actor: AuditActor, requestId: string, input: ScreenRequest) {
  const kind: Signals['kind'] = input.media ? input.media.kind : 'text';
  let contentSha256: string;
  let hashInfo: Awaited<ReturnType<typeof hashMedia>> | null = null;
  let lang: string | null = null;
  let scores: Record<string, number | null> | null = null;
  let route: 'model' | 'human_review' | null = null;
  let matched = { matches: [] as Array<BankMatch & { frames: number }>, suppressed: [] as MatchResult['suppressed'] };
  let remoteErrors: RemoteError[] = [];
  if (input.media) {
    hashInfo = await hashMedia(input.media);
    contentSha256 = hashInfo.hashes.find((h) => h.signalType === 'sha256')?.hash ?? '';
    const found = await matchEverywhere(engines.matcher, engines.remote, access.serviceId, hashInfo.hashes, { radius: input.radius });
    matched = mergeMatches(found.results);
    remoteErrors = found.remote_errors;
  } else {
    const text = input.text ?? '';
    contentSha256 = crypto.createHash('sha256').update(text).digest('hex');
    const p = await (await engines.model()).predict(text);
    lang = p.lang;
    route = p.route;
    scores = p.scores ? { ...p.scores } : null;
  }
  const signals: Signals = {
    kind,
    lang,
    hash_matches: matched.matches
      // A disputed entry is shown to people but never acts on its own.
      .filter((m) => m.automated_action_allowed)
      .map((m) => ({ bank: m.bank.slug, entry_id: m.entry_id, signal_type: m.signal_type, distance: m.distance, category: m.bank.category })),
    scores,
    trusted_flagger: input.context.trusted_flagger,
    account: input.context.account,
  };

  const rules = (await listRules(db, access.serviceId)).filter((r) => r.mode !== 'disabled');
  const results = rules.map((r) => ({ rule: r.slug, version: r.version, mode: r.mode, ...evaluateRule(r.definition, signals), actions: r.definition.actions }));
  const live: Action[] = results.filter((r) => r.matched && r.mode === 'live').flatMap((r) => r.actions);
  const hold = live.some((a) => a.type === 'hold');
  const labels = [...new Set(live.flatMap((a) => (a.type === 'label' ? [a.label] : [])))];
  const opening = live.filter((a) => a.type === 'open_case' || a.type === 'escalate');

  const itemValues = (caseId: string | null) => sql`
    (service_id, kind, content_id, content_url, content_sha256, signals, rule_results, held, labels, case_id, api_key_id)
    values (${access.serviceId}, ${kind}, ${input.content_id}, ${input.content_url ?? null}, ${contentSha256},
            ${JSON.stringify({ ...signals, all_matches: matched.matches.map(presentMatch), suppressed: matched.suppressed.map((s) => ({ ...presentMatch(s), suppressed_by: s.suppressed_by })) })}::jsonb,
            ${JSON.stringify(results.map(({ actions: _a, ...rest }) => rest))}::jsonb, ${hold}, ${labels}::text[], ${caseId}, ${access.apiKeyId ?? null})`;

  let record: { id: string; created_at: Date; caseId: string | null; caseCreated: boolean };
  if (opening.length === 0 && !hold && labels.length === 0) {
    // Nothing acted: no state changed, so nothing to audit (the append-only screened item is the record),
    // and one statement. Its commit does not wait for the WAL flush (synchronous_commit off for this
    // transaction only): the record reaches the disk within 3 × wal_writer_delay of the answer, and the busiest
    // endpoint is spared a flush per call. Still atomic; anything that acts is durable before the answer.
    const r = await sql<{ id: string; created_at: Date }>`
      with relaxed as (select set_config('synchronous_commit', 'off', true))
      insert into screened_items ${itemValues(null)}
      returning id, created_at, (select 1 from relaxed) as relaxed`.execute(db);
    record = { ...(r.rows[0] as { id: string; created_at: Date }), caseId: null, caseCreated: false };
  } else {
    record = await inTransaction(db, async (tx) => {
      let caseId: string | null = null;
      let caseCreated = false;
      if (opening.length > 0) {
        const open = opening.find((a): a is Extract<Action, { type: 'open_case' }> => a.type === 'open_case');
        const topBank = signals.hash_matches[0];
        const category = open?.category ?? topBank?.category ?? OTHER_CATEGORY;
        const opened = await openCaseFromSignal(tx, {
          serviceId: access.serviceId,
          contentKey: contentKey({ url: input.content_url, content_id: input.content_id }),
          url: input.content_url ?? null,
          contentId: input.content_id,
          category,
          subcategory: open?.subcategory ?? null,
          escalate: opening.some((a) => a.type === 'escalate'),
          actor,
          requestId,
          data: { automated: true, rules: results.filter((r) => r.matched && r.mode === 'live').map((r) => `${r.rule}@${r.version}`) },
        });
        caseId = opened.caseId;
        caseCreated = opened.created;
      }
      const r = await sql<{ id: string; created_at: Date }>`insert into screened_items ${itemValues(caseId)} returning id, created_at`.execute(tx);
      const item = r.rows[0] as { id: string; created_at: Date };
      await recordAudit(tx, {
        serviceId: access.serviceId,
        actor,
        action: 'screening.item_screened',
        subjectType: 'screened_item',
        subjectId: item.id,
        data: { kind, content_id: input.content_id, matches: signals.hash_matches.length, rules_matched: results.filter((x) => x.matched).map((x) => `${x.rule}@${x.version}:${x.mode}`), case_id: caseId, held: hold },
        requestId,
      });
      return { ...item, caseId, caseCreated };
    });
  }
  // Flood protection counts every match that acted (after commit: it may quarantine an entry).
  const counted = matched.matches.filter((m) => m.automated_action_allowed && isLocal(m));
  if (counted.length > 0) await recordMatches(engines.matcher, counted.map((m) => m.entry_id), requestId);

  return {
    id: record.id,
    screened_at: record.created_at.toISOString(),
    content_id: input.content_id,
    kind,
    hashes: hashInfo ? { ...Object.fromEntries(hashInfo.hashes.filter((h) => h.frame === undefined && h.variant === undefined).map((h) => [h.signalType, h.hash])), pdq_quality: hashInfo.pdq_quality, ...(hashInfo.frames !== undefined ? { video_frames: hashInfo.frames } : {}) } : null,
    matches: matched.matches.map((m) => ({ ...presentMatch(m), ...(kind === 'video' ? { frames: m.frames } : {}) })),
    suppressed: matched.suppressed.map((s) => ({ ...presentMatch(s), suppressed_by: s.suppressed_by })),
    remote_errors: remoteErrors,
    lang,
    scores,
    route,
    rules: results.map(({ actions: _a, ...rest }) => rest),
    actions: { hold, labels, case_id: record.caseId, case_created: record.caseCreated, automated: true },
  };
}
