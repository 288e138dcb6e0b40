/**
 * The public transparency pages of a service (no sign-in): the list of its published reports with their files
 * and checksums, and one report as a printable page with charts. A lazy chunk (Chart.js is loaded only here and
 * in the dashboard).
 */
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch, useParams } from 'wouter';
import type { ApiError } from '../app/api.ts';
import { useResource } from '../app/useResource.ts';
import { ChartBlock } from '../dashboard/Chart.tsx';
import { fmt } from '../i18n/index.ts';
import { DEFAULT_SERVICE, publicBase, useEnumLabel } from '../public/common.tsx';
import { ReportDownloads } from './Downloads.tsx';
import type { Figures, PublicReport, PublicReportItem, ScopedValue } from './types.ts';

const COLORS = ['#1f5fa8', '#b8560f', '#2e7d32', '#7b3fa0', '#a11d3a', '#52606d'];
const hours = (h: number | null | undefined) => (h === null || h === undefined ? '—' : fmt.number(Math.round(h * 10) / 10));
const day = (d: string) => fmt.date(`${d}T12:00:00Z`);

function LoadError({ error }: { error: ApiError }) {
  const { t } = useTranslation();
  return (
    <p role="alert" className="error">
      {error.status === 404 ? t('transparency.notFound') : error.status === 0 ? t('errors.network') : t('errors.generic')}
    </p>
  );
}

