/** The authorities registered to send orders (orders:read), and registering one or disabling it (authorities:manage). */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../app/api.ts';
import { ErrorNote, Field, useResource, useSubmit } from '../admin/common.tsx';
import { type Authority, AUTHORITY_KINDS, base, describedBy, MemberStateOptions, ORDER_TYPES } from './common.tsx';

export function Authorities({ service, canManage }: { service: string; canManage: boolean }) {
  const { t } = useTranslation();
  const url = `${base(service)}/authorities`;
  const list = useResource<{ items: Authority[] }>(url);
  const form = useSubmit();
  const toggle = useSubmit();
  const empty = { name: '', member_state: 'FR', kind: 'law_enforcement', contact_email: '', callback_url: '' };
  const [f, setF] = useState(empty);
  const [types, setTypes] = useState<string[]>(['removal_order']);
  const [status, setStatus] = useState('');
  const set = (k: keyof typeof empty) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setStatus('');
    const body = { name: f.name, member_state: f.member_state, kind: f.kind, contact_email: f.contact_email, order_types: types, ...(f.callback_url.trim() ? { callback_url: f.callback_url.trim() } : {}) };
    const r = await form.run(() => api<Authority>('POST', url, body));
    if (r) {
      setStatus(t('orders.authorities.created', { name: r.name }));
      setF(empty);
      list.reload();
    }
  };
  const setDisabled = async (a: Authority, disabled: boolean) => {
    setStatus('');
    const r = await toggle.run(() => api<Authority>('PATCH', `${url}/${a.id}`, { disabled }));
    if (r) {
      setStatus(t(disabled ? 'orders.authorities.disabledDone' : 'orders.authorities.enabledDone', { name: r.name }));
      list.reload();
    }
  };
  const err = (k: string) => form.error?.field(k);
  const typesErr = form.error?.fields.find((x) => x.path.startsWith('body.order_types'))?.reason;

  return (
    <section aria-labelledby="authorities-title">
      <h2 id="authorities-title">{t('orders.authorities.title')}</h2>
      <ErrorNote error={list.error ?? toggle.error} />
      <p role="status" className="ok">
        {status}
      </p>
      {list.data &&
        (list.data.items.length === 0 ? (
          <p>{t('orders.authorities.none')}</p>
        ) : (
          <table>
            <caption className="visually-hidden">{t('orders.authorities.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('orders.authorities.name')}</th>
                <th scope="col">{t('orders.fields.memberState')}</th>
                <th scope="col">{t('orders.authorities.kind')}</th>
                <th scope="col">{t('orders.authorities.types')}</th>
                <th scope="col">{t('orders.authorities.contact')}</th>
                <th scope="col">{t('orders.authorities.state')}</th>
                {canManage ? <th scope="col">{t('orders.authorities.actions')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((a) => (
                <tr key={a.id}>
                  <th scope="row">{a.name}</th>
                  <td>{a.member_state}</td>
                  <td>{t(`orders.kinds.${a.kind}`, { defaultValue: a.kind })}</td>
                  <td>{a.order_types.map((x) => t(`orders.types.${x}`, { defaultValue: x })).join(', ')}</td>
                  <td className="mono">{a.contact_email}</td>
                  <td>{t(a.disabled ? 'orders.authorities.disabled' : 'orders.authorities.enabled')}</td>
                  {canManage ? (
                    <td>
                      <button type="button" disabled={toggle.busy} onClick={() => void setDisabled(a, !a.disabled)}>
                        {t(a.disabled ? 'orders.authorities.enable' : 'orders.authorities.disable', { name: a.name })}
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {canManage ? (
        <form onSubmit={(e) => void create(e)} noValidate className="panel">
          <h3>{t('orders.authorities.create')}</h3>
          <ErrorNote error={form.error} />
          <Field id="auth-name" label={t('orders.authorities.name')} error={err('name')}>
            <input id="auth-name" value={f.name} onChange={set('name')} {...describedBy('auth-name', { error: err('name') })} />
          </Field>
          <Field id="auth-state" label={t('orders.fields.memberState')} error={err('member_state')}>
            <select id="auth-state" value={f.member_state} onChange={set('member_state')} {...describedBy('auth-state', { error: err('member_state') })}>
              <MemberStateOptions />
            </select>
          </Field>
          <Field id="auth-kind" label={t('orders.authorities.kind')} error={err('kind')}>
            <select id="auth-kind" value={f.kind} onChange={set('kind')} {...describedBy('auth-kind', { error: err('kind') })}>
              {AUTHORITY_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`orders.kinds.${k}`)}
                </option>
              ))}
            </select>
          </Field>
          <fieldset aria-describedby={typesErr ? 'auth-types-error' : undefined}>
            <legend>{t('orders.authorities.types')}</legend>
            {ORDER_TYPES.map((x) => (
              <div className="check" key={x}>
                <input type="checkbox" id={`auth-type-${x}`} checked={types.includes(x)} onChange={(e) => setTypes(e.target.checked ? [...types, x] : types.filter((y) => y !== x))} />
                <label htmlFor={`auth-type-${x}`}>{t(`orders.types.${x}`)}</label>
              </div>
            ))}
            {typesErr ? (
              <span className="field-error" id="auth-types-error">
                {typesErr}
              </span>
            ) : null}
          </fieldset>
          <Field id="auth-email" label={t('orders.authorities.contact')} error={err('contact_email')}>
            <input id="auth-email" type="email" value={f.contact_email} onChange={set('contact_email')} {...describedBy('auth-email', { error: err('contact_email') })} />
          </Field>
          <Field id="auth-callback" label={t('orders.authorities.callback')} hint={t('orders.authorities.callbackHint')} error={err('callback_url')}>
            <input id="auth-callback" type="url" value={f.callback_url} onChange={set('callback_url')} {...describedBy('auth-callback', { hint: true, error: err('callback_url') })} />
          </Field>
          <button type="submit" className="primary" disabled={form.busy}>
            {t('orders.authorities.createButton')}
          </button>
        </form>
      ) : null}
    </section>
  );
}
