/**
 * Notifiers of a service (docs/notifiers.md): the list (trusted / suspended / kind, keyset pages), one notifier's
 * statistics and the decisions about it, trusted-flagger status with its expertise and designation (DSA Art. 22),
 * warnings, suspensions and lifts (Art. 23(2)), organisations and their API keys, and the suspension threshold.
 */
import { type FormEvent, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api.ts';
import { fmt } from '../../i18n/index.ts';
import { ErrorNote, Field, useResource, useSubmit } from '../common.tsx';
import { Detail } from './Detail.tsx';
import { PolicyForm, Register } from './Register.tsx';
import { StatusText, TrustText, useNotifierName } from './parts.tsx';
import { type Key, type Notifier, notifyingKeys, type Page, PAGE } from './types.ts';

/** A filter of the list: any, yes or no. */
type Tri = '' | 'true' | 'false';

export function Notifiers({ service }: { service: string }) {
  const { t } = useTranslation();
  const name = useNotifierName();
  const base = `/v1/services/${encodeURIComponent(service)}/notifiers`;
  const [filters, setFilters] = useState<{ trusted: Tri; suspended: Tri; kind: '' | 'api_key' | 'email' }>({ trusted: '', suspended: '', kind: '' });
  const [applied, setApplied] = useState(filters);
  const query = Object.entries(applied)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `&${k}=${v}`)
    .join('');
  const listUrl = `${base}?limit=${PAGE}${query}`;
  const first = useResource<Page<Notifier>>(listUrl);
  const [more, setMore] = useState<{ url: string; items: Notifier[]; next: string | null } | null>(null);
  const moreLoad = useSubmit();
  const keysRes = useResource<{ items: Key[] }>(`/v1/services/${encodeURIComponent(service)}/api-keys`);
  const keys = notifyingKeys(keysRes.data?.items);
  const [open, setOpen] = useState<string | null>(null);
  const { reload } = first;

  // Extra pages belong to the first page they followed: a new filter or a reload starts again.
  const extra = more && more.url === listUrl && first.data ? more : null;
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const next = extra ? extra.next : (first.data?.next_cursor ?? null);

  async function loadMore() {
    if (!next) return;
    const p = await moreLoad.run(() => api<Page<Notifier>>('GET', `${listUrl}&cursor=${encodeURIComponent(next)}`));
    if (p) setMore({ url: listUrl, items: [...(extra?.items ?? []), ...p.items], next: p.next_cursor });
  }
  const changed = useCallback(() => {
    setMore(null);
    reload();
  }, [reload]);

  function filter(e: FormEvent) {
    e.preventDefault();
    setMore(null);
    setApplied(filters);
  }
  const tri = (id: 'trusted' | 'suspended', label: string) => (
    <Field id={`nf-filter-${id}`} label={label}>
      <select id={`nf-filter-${id}`} value={filters[id]} onChange={(e) => setFilters({ ...filters, [id]: e.target.value as Tri })}>
        <option value="">{t('admin.notifiers.filters.any')}</option>
        <option value="true">{t('admin.notifiers.filters.yes')}</option>
        <option value="false">{t('admin.notifiers.filters.no')}</option>
      </select>
    </Field>
  );

  return (
    <section aria-labelledby="notifiers-title">
      <h2 id="notifiers-title">{t('admin.notifiers.title')}</h2>
      <p className="hint">{t('admin.notifiers.intro')}</p>
      <form onSubmit={filter} className="inline-form" aria-label={t('admin.notifiers.filters.legend')}>
        {tri('trusted', t('admin.notifiers.filters.trusted'))}
        {tri('suspended', t('admin.notifiers.filters.suspended'))}
        <Field id="nf-filter-kind" label={t('admin.notifiers.filters.kind')}>
          <select id="nf-filter-kind" value={filters.kind} onChange={(e) => setFilters({ ...filters, kind: e.target.value as '' | 'api_key' | 'email' })}>
            <option value="">{t('admin.notifiers.filters.any')}</option>
            <option value="api_key">{t('admin.notifiers.kinds.api_key')}</option>
            <option value="email">{t('admin.notifiers.kinds.email')}</option>
          </select>
        </Field>
        <button type="submit">{t('admin.notifiers.filters.apply')}</button>
      </form>
      <ErrorNote error={first.error ?? moreLoad.error} />
      {first.data && items.length === 0 && <p>{t('admin.notifiers.none')}</p>}
      {items.length > 0 && (
        <table>
          <caption className="visually-hidden">{t('admin.notifiers.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.notifiers.columns.name')}</th>
              <th scope="col">{t('admin.notifiers.columns.kind')}</th>
              <th scope="col">{t('admin.notifiers.columns.trusted')}</th>
              <th scope="col">{t('admin.notifiers.columns.status')}</th>
              <th scope="col">{t('admin.notifiers.columns.notices')}</th>
              <th scope="col">{t('admin.notifiers.columns.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((n) => (
              <tr key={n.id}>
                <td>
                  {name(n)}
                  <span className="hint mono">{n.id.slice(0, 8)}</span>
                </td>
                <td>{t(`admin.notifiers.kinds.${n.kind}`)}</td>
                <td>
                  <TrustText n={n} />
                </td>
                <td>
                  <StatusText n={n} />
                </td>
                <td className="count">{fmt.number(n.notices_total)}</td>
                <td>
                  <button type="button" aria-expanded={open === n.id} aria-controls={open === n.id ? 'nf-detail' : undefined} onClick={() => setOpen(open === n.id ? null : n.id)}>
                    {t('admin.notifiers.details')}
                    <span className="visually-hidden"> — {name(n)} {n.id.slice(0, 8)}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" onClick={() => void loadMore()} disabled={moreLoad.busy}>
          {t('admin.notifiers.more')}
        </button>
      )}
      <div id="nf-detail">{open && <Detail key={open} service={service} id={open} keys={keys} onChanged={changed} onClose={() => setOpen(null)} />}</div>
      <Register
        base={base}
        keys={keys}
        onRegistered={(n) => {
          changed();
          keysRes.reload();
          setOpen(n.id);
        }}
      />
      <PolicyForm service={service} />
    </section>
  );
}
