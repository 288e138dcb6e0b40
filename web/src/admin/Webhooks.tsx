import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../app/api.ts';
import { fmt } from '../i18n/index.ts';
import { ErrorNote, Field, useResource, useSubmit } from './common.tsx';

interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  active: boolean;
  created_at: string;
}
interface Delivery {
  id: string;
  event_type: string;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
}

function Deliveries({ base, endpoint }: { base: string; endpoint: Endpoint }) {
  const { t } = useTranslation();
  const svc = base.replace(/\/webhooks$/, '');
  const list = useResource<{ items: Delivery[] }>(`${base}/${endpoint.id}/deliveries?limit=20`);
  const replay = useSubmit();
  return (
    <div>
      <ErrorNote error={list.error ?? replay.error} />
      {list.data && list.data.items.length === 0 && <p>{t('admin.webhooks.noDeliveries')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table>
          <caption>{t('admin.webhooks.deliveriesOf', { url: endpoint.url })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.webhooks.event')}</th>
              <th scope="col">{t('admin.status')}</th>
              <th scope="col">{t('admin.webhooks.attempts')}</th>
              <th scope="col">{t('admin.webhooks.lastResult')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((d) => (
              <tr key={d.id}>
                <td className="mono">{d.event_type}</td>
                <td>{t(`admin.webhooks.statuses.${d.status}`, { defaultValue: d.status })}</td>
                <td>{fmt.number(d.attempts)}</td>
                <td>{d.last_status_code ?? d.last_error ?? '—'}</td>
                <td>
                  <button
                    type="button"
                    onClick={() =>
                      void replay.run(async () => {
                        await api('POST', `${svc}/webhook-deliveries/${d.id}/replay`);
                        list.reload();
                      })
                    }
                  >
                    {t('admin.replay')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function Webhooks({ service }: { service: string }) {
  const { t } = useTranslation();
  const base = `/v1/services/${encodeURIComponent(service)}/webhooks`;
  const list = useResource<{ items: Endpoint[] }>(base);
  const form = useSubmit();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);

  async function create(e: FormEvent) {
    e.preventDefault();
    const r = await form.run(() => api<Endpoint & { secret: string }>('POST', base, { url, ...(description ? { description } : {}) }));
    if (r) {
      setSecret(r.secret);
      setUrl('');
      setDescription('');
      list.reload();
    }
  }

  return (
    <section aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">{t('admin.webhooks.title')}</h2>
      <ErrorNote error={list.error} />
      {list.data && (
        <ul className="plain">
          {list.data.items.map((w) => (
            <li key={w.id} className="panel">
              <p>
                <span className="mono">{w.url}</span> — {w.active ? t('admin.webhooks.active') : t('admin.webhooks.disabled')}
              </p>
              {w.description && <p>{w.description}</p>}
              <button type="button" aria-expanded={open === w.id} onClick={() => setOpen(open === w.id ? null : w.id)}>
                {t('admin.webhooks.showDeliveries')}
              </button>
              {w.active && (
                <button
                  type="button"
                  onClick={() =>
                    void form.run(async () => {
                      await api('POST', `${base}/${w.id}/disable`);
                      list.reload();
                    })
                  }
                >
                  {t('admin.webhooks.disable')}
                </button>
              )}
              {open === w.id && <Deliveries base={base} endpoint={w} />}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(e) => void create(e)} noValidate className="panel">
        <h3>{t('admin.webhooks.add')}</h3>
        <ErrorNote error={form.error} />
        <Field id="hook-url" label={t('admin.webhooks.url')} hint={t('admin.webhooks.urlHint')} error={form.error?.field('url')}>
          <input id="hook-url" aria-describedby="hook-url-hint" type="url" required value={url} onChange={(e) => setUrl(e.target.value)} />
        </Field>
        <Field id="hook-description" label={t('admin.webhooks.description')}>
          <input id="hook-description" value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        <button type="submit" disabled={form.busy}>
          {t('admin.webhooks.addButton')}
        </button>
      </form>
      {secret && (
        <div className="panel" role="status">
          <p>
            <strong>{t('admin.webhooks.secretOnce')}</strong>
          </p>
          <p className="mono">{secret}</p>
        </div>
      )}
    </section>
  );
}
