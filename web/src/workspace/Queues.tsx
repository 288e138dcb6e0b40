/** The queues (counts, next due time), "claim next" (key n), and the cases of a queue, keyset-paged. */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api, ApiError } from '../app/api.ts';
import { fmt } from '../i18n/index.ts';
import { base, dueLabel, useFocusHeading, useService, useShortcuts } from './shared.tsx';
import type { CaseView, QueueView } from './types.ts';

/** Beyond this many rows the list is virtualised (only the visible rows are in the DOM). */
const VIRTUAL_FROM = 60;

function Due({ iso }: { iso: string | null }) {
  const { t } = useTranslation();
  if (!iso) return <>—</>;
  const d = dueLabel(t, fmt.relative, iso);
  return (
    <time dateTime={iso} title={fmt.dateTime(iso)} className={d.overdue ? 'overdue' : undefined}>
      {d.text}
    </time>
  );
}

function CaseRow({ c }: { c: CaseView }) {
  const { t } = useTranslation();
  return (
    <div className="case-row">
      <Link href={`/cases/${c.id}`}>{t(`public.enums.tdb.${c.category}`, { defaultValue: c.category })}</Link>
      <span>{t('workspace.tier', { tier: c.tier })}</span>
      <Due iso={c.sla.deadline_at} />
      <span>{c.claimed_by ? t('workspace.held') : t('workspace.unclaimed')}</span>
    </div>
  );
}

function CaseList({ items }: { items: CaseView[] }) {
  const { t } = useTranslation();
  const parent = useRef<HTMLDivElement>(null);
  const virtual = items.length >= VIRTUAL_FROM;
  const v = useVirtualizer({ count: virtual ? items.length : 0, getScrollElement: () => parent.current, estimateSize: () => 44, overscan: 8 });
  if (!virtual) {
    return (
      <ul className="case-list">
        {items.map((c) => (
          <li key={c.id}>
            <CaseRow c={c} />
          </li>
        ))}
      </ul>
    );
  }
  return (
    <div ref={parent} className="case-scroll" tabIndex={0} role="region" aria-label={t('workspace.cases')}>
      <ul className="case-list" style={{ height: v.getTotalSize() }}>
        {v.getVirtualItems().map((row) => {
          const c = items[row.index] as CaseView;
          return (
            <li key={c.id} ref={v.measureElement} data-index={row.index} className="virtual-row" style={{ transform: `translateY(${row.start}px)` }}>
              <CaseRow c={c} />
            </li>
          );
        })}
      </ul>
    </div>
  );
}

export function Queues() {
  const { t } = useTranslation();
  const service = useService();
  const [, navigate] = useLocation();
  const h1 = useFocusHeading<HTMLHeadingElement>();
  const [queues, setQueues] = useState<QueueView[] | null>(null);
  const [queue, setQueue] = useState<string>('');
  const [cases, setCases] = useState<CaseView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api<{ items: QueueView[] }>('GET', `${base(service)}/queues`)
      .then((r) => setQueues(r.items))
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [service]);

  const loadCases = useCallback(
    async (after: string | null) => {
      const qs = new URLSearchParams({ limit: '50' });
      if (queue) qs.set('queue', queue);
      if (after) qs.set('cursor', after);
      try {
        const r = await api<{ items: CaseView[]; next_cursor: string | null }>('GET', `${base(service)}/cases?${qs}`);
        setCases((prev) => (after ? [...prev, ...r.items] : r.items));
        setCursor(r.next_cursor);
      } catch (e) {
        setError(e instanceof ApiError ? e.message : String(e));
      }
    },
    [service, queue],
  );
  useEffect(() => {
    void loadCases(null);
  }, [loadCases]);

  const claimNext = useCallback(async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    setInfo(null);
    try {
      const r = await api<{ case: CaseView | null }>('POST', `${base(service)}/cases/claim-next`, queue ? { queue } : {});
      if (r.case) navigate(`/cases/${r.case.id}`);
      else setInfo(t('workspace.nothingToClaim'));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }, [busy, service, queue, navigate, t]);

  useShortcuts({ n: () => void claimNext() });

  return (
    <section>
      <h1 ref={h1} tabIndex={-1}>
        {t('workspace.title')}
      </h1>
      <Shortcuts keys={['n']} />
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      <h2 id="queues-h">{t('workspace.queues')}</h2>
      {queues === null ? (
        <p aria-busy="true">…</p>
      ) : (
        <table aria-labelledby="queues-h">
          <thead>
            <tr>
              <th scope="col">{t('workspace.queue')}</th>
              <th scope="col">{t('workspace.open')}</th>
              <th scope="col">{t('workspace.unclaimedCount')}</th>
              <th scope="col">{t('workspace.breached')}</th>
              <th scope="col">{t('workspace.nextDue')}</th>
            </tr>
          </thead>
          <tbody>
            {queues.map((q) => (
              <tr key={q.id} data-queue={q.slug}>
                <th scope="row">{q.name}</th>
                <td className="count">{fmt.number(q.open)}</td>
                <td className="count">{fmt.number(q.unclaimed)}</td>
                <td className={q.breached > 0 ? 'count overdue' : 'count'}>{fmt.number(q.breached)}</td>
                <td>
                  <Due iso={q.next_deadline_at} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="toolbar">
        <label htmlFor="ws-queue">{t('workspace.queueFilter')}</label>
        <select id="ws-queue" value={queue} onChange={(e) => setQueue(e.target.value)}>
          <option value="">{t('workspace.allQueues')}</option>
          {(queues ?? []).map((q) => (
            <option key={q.id} value={q.slug}>
              {q.name}
            </option>
          ))}
        </select>
        <button type="button" className="primary" onClick={() => void claimNext()} disabled={busy} aria-keyshortcuts="n">
          {t('workspace.claimNext')}
        </button>
      </div>
      {info ? <p role="status">{info}</p> : null}
      <h2>{t('workspace.cases')}</h2>
      {cases.length === 0 ? <p>{t('workspace.noCases')}</p> : <CaseList items={cases} />}
      {cursor ? (
        <button type="button" onClick={() => void loadCases(cursor)}>
          {t('workspace.loadMore')}
        </button>
      ) : null}
    </section>
  );
}

export function Shortcuts({ keys }: { keys: string[] }) {
  const { t } = useTranslation();
  return (
    <details className="shortcuts">
      <summary>{t('workspace.shortcuts.title')}</summary>
      <dl>
        {keys.map((k) => (
          <div key={k}>
            <dt>
              <kbd>{k === 'Escape' ? 'Esc' : k}</kbd>
            </dt>
            <dd>{t(`workspace.shortcuts.${k}`)}</dd>
          </div>
        ))}
        <div>
          <dt>—</dt>
          <dd>{t('workspace.shortcuts.typing')}</dd>
        </div>
      </dl>
    </details>
  );
}
