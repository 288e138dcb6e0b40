/**
 * One case: the content reference (text only: never fetched nor embedded), its notices, the screening evidence,
 * the history, internal notes, claim / release, and the decision form with its live statement preview.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api, ApiError } from '../app/api.ts';
import { useSession } from '../app/session.tsx';
import { fmt } from '../i18n/index.ts';
import { ReferralForm } from '../orders/ReferralForm.tsx';
import { DecisionForm, type DecisionResult } from './DecisionForm.tsx';
import { NoticeAssessment } from './NoticeAssessment.tsx';
import { Shortcuts } from './Queues.tsx';
import { base, countReveal, dueLabel, useFocusHeading, useService, useShortcuts } from './shared.tsx';
import type { AuditEvent, CaseDetail, CaseNotice, Evidence, ScreenedItem } from './types.ts';

const errorText = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

function CopyText({ text }: { text: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <>
      <code className="mono content-ref">{text}</code>{' '}
      <button type="button" onClick={() => void copy()}>
        {t('workspace.case.copy')}
      </button>
      <span role="status" className="ok">
        {copied ? ` ${t('workspace.case.copied')}` : ''}
      </span>
    </>
  );
}

/** An evidence file behind the wellbeing guard: blurred and greyscale until revealed; videos muted. */
function GuardedMedia({ url, type, label }: { url: string; type: string; label: string }) {
  const { t } = useTranslation();
  const [revealed, setRevealed] = useState(false);
  const toggle = () => {
    if (!revealed) countReveal();
    setRevealed(!revealed);
  };
  const cls = revealed ? 'media-guard revealed' : 'media-guard';
  return (
    <figure className="evidence">
      <div className="media-frame">
        {type.startsWith('video/') ? <video className={cls} src={url} muted controls={revealed} aria-label={label} /> : <img className={cls} src={url} alt={label} />}
      </div>
      <figcaption>
        <button type="button" aria-pressed={revealed} onClick={toggle}>
          {t(revealed ? 'workspace.case.hide' : 'workspace.case.reveal')}
        </button>{' '}
        {label}
      </figcaption>
    </figure>
  );
}

/** The evidence files of one notice: images and videos are loaded as blobs (never from the reported URL). */
function NoticeEvidence({ notice }: { notice: CaseNotice }) {
  const { t } = useTranslation();
  const service = useService();
  const [files, setFiles] = useState<Array<Evidence & { url: string | null }>>([]);
  useEffect(() => {
    let live = true;
    const urls: string[] = [];
    void (async () => {
      try {
        const n = await api<{ evidence?: Evidence[] }>('GET', `${base(service)}/notices/${notice.notice_id}`);
        const out: Array<Evidence & { url: string | null }> = [];
        for (const e of n.evidence ?? []) {
          let url: string | null = null;
          if (/^(image|video)\//.test(e.media_type)) {
            const res = await fetch(`${base(service)}/notices/${notice.notice_id}/evidence/${e.id}`, { credentials: 'same-origin' });
            if (res.ok) {
              url = URL.createObjectURL(await res.blob());
              urls.push(url);
            }
          }
          out.push({ ...e, url });
        }
        if (live) setFiles(out);
      } catch {
        // no evidence shown: the notice text still is
      }
    })();
    return () => {
      live = false;
      urls.forEach((u) => URL.revokeObjectURL(u));
    };
  }, [service, notice.notice_id]);
  if (files.length === 0) return null;
  return (
    <div className="evidence-list">
      {files.map((e, i) =>
        e.url ? (
          <GuardedMedia key={e.id} url={e.url} type={e.media_type} label={t('workspace.case.evidenceN', { n: i + 1, type: e.media_type })} />
        ) : (
          <p key={e.id}>{t('workspace.case.evidenceFile', { n: i + 1, type: e.media_type, size: fmt.number(e.size_bytes) })}</p>
        ),
      )}
    </div>
  );
}

