/** Registering an order that arrived by another channel (post, email, a national system): POST …/orders/register. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../app/api.ts';
import { ErrorNote, Field, useResource, useSubmit } from '../admin/common.tsx';
import { type Authority, base, describedBy, localToIso, MemberStateOptions, NOT_SPECIFIED_ORDER, ORDER_CATEGORIES, ORDER_TYPES, type OrderDetail } from './common.tsx';

/** One item per line: a URL, else a content id (orders to act) or an account (orders to provide information). */
function parseItems(text: string, information: boolean, requested: string) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const item: Record<string, string> = /^https?:\/\//i.test(l) ? { url: l } : information ? { account_ref: l } : { content_id: l };
      if (information && requested.trim()) item.information_requested = requested.trim();
      return item;
    });
}

export function RegisterOrder({ service }: { service: string }) {
  const { t } = useTranslation();
  const authorities = useResource<{ items: Authority[] }>(`${base(service)}/authorities`);
  const form = useSubmit();
  const empty = { authority_id: '', type: 'removal_order', reference: '', issuing_member_state: '', category: NOT_SPECIFIED_ORDER, legal_basis: '', statement_of_reasons: '', items: '', requested: '', received_at: '', deadline_at: '' };
  const [f, setF] = useState(empty);
  const [created, setCreated] = useState<OrderDetail | null>(null);
  const set = (k: keyof typeof empty) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const information = f.type === 'order_to_provide_information';
  const active = (authorities.data?.items ?? []).filter((a) => !a.disabled);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    const authority = active.find((a) => a.id === f.authority_id);
    const body = {
      authority_id: f.authority_id,
      type: f.type,
      reference: f.reference,
      issuing_member_state: f.issuing_member_state || authority?.member_state || '',
      category: f.category,
      legal_basis: f.legal_basis,
      ...(f.statement_of_reasons.trim() ? { statement_of_reasons: f.statement_of_reasons } : {}),
      items: parseItems(f.items, information, f.requested),
      ...(f.received_at ? { received_at: localToIso(f.received_at) } : {}),
      ...(f.deadline_at && f.type !== 'removal_order' ? { deadline_at: localToIso(f.deadline_at) } : {}),
    };
    const r = await form.run(() => api<OrderDetail>('POST', `${base(service)}/orders/register`, body));
    if (r) {
      setCreated(r);
      setF(empty);
    }
  };
  const err = (k: string) => form.error?.field(k);
  const itemsErr = form.error?.fields.find((x) => x.path.startsWith('body.items'))?.reason;

  return (
    <section aria-labelledby="register-title">
      <h2 id="register-title">{t('orders.register.title')}</h2>
      <p>{t('orders.register.intro')}</p>
      <ErrorNote error={authorities.error} />
      <form onSubmit={(e) => void submit(e)} noValidate className="panel">
        <ErrorNote error={form.error} />
        <Field id="reg-authority" label={t('orders.fields.authority')} error={err('authority_id')}>
          <select id="reg-authority" value={f.authority_id} onChange={set('authority_id')} {...describedBy('reg-authority', { error: err('authority_id') })}>
            <option value="">{t('orders.register.chooseAuthority')}</option>
            {active.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name} ({a.member_state})
              </option>
            ))}
          </select>
        </Field>
        <Field id="reg-type" label={t('orders.fields.type')} error={err('type')}>
          <select id="reg-type" value={f.type} onChange={set('type')} {...describedBy('reg-type', { error: err('type') })}>
            {ORDER_TYPES.map((x) => (
              <option key={x} value={x}>
                {t(`orders.types.${x}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="reg-reference" label={t('orders.fields.reference')} error={err('reference')}>
          <input id="reg-reference" value={f.reference} onChange={set('reference')} {...describedBy('reg-reference', { error: err('reference') })} />
        </Field>
        <Field id="reg-state" label={t('orders.fields.memberState')} hint={t('orders.register.stateHint')} error={err('issuing_member_state')}>
          <select id="reg-state" value={f.issuing_member_state} onChange={set('issuing_member_state')} {...describedBy('reg-state', { hint: true, error: err('issuing_member_state') })}>
            <option value="">{t('orders.register.authorityState')}</option>
            <MemberStateOptions />
          </select>
        </Field>
        <Field id="reg-category" label={t('orders.fields.category')} error={err('category')}>
          <select id="reg-category" value={f.category} onChange={set('category')} {...describedBy('reg-category', { error: err('category') })}>
            {ORDER_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c === NOT_SPECIFIED_ORDER ? t('orders.notSpecified') : t(`public.enums.tdb.${c}`, { defaultValue: c })}
              </option>
            ))}
          </select>
        </Field>
        <Field id="reg-legal" label={t('orders.fields.legalBasis')} error={err('legal_basis')}>
          <input id="reg-legal" value={f.legal_basis} onChange={set('legal_basis')} {...describedBy('reg-legal', { error: err('legal_basis') })} />
        </Field>
        <Field id="reg-reasons" label={t('orders.fields.statementOfReasons')} error={err('statement_of_reasons')}>
          <textarea id="reg-reasons" rows={3} value={f.statement_of_reasons} onChange={set('statement_of_reasons')} {...describedBy('reg-reasons', { error: err('statement_of_reasons') })} />
        </Field>
        <Field id="reg-items" label={t('orders.register.items')} hint={t(information ? 'orders.register.itemsInfoHint' : 'orders.register.itemsHint')} error={itemsErr}>
          <textarea id="reg-items" rows={3} value={f.items} onChange={set('items')} {...describedBy('reg-items', { hint: true, error: itemsErr })} />
        </Field>
        {information && (
          <Field id="reg-requested" label={t('orders.register.requested')}>
            <textarea id="reg-requested" rows={2} value={f.requested} onChange={set('requested')} />
          </Field>
        )}
        <Field id="reg-received" label={t('orders.register.receivedAt')} hint={t('orders.register.receivedHint')} error={err('received_at')}>
          <input id="reg-received" type="datetime-local" value={f.received_at} onChange={set('received_at')} {...describedBy('reg-received', { hint: true, error: err('received_at') })} />
        </Field>
        {f.type !== 'removal_order' && (
          <Field id="reg-deadline" label={t('orders.register.deadlineAt')} hint={t('orders.register.deadlineHint')} error={err('deadline_at')}>
            <input id="reg-deadline" type="datetime-local" value={f.deadline_at} onChange={set('deadline_at')} {...describedBy('reg-deadline', { hint: true, error: err('deadline_at') })} />
          </Field>
        )}
        <button type="submit" className="primary" disabled={form.busy}>
          {t('orders.register.submit')}
        </button>
      </form>
      <div role="status">
        {created ? (
          <p className="ok">
            {t('orders.register.done', { reference: created.reference })} <Link href={`/orders/${encodeURIComponent(service)}/${created.id}`}>{t('orders.register.open')}</Link>
          </p>
        ) : null}
      </div>
    </section>
  );
}