function ReportList({ service }: { service: string }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  const { data, error } = useResource<{ items: PublicReportItem[] }>(`${publicBase(service)}/transparency/reports`);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        {t('transparency.title')}
      </h1>
      <p>{t('transparency.intro')}</p>
      {error && <LoadError error={error} />}
      {!data && !error && <p aria-busy="true">…</p>}
      {data && data.items.length === 0 && <p>{t('transparency.none')}</p>}
      {data && data.items.length > 0 && (
        <ul className="cards report-list">
          {data.items.map((r) => (
            <li key={r.id}>
              <h2>
                <Link href={`/transparency/${encodeURIComponent(service)}/${r.id}`}>{t('transparency.periodTitle', { start: day(r.period.start), end: day(r.period.end) })}</Link>
              </h2>
              <p>
                {r.service_name} — {r.provider_name}
              </p>
              <p>
                {t('transparency.version', { version: r.version })} · {t('transparency.publishedOn', { date: fmt.date(r.published_at) })}
                {r.superseded_by && <> · <strong>{t('transparency.superseded')}</strong></>}
              </p>
              {r.totals && (
                <p>
                  {t('transparency.headline', { notices: fmt.number(r.totals.notices), restrictions: fmt.number(r.totals.restrictions), orders: fmt.number(r.totals.orders) })}
                </p>
              )}
              <ReportDownloads links={r.links} fileHashes={r.file_hashes} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const value = (rows: ScopedValue[], indicator: string, scope: string) => rows.find((r) => r.indicator.trim() === indicator && r.scope.trim() === scope)?.value ?? null;

function Charts({ figures }: { figures: Figures }) {
  const { t } = useTranslation();
  const label = useEnumLabel();
  const parents = <R extends { category: string; keyword: string | null }>(rows: R[]) => rows.filter((r) => r.category !== 'TOTAL' && r.keyword === null);
  const notices = useMemo(() => parents(figures.notices).sort((a, b) => b.received - a.received), [figures]);
  const own = useMemo(() => {
    const byCat = new Map<string, { illegal: number; tc: number; automated: number }>();
    for (const [ground, rows] of [
      ['illegal', figures.own_initiative_illegal],
      ['tc', figures.own_initiative_tc],
    ] as const) {
      for (const r of parents(rows)) {
        const e = byCat.get(r.category) ?? { illegal: 0, tc: 0, automated: 0 };
        e[ground] += r.measures;
        e.automated += r.solely_automated;
        byCat.set(r.category, e);
      }
    }
    return [...byCat.entries()].sort((a, b) => b[1].illegal + b[1].tc - (a[1].illegal + a[1].tc));
  }, [figures]);
  const states = useMemo(() => figures.orders.filter((r) => r.category === 'TOTAL' && r.scope !== 'TOTAL'), [figures]);
  const complaints = 'Number of complaints submitted to the internal-complaints mechanism';
  const outcomes = ['Decisions upheld', 'Decisions partially reversed', 'Decisions reversed', 'Decision omitted'];
  return (
    <div className="charts">
      {notices.length > 0 && (
        <ChartBlock
          title={t('transparency.charts.notices')}
          type="bar"
          labels={notices.map((r) => label('category', r.category))}
          series={[
            { label: t('transparency.series.received'), data: notices.map((r) => r.received), color: COLORS[0] as string },
            { label: t('transparency.series.actionsLaw'), data: notices.map((r) => r.actions_law), color: COLORS[1] as string },
            { label: t('transparency.series.actionsTc'), data: notices.map((r) => r.actions_tc), color: COLORS[2] as string },
          ]}
        />
      )}
      {own.length > 0 && (
        <ChartBlock
          title={t('transparency.charts.ownInitiative')}
          type="bar"
          stacked
          labels={own.map(([c]) => label('category', c))}
          series={[
            { label: t('transparency.series.illegal'), data: own.map(([, v]) => v.illegal), color: COLORS[3] as string },
            { label: t('transparency.series.tc'), data: own.map(([, v]) => v.tc), color: COLORS[4] as string },
          ]}
        />
      )}
      <ChartBlock
        title={t('transparency.charts.complaints')}
        type="bar"
        labels={outcomes.map((o) => t(`transparency.outcome.${outcomes.indexOf(o)}`))}
        series={[{ label: t('transparency.series.complaints'), data: outcomes.map((o) => value(figures.appeals, complaints, o)), color: COLORS[5] as string }]}
      />
      {states.length > 0 && (
        <ChartBlock
          title={t('transparency.charts.orders')}
          type="bar"
          stacked
          labels={states.map((r) => r.scope)}
          series={[
            { label: t('transparency.series.ordersAct'), data: states.map((r) => r.act_received), color: COLORS[0] as string },
            { label: t('transparency.series.ordersInfo'), data: states.map((r) => r.info_received), color: COLORS[1] as string },
          ]}
        />
      )}
    </div>
  );
}

function ReportPage({ service, id }: { service: string; id: string }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  const { data, error } = useResource<PublicReport>(`${publicBase(service)}/transparency/reports/${encodeURIComponent(id)}`);
  useEffect(() => {
    if (data) heading.current?.focus();
  }, [data]);
  if (error) return <LoadError error={error} />;
  if (!data) return <p aria-busy="true">…</p>;
  const f = data.figures;
  const complaintsMedian = value(f.appeals, 'Number of complaints submitted to the internal-complaints mechanism', 'Median time');
  const totals: Array<[string, string]> = [
    ['notices', fmt.number(f.totals.notices)],
    ['orders', fmt.number(f.totals.orders)],
    ['restrictions', fmt.number(f.totals.restrictions)],
    ['medianAction', hours(f.totals.median_action_h)],
    ['appeals', fmt.number(f.totals.appeals)],
    ['complaintsMedian', hours(complaintsMedian)],
    ['reinstatements', fmt.number(f.totals.reinstatements)],
    ['suspensions', fmt.number(f.totals.suspensions)],
  ];
  return (
    <article className="transparency-report">
      <p className="no-print">
        <Link href={`/transparency/${encodeURIComponent(service)}`}>{t('transparency.back')}</Link>
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {t('transparency.reportTitle', { service: data.service_name, start: day(data.period.start), end: day(data.period.end) })}
      </h1>
      <p>
        {data.provider_name} · {t('transparency.version', { version: data.version })} · {t('transparency.publishedOn', { date: fmt.date(data.published_at) })}
      </p>
      {data.changes && data.changes.length > 0 && (
        <section>
          <h2>{t('transparency.changes')}</h2>
          <ul>
            {data.changes.map((c) => (
              <li key={c.change}>
                {c.change} — {c.reason}
              </li>
            ))}
          </ul>
        </section>
      )}
      <p className="no-print">
        <button type="button" onClick={() => window.print()}>
          {t('transparency.print')}
        </button>
      </p>
      <dl className="totals">
        {totals.map(([k, v]) => (
          <div key={k}>
            <dt>{t(`transparency.totals.${k}`)}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <Charts figures={f} />
      <section className="no-print">
        <h2>{t('transparency.files')}</h2>
        <ReportDownloads links={data.links} fileHashes={data.file_hashes} />
      </section>
    </article>
  );
}

function ListRoute() {
  const params = useParams<{ service?: string }>();
  return <ReportList service={params.service ?? DEFAULT_SERVICE} />;
}
function ReportRoute() {
  const params = useParams<{ service: string; id: string }>();
  return <ReportPage service={params.service} id={params.id} />;
}

export default function Transparency() {
  return (
    <Switch>
      <Route path="/transparency" component={ListRoute} />
      <Route path="/transparency/:service" component={ListRoute} />
      <Route path="/transparency/:service/:id" component={ReportRoute} />
    </Switch>
  );
}