function Signals({ items }: { items: ScreenedItem[] | null }) {
  const { t } = useTranslation();
  if (items === null) return <p aria-busy="true">…</p>;
  if (items.length === 0) return <p>{t('workspace.case.noSignals')}</p>;
  return (
    <ul className="signals">
      {items.map((s) => {
        const matches = (s.signals as { matches?: Array<Record<string, unknown>> }).matches ?? [];
        const scores = (s.signals as { scores?: Record<string, unknown> }).scores;
        return (
          <li key={s.id}>
            <p>
              {t('workspace.case.screened', { kind: s.kind, when: fmt.dateTime(s.screened_at) })}
              {s.held ? <span className="badge warn"> {t('workspace.case.held')}</span> : null}
            </p>
            {matches.length > 0 ? (
              <ul>
                {matches.map((m, i) => (
                  <li key={i}>
                    {t('workspace.case.bankMatch')}: <span className="mono">{JSON.stringify(m)}</span>
                  </li>
                ))}
              </ul>
            ) : null}
            {scores ? <p className="mono">{JSON.stringify(scores)}</p> : null}
            <details>
              <summary>{t('workspace.case.provenance')}</summary>
              <pre className="mono" tabIndex={0} aria-label={t('workspace.case.provenance')}>
                {JSON.stringify({ signals: s.signals, rules: s.rules, labels: s.labels }, null, 2)}
              </pre>
            </details>
          </li>
        );
      })}
    </ul>
  );
}

