/** The dashboard (signed in, decisions:read): intake, backlog, deadlines met, decisions, appeals over a period. */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Redirect } from 'wouter';
import { api, ApiError } from '../app/api.ts';
import { ServicePicker } from '../app/ServicePicker.tsx';
import { useSession } from '../app/session.tsx';
import { fmt } from '../i18n/index.ts';
import { ChartBlock } from './Chart.tsx';

interface DashboardData {
  days: string[];
  intake: number[];
  closed: number[];
  backlog: number[];
  sla_met: Array<number | null>;
  decisions_by_category: Array<{ category: string; restriction: number; no_action: number }>;
  appeals_lodged: number[];
  appeals_decided: { upheld: number; reversed: number; modified: number };
  totals: { notices: number; closed: number; sla_met: number | null; backlog_at_end: number; appeals: number; reversal_rate: number | null };
}

const READERS = new Set(['admin', 'senior_moderator', 'moderator', 'legal', 'analyst', 'auditor']);
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const pct = (v: number | null) => (v === null ? '—' : `${fmt.number(Math.round(v * 1000) / 10)} %`);

export default function Dashboard() {
  const { t } = useTranslation();
  const session = useSession();
  const services = session.services.filter((s) => s.role !== null && READERS.has(s.role));
  const [service, setService] = useState<string>('');
  const [to, setTo] = useState(isoDay(Date.now()));
  const [from, setFrom] = useState(isoDay(Date.now() - 29 * 86_400_000));
  const [data, setData] = useState<DashboardData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const slug = service || services[0]?.slug || '';

  useEffect(() => {
    if (!slug) return;
    let live = true;
    setError(null);
    api<DashboardData>('GET', `/v1/services/${encodeURIComponent(slug)}/dashboard?from=${from}&to=${to}`)
      .then((d) => live && setData(d))
      .catch((e: unknown) => live && setError(e instanceof ApiError && e.fields.length > 0 ? e.fields.map((f) => f.reason).join('; ') : t('errors.generic')));
    return () => {
      live = false;
    };
  }, [slug, from, to, t]);

  const labels = useMemo(() => (data ? data.days.map((d) => fmt.date(`${d}T12:00:00Z`)) : []), [data]);
  const categories = useMemo(() => (data ? data.decisions_by_category.map((c) => t(`dashboard.categories.${c.category}`, { defaultValue: c.category })) : []), [data, t]);

  if (session.status === 'loading') return <p aria-busy="true">…</p>;
  if (session.status === 'signed-out') return <Redirect to="/login" />;
  return (
    <section>
      <h1>{t('dashboard.title')}</h1>
      <form className="inline-form" onSubmit={(e) => e.preventDefault()}>
        <ServicePicker id="dash-service" services={services} value={slug} onChange={setService} />
        <div>
          <label htmlFor="dash-from">{t('dashboard.from')}</label>
          <input id="dash-from" type="date" value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} />
        </div>
        <div>
          <label htmlFor="dash-to">{t('dashboard.to')}</label>
          <input id="dash-to" type="date" value={to} min={from} onChange={(e) => e.target.value && setTo(e.target.value)} />
        </div>
      </form>
      {services.length === 0 && <p>{t('dashboard.noAccess')}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data && (
        <>
          <dl className="totals">
            <div>
              <dt>{t('dashboard.totals.notices')}</dt>
              <dd>{fmt.number(data.totals.notices)}</dd>
            </div>
            <div>
              <dt>{t('dashboard.totals.closed')}</dt>
              <dd>{fmt.number(data.totals.closed)}</dd>
            </div>
            <div>
              <dt>{t('dashboard.totals.slaMet')}</dt>
              <dd>{pct(data.totals.sla_met)}</dd>
            </div>
            <div>
              <dt>{t('dashboard.totals.backlog')}</dt>
              <dd>{fmt.number(data.totals.backlog_at_end)}</dd>
            </div>
            <div>
              <dt>{t('dashboard.totals.appeals')}</dt>
              <dd>{fmt.number(data.totals.appeals)}</dd>
            </div>
            <div>
              <dt>{t('dashboard.totals.reversalRate')}</dt>
              <dd>{pct(data.totals.reversal_rate)}</dd>
            </div>
          </dl>
          <div className="charts">
            <ChartBlock
              title={t('dashboard.charts.flow')}
              type="bar"
              labels={labels}
              series={[
                { label: t('dashboard.series.intake'), data: data.intake, color: '#0b5cad' },
                { label: t('dashboard.series.closed'), data: data.closed, color: '#1b6e2a' },
              ]}
            />
            <ChartBlock title={t('dashboard.charts.backlog')} type="line" labels={labels} series={[{ label: t('dashboard.series.backlog'), data: data.backlog, color: '#7a4d00' }]} />
            <ChartBlock title={t('dashboard.charts.sla')} type="line" percent labels={labels} series={[{ label: t('dashboard.series.slaMet'), data: data.sla_met, color: '#1b6e2a' }]} />
            <ChartBlock
              title={t('dashboard.charts.decisions')}
              type="bar"
              stacked
              labels={categories}
              series={[
                { label: t('dashboard.series.restriction'), data: data.decisions_by_category.map((c) => c.restriction), color: '#a4161a' },
                { label: t('dashboard.series.noAction'), data: data.decisions_by_category.map((c) => c.no_action), color: '#4a4a4a' },
              ]}
            />
            <ChartBlock title={t('dashboard.charts.appeals')} type="bar" labels={labels} series={[{ label: t('dashboard.series.appeals'), data: data.appeals_lodged, color: '#0b5cad' }]} />
          </div>
          <p>
            {t('dashboard.appealOutcomes', {
              upheld: fmt.number(data.appeals_decided.upheld),
              reversed: fmt.number(data.appeals_decided.reversed),
              modified: fmt.number(data.appeals_decided.modified),
            })}
          </p>
        </>
      )}
    </section>
  );
}
