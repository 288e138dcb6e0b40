/**
 * Orders from authorities (signed in; roles with orders:read): the list with its filters and live deadlines,
 * registering an order received by another channel, the authorities, and one order with its actions. A lazy chunk.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Redirect, useRoute } from 'wouter';
import { api, ApiError } from '../app/api.ts';
import { ServicePicker } from '../app/ServicePicker.tsx';
import { useSession } from '../app/session.tsx';
import { ErrorNote } from '../admin/common.tsx';
import { fmt } from '../i18n/index.ts';
import { Authorities } from './Authorities.tsx';
import { base, Deadline, ORDER_STATUSES, ORDER_TYPES, type OrderView, roleCan } from './common.tsx';
import { OrderPage } from './OrderPage.tsx';
import { RegisterOrder } from './RegisterOrder.tsx';

const SERVICE_KEY = 'vigie.orders.service';
const TABS = ['list', 'register', 'authorities'] as const;
type Tab = (typeof TABS)[number];

function OrderList({ service }: { service: string }) {
  const { t } = useTranslation();
  const [filters, setFilters] = useState({ status: '', type: '', overdue: '' });
  const [items, setItems] = useState<OrderView[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(
    async (after: string | null) => {
      const qs = new URLSearchParams({ limit: '50' });
      for (const [k, v] of Object.entries(filters)) if (v) qs.set(k, v);
      if (after) qs.set('cursor', after);
      try {
        const r = await api<{ items: OrderView[]; next_cursor: string | null }>('GET', `${base(service)}/orders?${qs}`);
        setItems((prev) => (after ? [...(prev ?? []), ...r.items] : r.items));
        setCursor(r.next_cursor);
        setError(null);
      } catch (e) {
        setError(e instanceof ApiError ? e : new ApiError(0, 'NETWORK', 'network'));
      }
    },
    [service, filters],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

  const select = (name: keyof typeof filters, label: string, options: Array<[string, string]>) => (
    <div>
      <label htmlFor={`orders-filter-${name}`}>{label}</label>
      <select id={`orders-filter-${name}`} value={filters[name]} onChange={(e) => setFilters({ ...filters, [name]: e.target.value })}>
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <section aria-labelledby="orders-list-title">
      <h2 id="orders-list-title">{t('orders.list.title')}</h2>
      <div className="filters" role="group" aria-label={t('orders.list.filters')}>
        {select('status', t('orders.fields.status'), [['', t('orders.list.any')], ...ORDER_STATUSES.map((s): [string, string] => [s, t(`orders.status.${s}`)])])}
        {select('type', t('orders.fields.type'), [['', t('orders.list.any')], ...ORDER_TYPES.map((s): [string, string] => [s, t(`orders.types.${s}`)])])}
        {select('overdue', t('orders.list.overdue'), [
          ['', t('orders.list.any')],
          ['true', t('orders.list.overdueOnly')],
          ['false', t('orders.list.notOverdue')],
        ])}
      </div>
      <ErrorNote error={error} />
      {items === null ? (
        error ? null : (
          <p aria-busy="true">…</p>
        )
      ) : items.length === 0 ? (
        <p>{t('orders.list.none')}</p>
      ) : (
        <table>
          <caption className="visually-hidden">{t('orders.list.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('orders.fields.reference')}</th>
              <th scope="col">{t('orders.fields.authority')}</th>
              <th scope="col">{t('orders.fields.type')}</th>
              <th scope="col">{t('orders.fields.memberState')}</th>
              <th scope="col">{t('orders.fields.deadline')}</th>
              <th scope="col">{t('orders.fields.status')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.id}>
                <th scope="row">
                  <Link href={`/orders/${encodeURIComponent(service)}/${o.id}`} className="mono">
                    {o.reference}
                  </Link>
                </th>
                <td>{o.authority.name}</td>
                <td>{t(`orders.types.${o.type}`, { defaultValue: o.type })}</td>
                <td>
                  <abbr title={fmt.region(o.issuing_member_state)}>{o.issuing_member_state}</abbr>
                </td>
                <td>
                  <Deadline order={o} />
                </td>
                <td>
                  {t(`orders.status.${o.status}`, { defaultValue: o.status })}
                  {o.contested ? <span className="badge"> {t('orders.contestedBadge')}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor ? (
        <button type="button" onClick={() => void load(cursor)}>
          {t('orders.list.more')}
        </button>
      ) : null}
    </section>
  );
}

function OrdersHome({ services }: { services: Array<{ slug: string; role: string | null; name: string; id: string }> }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const [chosen, setChosen] = useState<string | null>(() => {
    try {
      return localStorage.getItem(SERVICE_KEY);
    } catch {
      return null;
    }
  });
  const [tab, setTab] = useState<Tab>('list');
  const current = services.find((s) => s.slug === chosen) ?? services[0];
  const choose = (slug: string) => {
    setChosen(slug);
    try {
      localStorage.setItem(SERVICE_KEY, slug);
    } catch {
      // not remembered
    }
  };
  const tabs = TABS.filter((x) => x !== 'register' || roleCan(current?.role, 'orders:manage'));
  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        {t('orders.title')}
      </h1>
      <p>{t('orders.intro')}</p>
      {current === undefined ? (
        <p>{t('orders.forbidden')}</p>
      ) : (
        <>
          <div className="inline-form">
            <ServicePicker id="orders-service" services={services} value={current.slug} onChange={choose} />
          </div>
          <nav aria-label={t('orders.sections')} className="tabs">
            <ul>
              {tabs.map((x) => (
                <li key={x}>
                  <button type="button" aria-current={tab === x ? 'page' : undefined} onClick={() => setTab(x)}>
                    {t(`orders.tabs.${x}`)}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          {tab === 'list' && <OrderList key={current.slug} service={current.slug} />}
          {tab === 'register' && roleCan(current.role, 'orders:manage') && <RegisterOrder key={current.slug} service={current.slug} />}
          {tab === 'authorities' && <Authorities key={current.slug} service={current.slug} canManage={roleCan(current.role, 'authorities:manage')} />}
        </>
      )}
    </section>
  );
}

export default function Orders() {
  const session = useSession();
  const [detail, params] = useRoute<{ service: string; id: string }>('/orders/:service/:id');
  if (session.status === 'loading') return <p aria-busy="true">…</p>;
  if (session.status === 'signed-out') return <Redirect to="/login" />;
  const services = session.services.filter((s) => roleCan(s.role, 'orders:read'));
  if (detail) {
    const role = services.find((s) => s.slug === params.service)?.role ?? null;
    return <OrderPage key={`${params.service}/${params.id}`} service={params.service} id={params.id} role={role} />;
  }
  return <OrdersHome services={services} />;
}