export default function CasePage({ id }: { id: string }) {
  const { t } = useTranslation();
  const service = useService();
  const session = useSession();
  const [, navigate] = useLocation();
  const h1 = useFocusHeading<HTMLHeadingElement>();
  const formRef = useRef<HTMLFieldSetElement>(null);
  const [c, setC] = useState<CaseDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [signals, setSignals] = useState<ScreenedItem[] | null>(null);
  const [history, setHistory] = useState<AuditEvent[] | 'forbidden' | null>(null);
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | null>(null);
  const [result, setResult] = useState<DecisionResult | null>(null);

  const load = useCallback(async () => {
    try {
      setC(await api<CaseDetail>('GET', `${base(service)}/cases/${id}`));
    } catch (e) {
      setError(errorText(e));
    }
  }, [service, id]);
  useEffect(() => {
    void load();
    api<{ items: ScreenedItem[] }>('GET', `${base(service)}/screened-items?case_id=${encodeURIComponent(id)}`)
      .then((r) => setSignals(r.items))
      .catch(() => setSignals([]));
    api<{ items: AuditEvent[] }>('GET', `${base(service)}/cases/${encodeURIComponent(id)}/history`)
      .then((r) => setHistory(r.items))
      .catch((e: unknown) => setHistory(e instanceof ApiError && e.status === 403 ? 'forbidden' : []));
  }, [load, service, id]);

  useShortcuts({
    d: () => formRef.current?.focus(),
    Escape: () => navigate('/'),
  });

  const act = async (what: 'claim' | 'release') => {
    setError(null);
    try {
      await api('POST', `${base(service)}/cases/${id}/${what}`);
      await load();
    } catch (e) {
      setError(errorText(e));
    }
  };
  const addNote = async (e: FormEvent) => {
    e.preventDefault();
    setNoteError(null);
    try {
      await api('POST', `${base(service)}/cases/${id}/notes`, { body: note });
      setNote('');
      await load();
    } catch (err) {
      setNoteError(err instanceof ApiError ? (err.field('body') ?? err.message) : String(err));
    }
  };

  const mine = c !== null && c.claimed_by !== null && c.claimed_by === session.user?.id;
  const due = c ? dueLabel(t, fmt.relative, c.sla.deadline_at) : null;
  return (
    <section className="case-page">
      <p>
        <Link href="/">{t('workspace.case.back')}</Link>
      </p>
      <h1 ref={h1} tabIndex={-1}>
        {t('workspace.case.title')}
      </h1>
      <Shortcuts keys={['d', 'Escape']} />
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {c === null ? (
        error ? null : (
          <p aria-busy="true">…</p>
        )
      ) : (
        <>
          <dl className="facts">
            <dt>{t('workspace.case.content')}</dt>
            <dd>{c.content.url ? <CopyText text={c.content.url} /> : <span className="mono">{c.content.content_id ?? '—'}</span>}</dd>
            <dt>{t('workspace.case.category')}</dt>
            <dd>{t(`public.enums.tdb.${c.category}`, { defaultValue: c.category })}</dd>
            <dt>{t('workspace.case.tier')}</dt>
            <dd>{fmt.number(c.tier)}</dd>
            <dt>{t('workspace.case.due')}</dt>
            <dd>
              <time dateTime={c.sla.deadline_at} className={due?.overdue ? 'overdue' : undefined}>
                {due?.text}
              </time>{' '}
              ({fmt.dateTime(c.sla.deadline_at)})
            </dd>
            <dt>{t('workspace.case.status')}</dt>
            <dd>{t(`workspace.status.${c.status}`, { defaultValue: c.status })}</dd>
            <dt>{t('workspace.case.holder')}</dt>
            <dd>{c.claimed_by === null ? t('workspace.unclaimed') : mine ? t('workspace.case.you') : t('workspace.case.someoneElse')}</dd>
          </dl>
          {c.status === 'open' ? (
            <div className="toolbar">
              {mine ? (
                <button type="button" onClick={() => void act('release')}>
                  {t('workspace.case.release')}
                </button>
              ) : (
                <button type="button" className="primary" onClick={() => void act('claim')}>
                  {t('workspace.case.claim')}
                </button>
              )}
            </div>
          ) : null}

          <h2>{t('workspace.case.notices', { count: c.notices.length })}</h2>
          <ul className="notices">
            {c.notices.map((n) => (
              <li key={n.notice_id}>
                <p>
                  <strong className="mono">{n.reference}</strong> — {fmt.dateTime(n.created_at)} — {t(`public.enums.tdb.${n.category}`, { defaultValue: n.category })}
                  {n.trusted ? <span className="badge"> {t('workspace.case.trusted')}</span> : null}
                </p>
                <p>
                  {t('workspace.case.notifier')}: {n.notifier_type ?? '—'}
                </p>
                {n.explanation ? <blockquote lang={n.language ?? undefined}>{n.explanation}</blockquote> : null}
                <NoticeEvidence notice={n} />
                <NoticeAssessment notice={n} decided={c.status === 'closed'} />
              </li>
            ))}
          </ul>

          <h2>{t('workspace.case.signals')}</h2>
          <Signals items={signals} />

          <h2>{t('workspace.case.history')}</h2>
          {history === null ? (
            <p aria-busy="true">…</p>
          ) : history === 'forbidden' ? (
            <p>{t('workspace.case.historyForbidden')}</p>
          ) : history.length === 0 ? (
            <p>{t('workspace.case.noHistory')}</p>
          ) : (
            <ol className="history">
              {history.map((ev) => (
                <li key={ev.id}>
                  {fmt.dateTime(ev.occurred_at)} — {t(`workspace.case.actions.${ev.action.replace('.', '_')}`, { defaultValue: ev.action })} —{' '}
                  {ev.actor_type === 'user' ? (ev.actor_name ?? t('workspace.case.someone')) : t(`workspace.case.actors.${ev.actor_type}`, { defaultValue: ev.actor_type })}
                </li>
              ))}
            </ol>
          )}

          <h2 id="notes-h">{t('workspace.case.notes')}</h2>
          {c.notes.length === 0 ? (
            <p>{t('workspace.case.noNotes')}</p>
          ) : (
            <ul className="notes" aria-labelledby="notes-h">
              {c.notes.map((n) => (
                <li key={n.id}>
                  <p className="hint">
                    {n.author_name} — {fmt.dateTime(n.created_at)}
                  </p>
                  <p>{n.body}</p>
                </li>
              ))}
            </ul>
          )}
          <form onSubmit={(e) => void addNote(e)} noValidate>
            <label htmlFor="note">{t('workspace.case.newNote')}</label>
            <textarea id="note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} aria-describedby={noteError ? 'note-error' : undefined} />
            {noteError ? (
              <p role="alert" id="note-error" className="error">
                {noteError}
              </p>
            ) : null}
            <button type="submit" disabled={note.trim() === ''}>
              {t('workspace.case.addNote')}
            </button>
          </form>

          <h2>{t('workspace.decision.heading')}</h2>
          {result ? (
            <div role="status" className="panel confirmation">
              <p className={result.kind === 'taken' ? 'ok' : 'warn'}>{t(result.kind === 'taken' ? 'workspace.decision.taken' : 'workspace.decision.pending')}</p>
              <Link href="/">{t('workspace.case.back')}</Link>
            </div>
          ) : c.status !== 'open' ? (
            <p>{t('workspace.decision.notOpen')}</p>
          ) : (
            <>
              {!mine ? <p className="warn">{t('workspace.decision.claimFirst')}</p> : null}
              <DecisionForm
                ref={formRef}
                c={c}
                onDecided={(r) => {
                  setResult(r);
                  void load();
                }}
              />
            </>
          )}
          <ReferralForm service={service} caseId={c.id} role={session.services.find((s) => s.slug === service)?.role ?? null} />
        </>
      )}
    </section>
  );
}
