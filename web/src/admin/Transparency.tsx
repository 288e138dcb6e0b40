import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../app/api.ts';
import { fmt } from '../i18n/index.ts';
import { ErrorNote, useResource, useSubmit } from './common.tsx';

interface Submission {
  id: string;
  puid: string;
  status: string;
  attempts: number;
  last_error: string | null;
  submitted_at: string | null;
  created_at: string;
}
const STATUSES = ['', 'pending', 'submitted', 'dead'] as const;

/** DSA Transparency Database submissions: their state, dead letters with the reason, and replay. */
export function Transparency({ service }: { service: string }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<string>('');
  const base = `/v1/services/${encodeURIComponent(service)}/tdb-submissions`;
  const list = useResource<{ items: Submission[] }>(`${base}?limit=50${status ? `&status=${status}` : ''}`);
  const replay = useSubmit();
  return (
    <section aria-labelledby="tdb-title">
      <h2 id="tdb-title">{t('admin.tdb.title')}</h2>
      <p>{t('admin.tdb.intro')}</p>
      <label htmlFor="tdb-status">{t('admin.status')}</label>
      <select id="tdb-status" value={status} onChange={(e) => setStatus(e.target.value)}>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {s ? t(`admin.tdb.statuses.${s}`, { defaultValue: s }) : t('admin.all')}
          </option>
        ))}
      </select>
      <ErrorNote error={list.error ?? replay.error} />
      {list.data && list.data.items.length === 0 && <p>{t('admin.tdb.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table>
          <caption className="visually-hidden">{t('admin.tdb.title')}</caption>
          <thead>
            <tr>
              <th scope="col">PUID</th>
              <th scope="col">{t('admin.status')}</th>
              <th scope="col">{t('admin.tdb.attempts')}</th>
              <th scope="col">{t('admin.tdb.lastError')}</th>
              <th scope="col">{t('admin.tdb.submittedAt')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((s) => (
              <tr key={s.id}>
                <td className="mono">{s.puid}</td>
                <td>{t(`admin.tdb.statuses.${s.status}`, { defaultValue: s.status })}</td>
                <td>{fmt.number(s.attempts)}</td>
                <td>{s.last_error ?? '—'}</td>
                <td>{fmt.dateTime(s.submitted_at)}</td>
                <td>
                  {s.status === 'dead' && (
                    <button
                      type="button"
                      onClick={() =>
                        void replay.run(async () => {
                          await api('POST', `${base}/${s.id}/replay`);
                          list.reload();
                        })
                      }
                    >
                      {t('admin.replay')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
