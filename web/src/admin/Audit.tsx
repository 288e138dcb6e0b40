import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../app/api.ts';
import { fmt } from '../i18n/index.ts';
import { ErrorNote, Field, useResource, useSubmit } from './common.tsx';

interface AuditEvent {
  id: number;
  occurred_at: string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  subject_type: string;
  subject_id: string;
  sealed_seq: number | null;
}
interface Verification {
  ok: boolean;
  witnessed: boolean;
  services: Array<{ slug: string; sealed: number; pending: number; headSeq: number; problems: Array<{ seq: number | null; problem: string }> }>;
}

/** The audit log: search by action or subject, and the hash chain's verification. */
export function Audit({ service }: { service: string }) {
  const { t } = useTranslation();
  const base = `/v1/services/${encodeURIComponent(service)}/audit`;
  const [filters, setFilters] = useState({ action: '', subject_type: '', subject_id: '' });
  const [query, setQuery] = useState('');
  const list = useResource<{ items: AuditEvent[]; next_cursor: string | null }>(`${base}?limit=50${query}`);
  const verify = useSubmit();
  const [report, setReport] = useState<Verification | null>(null);

  function search(e: FormEvent) {
    e.preventDefault();
    const q = Object.entries(filters)
      .filter(([, v]) => v.trim() !== '')
      .map(([k, v]) => `&${k}=${encodeURIComponent(v.trim())}`)
      .join('');
    setQuery(q);
  }

  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">{t('admin.audit.title')}</h2>
      <div className="panel">
        <button
          type="button"
          onClick={() =>
            void verify.run(async () => {
              setReport(await api<Verification>('GET', `${base}/verify`));
            })
          }
          disabled={verify.busy}
        >
          {t('admin.audit.verify')}
        </button>
        <ErrorNote error={verify.error} />
        {report && (
          <p role="status" className={report.ok ? 'ok' : 'error'}>
            {report.ok
              ? t('admin.audit.verified', { sealed: fmt.number(report.services[0]?.sealed ?? 0), pending: fmt.number(report.services[0]?.pending ?? 0) })
              : t('admin.audit.tampered', { problems: report.services.flatMap((s) => s.problems.map((p) => p.problem)).join('; ') })}
          </p>
        )}
      </div>
      <form onSubmit={search} className="inline-form">
        <Field id="audit-action" label={t('admin.audit.action')} hint={t('admin.audit.actionHint')}>
          <input id="audit-action" aria-describedby="audit-action-hint" value={filters.action} onChange={(e) => setFilters({ ...filters, action: e.target.value })} />
        </Field>
        <Field id="audit-subject-type" label={t('admin.audit.subjectType')}>
          <input id="audit-subject-type" value={filters.subject_type} onChange={(e) => setFilters({ ...filters, subject_type: e.target.value })} />
        </Field>
        <Field id="audit-subject-id" label={t('admin.audit.subjectId')}>
          <input id="audit-subject-id" value={filters.subject_id} onChange={(e) => setFilters({ ...filters, subject_id: e.target.value })} />
        </Field>
        <button type="submit">{t('admin.audit.search')}</button>
      </form>
      <ErrorNote error={list.error} />
      {list.data && (
        <table>
          <caption className="visually-hidden">{t('admin.audit.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.audit.when')}</th>
              <th scope="col">{t('admin.audit.action')}</th>
              <th scope="col">{t('admin.audit.subject')}</th>
              <th scope="col">{t('admin.audit.actor')}</th>
              <th scope="col">{t('admin.audit.sealed')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((ev) => (
              <tr key={ev.id}>
                <td>{fmt.dateTime(ev.occurred_at)}</td>
                <td className="mono">{ev.action}</td>
                <td className="mono">
                  {ev.subject_type} {ev.subject_id}
                </td>
                <td>{ev.actor_type === 'system' ? t('admin.audit.system') : `${ev.actor_type} ${ev.actor_id ?? ''}`}</td>
                <td>{ev.sealed_seq === null ? t('admin.audit.pending') : `#${ev.sealed_seq}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
