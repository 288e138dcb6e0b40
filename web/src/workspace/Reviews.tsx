/**
 * Second looks: the appeals queue (DSA Art. 20: a person other than the decider upholds or reverses) and the
 * decisions held for four-eyes approval. Both show the contested or proposed decision before the choice.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, ApiError } from '../app/api.ts';
import { currentLocale, fmt } from '../i18n/index.ts';
import { base, useFocusHeading, useService } from './shared.tsx';
import type { Rendered } from './types.ts';
import { useResource } from '../app/useResource.ts';

interface Appeal {
  id: string;
  decision_id: string;
  appellant: 'affected_user' | 'notifier';
  explanation: string;
  status: string;
  outcome: string | null;
  reason: string | null;
  created_at: string;
  decided_at: string | null;
}
interface Decision {
  id: string;
  case_id: string;
  outcome: string;
  decided_at: string;
  statement: { puid: string; text: Rendered } | null;
}
interface Proposal {
  id: string;
  case_id: string;
  status: string;
  rules: string[];
  proposed_at: string;
  decision: Record<string, unknown>;
}

function StatementView({ statement }: { statement: Rendered }) {
  return (
    <article lang={statement.locale} className="statement">
      <h3>{statement.title}</h3>
      {statement.sections.map((s) => (
        <section key={s.heading}>
          <h4>{s.heading}</h4>
          <p className="prewrap">{s.text}</p>
        </section>
      ))}
    </article>
  );
}

export function AppealsList() {
  const { t } = useTranslation();
  const service = useService();
  const heading = useFocusHeading<HTMLHeadingElement>();
  const list = useResource<{ items: Appeal[] }>(`${base(service)}/appeals?status=open`);
  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        {t('workspace.appeals.title')}
      </h1>
      {list.error && (
        <p role="alert" className="error">
          {list.error.status === 403 ? t('workspace.appeals.forbidden') : t('errors.generic')}
        </p>
      )}
      {list.data && list.data.items.length === 0 && <p>{t('workspace.appeals.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table>
          <caption className="visually-hidden">{t('workspace.appeals.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('workspace.appeals.lodged')}</th>
              <th scope="col">{t('workspace.appeals.appellant')}</th>
              <th scope="col">{t('workspace.appeals.explanation')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link href={`/appeals/${a.id}`}>{fmt.dateTime(a.created_at)}</Link>
                </td>
                <td>{t(`workspace.appeals.appellants.${a.appellant}`)}</td>
                <td>{a.explanation.length > 140 ? `${a.explanation.slice(0, 140)}…` : a.explanation}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function AppealPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const service = useService();
  const heading = useFocusHeading<HTMLHeadingElement>();
  const appeal = useResource<Appeal>(`${base(service)}/appeals/${id}`);
  const decision = useResource<Decision>(appeal.data ? `${base(service)}/decisions/${appeal.data.decision_id}?locale=${currentLocale()}` : null);
  const [outcome, setOutcome] = useState<'upheld' | 'reversed'>('upheld');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function decide(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', `${base(service)}/appeals/${id}/decide`, { outcome, reason });
      setDone(outcome);
      appeal.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'NETWORK', 'network'));
    }
  }

  const errorText = (err: ApiError) =>
    err.code === 'APPEAL_SAME_DECIDER' ? t('workspace.appeals.sameDecider') : err.code === 'APPEAL_ALREADY_DECIDED' ? t('workspace.appeals.alreadyDecided') : err.status === 403 ? t('workspace.appeals.forbidden') : err.message;

  return (
    <section>
      <p>
        <Link href="/appeals">{t('workspace.appeals.back')}</Link>
      </p>
      <h1 ref={heading} tabIndex={-1}>
        {t('workspace.appeals.one')}
      </h1>
      {appeal.data && (
        <>
          <dl className="facts">
            <dt>{t('workspace.appeals.appellant')}</dt>
            <dd>{t(`workspace.appeals.appellants.${appeal.data.appellant}`)}</dd>
            <dt>{t('workspace.appeals.lodged')}</dt>
            <dd>{fmt.dateTime(appeal.data.created_at)}</dd>
            <dt>{t('workspace.appeals.status')}</dt>
            <dd>{appeal.data.status === 'open' ? t('workspace.appeals.open') : t(`workspace.appeals.outcomes.${appeal.data.outcome ?? 'upheld'}`)}</dd>
          </dl>
          <h2>{t('workspace.appeals.explanation')}</h2>
          <p className="prewrap">{appeal.data.explanation}</p>
          <h2>{t('workspace.appeals.contested')}</h2>
          {decision.data?.statement ? <StatementView statement={decision.data.statement.text} /> : decision.data ? <p>{t('workspace.appeals.noStatement')}</p> : null}
          {decision.data && (
            <p>
              <Link href={`/cases/${decision.data.case_id}`}>{t('workspace.appeals.openCase')}</Link>
            </p>
          )}
          {appeal.data.status === 'open' && !done && (
            <form onSubmit={(e) => void decide(e)} className="panel" noValidate>
              <h2>{t('workspace.appeals.decide')}</h2>
              {error && (
                <p role="alert" className="error">
                  {errorText(error)}
                </p>
              )}
              <fieldset>
                <legend>{t('workspace.appeals.outcome')}</legend>
                {(['upheld', 'reversed'] as const).map((o) => (
                  <div key={o}>
                    <input type="radio" id={`appeal-${o}`} name="appeal-outcome" value={o} checked={outcome === o} onChange={() => setOutcome(o)} />
                    <label htmlFor={`appeal-${o}`} className="inline">
                      {t(`workspace.appeals.choices.${o}`)}
                    </label>
                  </div>
                ))}
              </fieldset>
              <label htmlFor="appeal-reason">{t('workspace.appeals.reason')}</label>
              <span className="hint" id="appeal-reason-hint">
                {t('workspace.appeals.reasonHint')}
              </span>
              <textarea id="appeal-reason" aria-describedby="appeal-reason-hint" rows={4} required value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={error?.field('reason') ? true : undefined} />
              {error?.field('reason') && <span className="field-error">{error.field('reason')}</span>}
              <button type="submit">{t('workspace.appeals.submit')}</button>
            </form>
          )}
          {done && (
            <p role="status" className="ok">
              {t(`workspace.appeals.done.${done}`)}
            </p>
          )}
        </>
      )}
    </section>
  );
}

export function Approvals() {
  const { t } = useTranslation();
  const service = useService();
  const heading = useFocusHeading<HTMLHeadingElement>();
  const list = useResource<{ items: Proposal[] }>(`${base(service)}/decision-proposals?status=pending`);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function act(p: Proposal, action: 'approve' | 'reject') {
    setMessage(null);
    try {
      await api('POST', `${base(service)}/decision-proposals/${p.id}/${action}`, action === 'reject' ? { reason: reasons[p.id] ?? '' } : {});
      setMessage({ ok: true, text: t(`workspace.approvals.${action}d`) });
      list.reload();
    } catch (err) {
      const e = err instanceof ApiError ? err : null;
      setMessage({ ok: false, text: e?.code === 'FOUR_EYES_SAME_PERSON' ? t('workspace.approvals.samePerson') : (e?.field('reason') ?? e?.message ?? t('errors.generic')) });
    }
  }

  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        {t('workspace.approvals.title')}
      </h1>
      {message && (
        <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>
          {message.text}
        </p>
      )}
      {list.error && (
        <p role="alert" className="error">
          {list.error.status === 403 ? t('workspace.approvals.forbidden') : t('errors.generic')}
        </p>
      )}
      {list.data && list.data.items.length === 0 && <p>{t('workspace.approvals.none')}</p>}
      <ul className="plain">
        {list.data?.items.map((p) => (
          <li key={p.id} className="panel">
            <p>
              {t('workspace.approvals.proposedAt', { when: fmt.dateTime(p.proposed_at) })} — <Link href={`/cases/${p.case_id}`}>{t('workspace.approvals.case')}</Link>
            </p>
            <p>{t('workspace.approvals.rules', { rules: p.rules.join(', ') })}</p>
            {/* Focusable: it scrolls, and keyboard users must be able to scroll it (WCAG 2.1.1). */}
            <pre className="mono small" tabIndex={0} aria-label={t('workspace.approvals.proposed')}>
              {JSON.stringify(p.decision, null, 2)}
            </pre>
            <button type="button" onClick={() => void act(p, 'approve')}>
              {t('workspace.approvals.approve')}
            </button>
            <label htmlFor={`reject-${p.id}`}>{t('workspace.approvals.rejectReason')}</label>
            <input id={`reject-${p.id}`} value={reasons[p.id] ?? ''} onChange={(e) => setReasons({ ...reasons, [p.id]: e.target.value })} />
            <button type="button" onClick={() => void act(p, 'reject')}>
              {t('workspace.approvals.reject')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
