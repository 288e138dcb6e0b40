/**
 * Transparency reports (admin): create a draft for a period, enter what the history cannot give (human
 * resources, qualitative texts, notes) as the API's JSON document, freeze, publish, download.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../app/api.ts';
import { fmt } from '../i18n/index.ts';
import { ReportDownloads } from '../transparency/Downloads.tsx';
import type { FileHashes, Links } from '../transparency/types.ts';
import { ErrorNote, Field, useResource, useSubmit } from './common.tsx';

const KINDS = ['intermediary', 'hosting', 'online_platform', 'vlop'] as const;

interface ReportItem {
  id: string;
  period: { start: string; end: string };
  provider_name: string;
  service_name: string;
  provider_kind: string;
  status: 'draft' | 'frozen' | 'published';
  version: number;
  published_at: string | null;
  links: Links;
  file_hashes: FileHashes | null;
}
interface ReportDetail extends ReportItem {
  figures_live: boolean;
  figures: { totals: { notices: number; orders: number; restrictions: number; appeals: number; suspensions: number } };
  inputs: unknown;
}

const lastYear = () => {
  const y = new Date().getUTCFullYear() - 1;
  return { start: `${y}-01-01`, end: `${y}-12-31` };
};

function CreateReport({ base, onCreated }: { base: string; onCreated: (id: string) => void }) {
  const { t } = useTranslation();
  const period = lastYear();
  const [form, setForm] = useState({ period_start: period.start, period_end: period.end, provider_name: '', service_name: '', provider_kind: 'online_platform' });
  const submit = useSubmit();
  const fieldError = (f: string) => submit.error?.fields.find((x) => x.path === `body.${f}`)?.reason;
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await submit.run(() => api<{ id: string }>('POST', base, form));
    if (r) onCreated(r.id);
  };
  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate>
      <h3>{t('admin.reports.create')}</h3>
      <ErrorNote error={submit.error} />
      <div className="inline-form">
        <Field id="report-start" label={t('admin.reports.start')} error={fieldError('period_start')}>
          <input id="report-start" type="date" value={form.period_start} onChange={set('period_start')} required />
        </Field>
        <Field id="report-end" label={t('admin.reports.end')} error={fieldError('period_end')}>
          <input id="report-end" type="date" value={form.period_end} onChange={set('period_end')} required />
        </Field>
      </div>
      <Field id="report-provider" label={t('admin.reports.provider')} error={fieldError('provider_name')}>
        <input id="report-provider" value={form.provider_name} onChange={set('provider_name')} required />
      </Field>
      <Field id="report-service" label={t('admin.reports.serviceName')} error={fieldError('service_name')}>
        <input id="report-service" value={form.service_name} onChange={set('service_name')} required />
      </Field>
      <Field id="report-kind" label={t('admin.reports.kind')} error={fieldError('provider_kind')}>
        <select id="report-kind" value={form.provider_kind} onChange={set('provider_kind')}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`admin.reports.kinds.${k}`)}
            </option>
          ))}
        </select>
      </Field>
      <button type="submit" disabled={submit.busy}>
        {t('admin.reports.createButton')}
      </button>
    </form>
  );
}

function ReportEditor({ base, id, service, onChange }: { base: string; id: string; service: string; onChange: () => void }) {
  const { t } = useTranslation();
  const report = useResource<ReportDetail>(`${base}/${id}`);
  const [inputs, setInputs] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const action = useSubmit();
  const r = report.data;
  if (!r) return <ErrorNote error={report.error} />;
  const text = inputs ?? JSON.stringify(r.inputs ?? {}, null, 2);
  const run = async (what: 'freeze' | 'unfreeze' | 'publish' | 'save') => {
    const done =
      what === 'save'
        ? await action.run(() => api('PATCH', `${base}/${id}`, { inputs: JSON.parse(text) as unknown }).catch((e: unknown) => Promise.reject(e instanceof SyntaxError ? new Error(t('admin.reports.badJson')) : e)))
        : await action.run(() => api('POST', `${base}/${id}/${what}`));
    if (done !== undefined) {
      setStatus(t(`admin.reports.done.${what}`));
      setInputs(null);
      report.reload();
      onChange();
    }
  };
  return (
    <section aria-labelledby="report-editor-title">
      <h3 id="report-editor-title">
        {t('admin.reports.period', { start: r.period.start, end: r.period.end })} · {t(`admin.reports.status.${r.status}`)} · v{r.version}
      </h3>
      <ErrorNote error={action.error} />
      <p role="status">{status}</p>
      <dl className="totals">
        {(['notices', 'orders', 'restrictions', 'appeals', 'suspensions'] as const).map((k) => (
          <div key={k}>
            <dt>{t(`transparency.totals.${k}`)}</dt>
            <dd>{fmt.number(r.figures.totals[k])}</dd>
          </div>
        ))}
      </dl>
      <p>{r.figures_live ? t('admin.reports.live') : t('admin.reports.stored')}</p>
      <ReportDownloads links={r.links} fileHashes={r.file_hashes} />
      {r.status === 'draft' && (
        <>
          <Field id="report-inputs" label={t('admin.reports.inputs')} hint={t('admin.reports.inputsHint')}>
            <textarea id="report-inputs" rows={14} className="mono" value={text} onChange={(e) => setInputs(e.target.value)} aria-describedby="report-inputs-hint" />
          </Field>
          <div className="actions">
            <button type="button" disabled={action.busy} onClick={() => void run('save')}>
              {t('admin.reports.save')}
            </button>
            <button type="button" disabled={action.busy} onClick={() => void run('freeze')}>
              {t('admin.reports.freeze')}
            </button>
          </div>
        </>
      )}
      {r.status === 'frozen' && (
        <div className="actions">
          <button type="button" disabled={action.busy} onClick={() => void run('unfreeze')}>
            {t('admin.reports.unfreeze')}
          </button>
          <button type="button" disabled={action.busy} onClick={() => void run('publish')}>
            {t('admin.reports.publish')}
          </button>
        </div>
      )}
      {r.status === 'published' && (
        <p>
          <Link href={`/transparency/${encodeURIComponent(service)}/${r.id}`}>{t('admin.reports.publicPage')}</Link>
        </p>
      )}
    </section>
  );
}

export function Reports({ service }: { service: string }) {
  const { t } = useTranslation();
  const base = `/v1/services/${encodeURIComponent(service)}/transparency/reports`;
  const list = useResource<{ items: ReportItem[] }>(base);
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <section aria-labelledby="reports-title">
      <h2 id="reports-title">{t('admin.reports.title')}</h2>
      <p>{t('admin.reports.intro')}</p>
      <ErrorNote error={list.error} />
      {list.data && list.data.items.length === 0 && <p>{t('admin.reports.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table>
          <caption>{t('admin.reports.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.reports.periodColumn')}</th>
              <th scope="col">{t('admin.reports.statusColumn')}</th>
              <th scope="col">{t('admin.reports.publishedColumn')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.reports.open')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((r) => (
              <tr key={r.id}>
                <td>
                  {r.period.start} – {r.period.end} (v{r.version})
                </td>
                <td>{t(`admin.reports.status.${r.status}`)}</td>
                <td>{fmt.dateTime(r.published_at)}</td>
                <td>
                  <button type="button" aria-pressed={selected === r.id} onClick={() => setSelected(r.id)}>
                    {t('admin.reports.open')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <ReportEditor key={selected} base={base} id={selected} service={service} onChange={list.reload} />}
      <CreateReport
        base={base}
        onCreated={(id) => {
          list.reload();
          setSelected(id);
        }}
      />
    </section>
  );
}
