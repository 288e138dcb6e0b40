/**
 * One order: what the authority asked and why, its items (text only: never fetched), the messages sent back to
 * the authority, a link to its case in the workspace, and the actions of orders:manage roles — acknowledge,
 * give effect (naming decisions already taken on its case), declare impossibility, contest.
 */
import { Fragment, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../app/api.ts';
import { ErrorNote, Field, useResource, useSubmit } from '../admin/common.tsx';
import { fmt } from '../i18n/index.ts';
import { base, Deadline, describedBy, IMPOSSIBILITY_REASONS, isOpen, type OrderDetail, type OrderMessage, roleCan } from './common.tsx';

/** The workspace remembers its service here (web/src/workspace/Workspace.tsx): the case link opens the right one. */
const WORKSPACE_SERVICE_KEY = 'vigie.workspace.service';

interface CaseDecision {
  id: string;
  outcome: string;
  superseded_by: string | null;
  decided_at: string;
  approved_by: string | null;
}

function Facts({ items }: { items: Array<[string, ReactNode]> }) {
  return (
    <dl className="facts">
      {items.map(([label, value]) => (
        <Fragment key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** What a message to the authority said, in a line. */
function messageText(m: OrderMessage): string {
  const b = m.body;
  const pick = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : '');
  return pick('description') || pick('explanation') || pick('grounds') || pick('text');
}

type Done = (message: string, order: OrderDetail) => void;

function Acknowledge({ service, order, onDone }: { service: string; order: OrderDetail; onDone: Done }) {
  const { t } = useTranslation();
  const form = useSubmit();
  const submit = async () => {
    const r = await form.run(() => api<OrderDetail>('POST', `${base(service)}/orders/${order.id}/acknowledge`, {}));
    if (r) onDone(t('orders.actions.acknowledged'), r);
  };
  return (
    <div className="panel">
      <h3>{t('orders.actions.acknowledgeTitle')}</h3>
      <p>{t('orders.actions.acknowledgeHint')}</p>
      <ErrorNote error={form.error} />
      <button type="button" className="primary" disabled={form.busy} onClick={() => void submit()}>
        {t('orders.actions.acknowledge')}
      </button>
    </div>
  );
}

function GiveEffect({ service, order, onDone }: { service: string; order: OrderDetail; onDone: Done }) {
  const { t } = useTranslation();
  const form = useSubmit();
  const information = order.type === 'order_to_provide_information';
  const decisions = useResource<{ items: CaseDecision[] }>(!information && order.case_id ? `${base(service)}/cases/${order.case_id}/decisions` : null);
  const usable = (decisions.data?.items ?? []).filter((d) => d.superseded_by === null);
  const [description, setDescription] = useState('');
  const [picked, setPicked] = useState<string[] | null>(null);
  // Restrictions in force are picked by default; the person may change the choice.
  const chosen = picked ?? usable.filter((d) => d.outcome === 'restriction').map((d) => d.id);
  const toggle = (id: string, on: boolean) => setPicked(on ? [...chosen, id] : chosen.filter((x) => x !== id));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { description, ...(chosen.length > 0 ? { decision_ids: chosen } : {}) };
    const r = await form.run(() => api<OrderDetail>('POST', `${base(service)}/orders/${order.id}/effect`, body));
    if (r) onDone(t('orders.actions.effectGiven'), r);
  };
  const err = form.error?.field('description');
  const decisionsErr = form.error?.fields.find((f) => f.path.startsWith('body.decision'))?.reason;
  return (
    <form className="panel" onSubmit={(e) => void submit(e)} noValidate>
      <h3>{t('orders.actions.effectTitle')}</h3>
      <p className="hint">{t(information ? 'orders.actions.effectInfoHint' : 'orders.actions.effectHint')}</p>
      <ErrorNote error={form.error} />
      {!information && (
        <fieldset aria-describedby={decisionsErr ? 'effect-decisions-error' : undefined}>
          <legend>{t('orders.actions.decisions')}</legend>
          {decisions.error ? <ErrorNote error={decisions.error} /> : null}
          {decisions.data && usable.length === 0 ? <p>{t('orders.actions.noDecision')}</p> : null}
          {usable.map((d) => (
            <div className="check" key={d.id}>
              <input type="checkbox" id={`effect-d-${d.id}`} checked={chosen.includes(d.id)} onChange={(e) => toggle(d.id, e.target.checked)} />
              <label htmlFor={`effect-d-${d.id}`}>
                {t('orders.actions.decisionLabel', { outcome: t(`workspace.decision.outcomes.${d.outcome}`, { defaultValue: d.outcome }), when: fmt.dateTime(d.decided_at) })}
              </label>
            </div>
          ))}
          {decisionsErr ? (
            <span className="field-error" id="effect-decisions-error">
              {decisionsErr}
            </span>
          ) : null}
        </fieldset>
      )}
      <Field id="effect-description" label={t(information ? 'orders.actions.informationProvided' : 'orders.actions.description')} hint={t('orders.actions.descriptionHint')} error={err}>
        <textarea id="effect-description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} {...describedBy('effect-description', { hint: true, error: err })} />
      </Field>
      <button type="submit" className="primary" disabled={form.busy}>
        {t('orders.actions.giveEffect')}
      </button>
    </form>
  );
}

function Impossibility({ service, order, onDone }: { service: string; order: OrderDetail; onDone: Done }) {
  const { t } = useTranslation();
  const form = useSubmit();
  const [reason, setReason] = useState<string>(IMPOSSIBILITY_REASONS[0]);
  const [explanation, setExplanation] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await form.run(() => api<OrderDetail>('POST', `${base(service)}/orders/${order.id}/impossibility`, { reason, explanation }));
    if (r) onDone(t('orders.actions.impossibleDone'), r);
  };
  const reasonErr = form.error?.field('reason');
  const explErr = form.error?.field('explanation');
  return (
    <details className="panel">
      <summary>{t('orders.actions.impossibilityTitle')}</summary>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorNote error={form.error} />
        <Field id="imp-reason" label={t('orders.actions.reason')} error={reasonErr}>
          <select id="imp-reason" value={reason} onChange={(e) => setReason(e.target.value)} {...describedBy('imp-reason', { error: reasonErr })}>
            {IMPOSSIBILITY_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`orders.reasons.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="imp-explanation" label={t('orders.actions.explanation')} hint={t('orders.actions.explanationHint')} error={explErr}>
          <textarea id="imp-explanation" rows={3} value={explanation} onChange={(e) => setExplanation(e.target.value)} {...describedBy('imp-explanation', { hint: true, error: explErr })} />
        </Field>
        <button type="submit" disabled={form.busy}>
          {t('orders.actions.declareImpossible')}
        </button>
      </form>
    </details>
  );
}

function Contest({ service, order, onDone }: { service: string; order: OrderDetail; onDone: Done }) {
  const { t } = useTranslation();
  const form = useSubmit();
  const [grounds, setGrounds] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await form.run(() => api<OrderDetail>('POST', `${base(service)}/orders/${order.id}/contest`, { grounds }));
    if (r) onDone(t('orders.actions.contestedDone'), r);
  };
  const err = form.error?.field('grounds');
  return (
    <details className="panel">
      <summary>{t('orders.actions.contestTitle')}</summary>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <ErrorNote error={form.error} />
        <Field id="contest-grounds" label={t('orders.actions.grounds')} hint={t('orders.actions.groundsHint')} error={err}>
          <textarea id="contest-grounds" rows={3} value={grounds} onChange={(e) => setGrounds(e.target.value)} {...describedBy('contest-grounds', { hint: true, error: err })} />
        </Field>
        <button type="submit" disabled={form.busy}>
          {t('orders.actions.contest')}
        </button>
      </form>
    </details>
  );
}

export function OrderPage({ service, id, role }: { service: string; id: string; role: string | null }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  const loaded = useResource<OrderDetail>(`${base(service)}/orders/${encodeURIComponent(id)}`);
  const [fresh, setFresh] = useState<OrderDetail | null>(null);
  const [status, setStatus] = useState('');
  useEffect(() => heading.current?.focus(), []);
  const o = fresh ?? loaded.data;
  const manage = roleCan(role, 'orders:manage');
  const done: Done = (message, order) => {
    setFresh(order);
    setStatus(message);
  };
  const yesNo = (v: boolean) => t(v ? 'orders.yes' : 'orders.no');

  return (
    <section>
      <p>
        <Link href="/orders">{t('orders.back')}</Link>
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {o ? t('orders.detail.title', { reference: o.reference }) : t('orders.detail.loading')}
      </h1>
      <ErrorNote error={loaded.error} />
      <p role="status" className="ok">
        {status}
      </p>
      {o === null ? (
        loaded.error ? null : (
          <p aria-busy="true">…</p>
        )
      ) : (
        <>
          <Facts
            items={[
              [t('orders.fields.authority'), o.authority.name],
              [t('orders.fields.type'), t(`orders.types.${o.type}`, { defaultValue: o.type })],
              [t('orders.fields.memberState'), `${fmt.region(o.issuing_member_state)} (${o.issuing_member_state})`],
              [t('orders.fields.reference'), <span className="mono">{o.reference}</span>],
              [t('orders.fields.status'), t(`orders.status.${o.status}`, { defaultValue: o.status })],
              [t('orders.fields.received'), fmt.dateTime(o.received_at)],
              [t('orders.fields.deadline'), <Deadline order={o} />],
              [t('orders.fields.acknowledged'), fmt.dateTime(o.acknowledged_at)],
              [t('orders.fields.channel'), t(`orders.channels.${o.channel}`, { defaultValue: o.channel })],
              [t('orders.fields.category'), o.category === 'STATEMENT_CATEGORY_NOT_SPECIFIED_ORDER' ? t('orders.notSpecified') : t(`public.enums.tdb.${o.category}`, { defaultValue: o.category })],
              [t('orders.fields.crossBorder'), yesNo(o.cross_border)],
              [t('orders.fields.contested'), o.contest ? t('orders.detail.contestedOn', { date: fmt.dateTime(o.contest.at) }) : yesNo(o.contested)],
              [t('orders.fields.territorialScope'), o.territorial_scope?.join(', ') ?? t('orders.detail.noScope')],
              [
                t('orders.fields.case'),
                o.case_id ? (
                  <Link
                    href={`/console/cases/${o.case_id}`}
                    onClick={() => {
                      try {
                        localStorage.setItem(WORKSPACE_SERVICE_KEY, service);
                      } catch {
                        // the workspace opens its default service
                      }
                    }}
                  >
                    {t('orders.detail.openCase')}
                  </Link>
                ) : (
                  '—'
                ),
              ],
            ]}
          />
          <h2>{t('orders.fields.legalBasis')}</h2>
          <p className="pre-wrap">{o.legal_basis}</p>
          <h2>{t('orders.fields.statementOfReasons')}</h2>
          <p className="pre-wrap">{o.statement_of_reasons ?? t('orders.detail.none')}</p>
          {o.contest ? (
            <>
              <h2>{t('orders.detail.contestGrounds')}</h2>
              <p className="pre-wrap">{o.contest.grounds}</p>
            </>
          ) : null}
          {o.effect ? (
            <>
              <h2>{t('orders.detail.effect')}</h2>
              <p>{t('orders.detail.effectOn', { date: fmt.dateTime(o.effect.given_at), count: o.effect.decision_ids.length })}</p>
              <p className="pre-wrap">{o.effect.description}</p>
            </>
          ) : null}
          {o.impossibility ? (
            <>
              <h2>{t('orders.detail.impossibility')}</h2>
              <p>
                {t(`orders.reasons.${o.impossibility.reason}`, { defaultValue: o.impossibility.reason })} — {fmt.dateTime(o.impossibility.at)}
              </p>
              <p className="pre-wrap">{o.impossibility.explanation}</p>
            </>
          ) : null}

          <h2 id="order-items">{t('orders.detail.items', { count: o.items.length })}</h2>
          <ol className="items" aria-labelledby="order-items">
            {o.items.map((item, i) => (
              <li key={item.position ?? i}>
                {item.url ? <p className="mono pre-wrap">{item.url}</p> : null}
                {item.content_id ? <p>{t('orders.detail.contentId', { id: item.content_id })}</p> : null}
                {item.account_ref ? <p>{t('orders.detail.account', { ref: item.account_ref })}</p> : null}
                {item.information_requested ? <p className="pre-wrap">{t('orders.detail.informationRequested', { text: item.information_requested })}</p> : null}
              </li>
            ))}
          </ol>

          <h2 id="order-messages">{t('orders.detail.messages')}</h2>
          {o.messages.length === 0 ? (
            <p>{t('orders.detail.noMessages')}</p>
          ) : (
            <ol className="history" aria-labelledby="order-messages">
              {o.messages.map((m) => (
                <li key={m.id}>
                  <time dateTime={m.created_at}>{fmt.dateTime(m.created_at)}</time> — <strong>{t(`orders.messages.${m.kind}`, { defaultValue: m.kind })}</strong>
                  {messageText(m) ? <span className="pre-wrap"> — {messageText(m)}</span> : null}
                </li>
              ))}
            </ol>
          )}

          {manage ? (
            <>
              <h2>{t('orders.actions.title')}</h2>
              {o.status === 'received' && <Acknowledge service={service} order={o} onDone={done} />}
              {o.status === 'acknowledged' && (
                <>
                  <GiveEffect service={service} order={o} onDone={done} />
                  <Impossibility service={service} order={o} onDone={done} />
                </>
              )}
              {!isOpen(o) && <p>{t('orders.actions.closed')}</p>}
              {!o.contested && <Contest service={service} order={o} onDone={done} />}
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
