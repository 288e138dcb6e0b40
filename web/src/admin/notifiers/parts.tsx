/** Small parts shared by the list and the detail: a notifier's name, status and trust, its decisions. */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../app/api.ts';
import { fmt } from '../../i18n/index.ts';
import { useEnumLabel } from '../../public/common.tsx';
import { type Action, type Notifier, type Page } from './types.ts';

/** "Association X", or "Person (email protected)" for someone who used the public form. */
export function useNotifierName() {
  const { t } = useTranslation();
  return (n: Notifier) => n.display_name ?? (n.kind === 'email' ? t('admin.notifiers.person') : t('admin.notifiers.unnamed'));
}

export function StatusText({ n }: { n: Notifier }) {
  const { t } = useTranslation();
  if (n.status === 'suspended') return <span className="badge warn">{t('admin.notifiers.status.suspended', { date: fmt.dateTime(n.suspended_until) })}</span>;
  if (n.status === 'warned') return <span className="badge warn">{t('admin.notifiers.status.warned')}</span>;
  return <>{t('admin.notifiers.status.active')}</>;
}

export function TrustText({ n }: { n: Notifier }) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  if (n.trusted_flagger) {
    return (
      <>
        <span className="badge">{t('admin.notifiers.trustedBadge')}</span>
        <span className="hint">{n.expertise.map((c) => label('category', c)).join(' · ')}</span>
      </>
    );
  }
  if (n.trusted_by_key_role) return <span className="hint">{t('admin.notifiers.trustedByKeyRole')}</span>;
  return <>—</>;
}

/** Every decision about a notifier, oldest first (all pages: there are few). */
export function useActions(url: string, tick: number) {
  const [items, setItems] = useState<Action[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const all: Action[] = [];
        let cursor: string | null = null;
        for (let i = 0; i < 20; i++) {
          const p: Page<Action> = await api<Page<Action>>('GET', `${url}?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          all.push(...p.items);
          cursor = p.next_cursor;
          if (!cursor) break;
        }
        if (live) {
          setItems(all);
          setError(null);
        }
      } catch (e) {
        if (live) setError(e instanceof ApiError ? e : new ApiError(0, 'NETWORK', 'network'));
      }
    })();
    return () => {
      live = false;
    };
  }, [url, tick]);
  return { items, error };
}

export function History({ actions }: { actions: Action[] }) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  if (actions.length === 0) return <p>{t('admin.notifiers.history.none')}</p>;
  const liftOf = new Map(actions.filter((a) => a.lifts_action_id).map((a) => [a.lifts_action_id as string, a]));
  return (
    <table>
      <caption className="visually-hidden">{t('admin.notifiers.history.title')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('admin.notifiers.history.date')}</th>
          <th scope="col">{t('admin.notifiers.history.kind')}</th>
          <th scope="col">{t('admin.notifiers.history.reason')}</th>
          <th scope="col">{t('admin.notifiers.history.details')}</th>
        </tr>
      </thead>
      <tbody>
        {actions.map((a) => {
          const lift = liftOf.get(a.id);
          return (
            <tr key={a.id}>
              <td>{fmt.dateTime(a.created_at)}</td>
              <td>{t(`admin.notifiers.history.kinds.${a.kind}`, { defaultValue: a.kind })}</td>
              <td className="pre-wrap">{a.reason}</td>
              <td>
                {a.kind === 'suspension' && <span className="hint">{t('admin.notifiers.history.period', { from: fmt.dateTime(a.starts_at), to: fmt.dateTime(a.ends_at) })}</span>}
                {lift && <span className="hint">{t('admin.notifiers.history.liftedOn', { date: fmt.dateTime(lift.created_at) })}</span>}
                {a.unfounded_count !== null && a.window_days !== null && (
                  <span className="hint">
                    {t('admin.notifiers.history.weighed', { unfounded: fmt.number(a.unfounded_count), notices: fmt.number(a.notices_count ?? 0), days: fmt.number(a.window_days) })}
                  </span>
                )}
                {a.kind === 'trusted_granted' && a.details.expertise && (
                  <span className="hint">{t('admin.notifiers.history.expertise', { list: a.details.expertise.map((c) => label('category', c)).join(', ') })}</span>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
