/** One notifier: statistics, trust, keys, accountability and the history of decisions about it. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLocale, fmt } from '../../i18n/index.ts';
import { ErrorNote, useResource } from '../common.tsx';
import { Accountability } from './Accountability.tsx';
import { BindKey, TrustForm } from './TrustForm.tsx';
import { History, StatusText, TrustText, useActions, useNotifierName } from './parts.tsx';
import { day, type Key, type NotifierDetail } from './types.ts';

export function Detail({ service, id, keys, onChanged, onClose }: { service: string; id: string; keys: Key[]; onChanged: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  const name = useNotifierName();
  const base = `/v1/services/${encodeURIComponent(service)}/notifiers/${encodeURIComponent(id)}`;
  const detail = useResource<NotifierDetail>(base);
  const [tick, setTick] = useState(0);
  const actions = useActions(`${base}/actions`, tick);
  const heading = useRef<HTMLHeadingElement>(null);
  const { reload } = detail;
  useEffect(() => heading.current?.focus(), [id]);
  const changed = useCallback(() => {
    reload();
    setTick((x) => x + 1);
    onChanged();
  }, [reload, onChanged]);

  const n = detail.data;
  const percent = new Intl.NumberFormat(currentLocale(), { style: 'percent', maximumFractionDigits: 1 });
  // Under an hour in minutes, else in hours (Intl words the unit in the current language).
  const duration = (h: number) =>
    h < 1
      ? new Intl.NumberFormat(currentLocale(), { style: 'unit', unit: 'minute', unitDisplay: 'long', maximumFractionDigits: 0 }).format(h * 60)
      : new Intl.NumberFormat(currentLocale(), { style: 'unit', unit: 'hour', unitDisplay: 'long', maximumFractionDigits: 1 }).format(h);
  const keyName = (k: string) => {
    const found = keys.find((x) => x.id === k);
    return found ? `${found.name} (${found.prefix}…)` : k;
  };
  return (
    <section aria-labelledby="nf-detail-title" className="panel">
      <h3 id="nf-detail-title" ref={heading} tabIndex={-1}>
        {n ? name(n) : '…'}
      </h3>
      <button type="button" onClick={onClose}>
        {t('admin.notifiers.close')}
      </button>
      <ErrorNote error={detail.error ?? actions.error} />
      {n && (
        <>
          <dl className="facts">
            <dt>{t('admin.notifiers.detail.kind')}</dt>
            <dd>{t(`admin.notifiers.kinds.${n.kind}`)}</dd>
            <dt>{t('admin.notifiers.columns.trusted')}</dt>
            <dd>
              <TrustText n={n} />
            </dd>
            <dt>{t('admin.notifiers.detail.status')}</dt>
            <dd>
              <StatusText n={n} />
            </dd>
            <dt>{t('admin.notifiers.detail.created')}</dt>
            <dd>{fmt.date(n.created_at)}</dd>
            <dt>{t('admin.notifiers.detail.noticesTotal')}</dt>
            <dd>{fmt.number(n.notices_total)}</dd>
            {n.kind === 'api_key' ? (
              <>
                <dt>{t('admin.notifiers.detail.keys')}</dt>
                <dd>{n.api_key_ids.length === 0 ? t('admin.notifiers.detail.noKeys') : n.api_key_ids.map(keyName).join(', ')}</dd>
                <dt>{t('admin.notifiers.detail.designation')}</dt>
                <dd>
                  {n.designation
                    ? t('admin.notifiers.detail.designationText', {
                        coordinator: n.designation.coordinator,
                        state: fmt.region(n.designation.member_state),
                        date: day(n.designation.designated_at),
                      }) + (n.designation.reference ? ` — ${t('admin.notifiers.detail.reference', { reference: n.designation.reference })}` : '')
                    : t('admin.notifiers.detail.noDesignation')}
                </dd>
              </>
            ) : (
              <>
                <dt>{t('admin.notifiers.detail.identity')}</dt>
                <dd>
                  {!n.identity || 'hidden' in n.identity
                    ? t('admin.notifiers.detail.identityHidden')
                    : [n.identity.name, n.identity.email].filter(Boolean).join(' — ') || '—'}
                </dd>
              </>
            )}
          </dl>

          <h4>{t('admin.notifiers.stats.title', { from: day(n.statistics.period.from), to: day(n.statistics.period.to) })}</h4>
          <dl className="totals">
            <div>
              <dt>{t('admin.notifiers.stats.notices')}</dt>
              <dd>{fmt.number(n.statistics.notices)}</dd>
            </div>
            <div>
              <dt>{t('admin.notifiers.stats.decided')}</dt>
              <dd>{fmt.number(n.statistics.decided)}</dd>
            </div>
            <div>
              <dt>{t('admin.notifiers.stats.withAction')}</dt>
              <dd>{fmt.number(n.statistics.with_action)}</dd>
            </div>
            <div>
              <dt>{t('admin.notifiers.stats.precision')}</dt>
              <dd>{n.statistics.precision === null ? '—' : percent.format(n.statistics.precision)}</dd>
            </div>
            <div>
              <dt>{t('admin.notifiers.stats.unfounded')}</dt>
              <dd>{fmt.number(n.statistics.manifestly_unfounded)}</dd>
            </div>
            <div>
              <dt>{t('admin.notifiers.stats.median')}</dt>
              <dd>{n.statistics.median_hours_to_decision === null ? '—' : duration(n.statistics.median_hours_to_decision)}</dd>
            </div>
          </dl>
          <p>
            {t('admin.notifiers.stats.accountability', {
              unfounded: fmt.number(n.accountability.unfounded_in_window),
              notices: fmt.number(n.accountability.notices_in_window),
              days: fmt.number(n.accountability.window_days),
              threshold: fmt.number(n.accountability.unfounded_threshold),
            })}
          </p>

          <h4>{t('admin.notifiers.history.title')}</h4>
          {actions.items === null ? <p aria-busy="true">…</p> : <History actions={actions.items} />}

          {actions.items !== null && <Accountability base={base} n={n} actions={actions.items} onDone={changed} />}
          {n.kind === 'api_key' ? (
            <>
              <TrustForm base={base} n={n} onSaved={changed} />
              <BindKey base={base} n={n} keys={keys} onBound={changed} />
            </>
          ) : (
            <p className="hint">{t('admin.notifiers.trust.onlyOrganisations')}</p>
          )}
        </>
      )}
    </section>
  );
}
