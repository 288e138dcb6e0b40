/**
 * A service's policies: triage (tier, deadline and queue per category — the SLA) and the decision policy
 * (four-eyes rules, quality-review sampling, strikes). Each is saved whole, as the API replaces it whole;
 * the server validates and every problem comes back next to its row.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../app/api.ts';
import categoriesEn from '../dashboard/i18n/en.json';
import { fmt } from '../i18n/index.ts';
import { ErrorNote, useResource, useSubmit } from './common.tsx';

interface TriageRow {
  category: string;
  subcategory: string;
  tier: number;
  deadline_minutes: number;
  queue: string;
}
interface Threshold {
  strikes: number;
  action: 'warning' | 'suspension';
  suspension_days?: number;
}
interface DecisionPolicy {
  four_eyes: { rules: Array<Record<string, unknown>> };
  quality_review: { sample_rate: number };
  strikes: { enabled: boolean; expiry_days: number; thresholds: Threshold[] };
}

const CATEGORIES = Object.keys(categoriesEn.categories);

function duration(minutes: number): string {
  if (minutes % 1440 === 0) return new Intl.NumberFormat(undefined, { style: 'unit', unit: 'day', unitDisplay: 'long' }).format(minutes / 1440);
  if (minutes % 60 === 0) return new Intl.NumberFormat(undefined, { style: 'unit', unit: 'hour', unitDisplay: 'long' }).format(minutes / 60);
  return new Intl.NumberFormat(undefined, { style: 'unit', unit: 'minute', unitDisplay: 'long' }).format(minutes);
}

function Triage({ service }: { service: string }) {
  const { t } = useTranslation();
  const url = `/v1/services/${encodeURIComponent(service)}/sla-policies`;
  const loaded = useResource<{ policies: TriageRow[] }>(url);
  const queues = useResource<{ items: Array<{ slug: string; name: string }> }>(`/v1/services/${encodeURIComponent(service)}/queues`);
  const [rows, setRows] = useState<TriageRow[]>([]);
  const save = useSubmit();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (loaded.data) setRows(loaded.data.policies);
  }, [loaded.data]);

  const set = (i: number, patch: Partial<TriageRow>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const rowError = (i: number) => save.error?.fields.filter((f) => f.path.startsWith(`body.policies.${i}.`)).map((f) => `${f.path.split('.').at(-1) ?? ''}: ${f.reason}`);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const r = await save.run(() => api<{ policies: TriageRow[] }>('PUT', url, { policies: rows }));
    if (r) {
      setRows(r.policies);
      setSaved(true);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="triage-title">
      <h3 id="triage-title">{t('admin.policy.triage')}</h3>
      <p>{t('admin.policy.triageIntro')}</p>
      <ErrorNote error={loaded.error ?? save.error} />
      <table>
        <caption className="visually-hidden">{t('admin.policy.triage')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('admin.policy.category')}</th>
            <th scope="col">{t('admin.policy.subcategory')}</th>
            <th scope="col">{t('admin.policy.tier')}</th>
            <th scope="col">{t('admin.policy.deadline')}</th>
            <th scope="col">{t('admin.policy.queue')}</th>
            <th scope="col">{t('admin.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => {
            const errors = rowError(i);
            return (
              <tr key={i}>
                <td>
                  <label className="visually-hidden" htmlFor={`tri-cat-${i}`}>
                    {t('admin.policy.categoryOfRow', { n: i + 1 })}
                  </label>
                  <select id={`tri-cat-${i}`} value={r.category} onChange={(e) => set(i, { category: e.target.value })}>
                    <option value="*">{t('admin.policy.anyCategory')}</option>
                    {CATEGORIES.map((c) => (
                      <option key={c} value={c}>
                        {t(`dashboard.categories.${c}`)}
                      </option>
                    ))}
                  </select>
                  {errors && errors.length > 0 && <span className="field-error">{errors.join('; ')}</span>}
                </td>
                <td>
                  <label className="visually-hidden" htmlFor={`tri-sub-${i}`}>
                    {t('admin.policy.subcategoryOfRow', { n: i + 1 })}
                  </label>
                  <input id={`tri-sub-${i}`} className="mono" value={r.subcategory} onChange={(e) => set(i, { subcategory: e.target.value.trim() || '*' })} />
                </td>
                <td>
                  <label className="visually-hidden" htmlFor={`tri-tier-${i}`}>
                    {t('admin.policy.tierOfRow', { n: i + 1 })}
                  </label>
                  <input id={`tri-tier-${i}`} type="number" min={0} max={9} value={r.tier} onChange={(e) => set(i, { tier: Number(e.target.value) })} />
                </td>
                <td>
                  <label className="visually-hidden" htmlFor={`tri-deadline-${i}`}>
                    {t('admin.policy.deadlineOfRow', { n: i + 1 })}
                  </label>
                  <input id={`tri-deadline-${i}`} type="number" min={1} value={r.deadline_minutes} onChange={(e) => set(i, { deadline_minutes: Number(e.target.value) })} aria-describedby={`tri-deadline-${i}-human`} />
                  <span className="hint" id={`tri-deadline-${i}-human`}>
                    {r.deadline_minutes > 0 ? duration(r.deadline_minutes) : ''}
                  </span>
                </td>
                <td>
                  <label className="visually-hidden" htmlFor={`tri-queue-${i}`}>
                    {t('admin.policy.queueOfRow', { n: i + 1 })}
                  </label>
                  <select id={`tri-queue-${i}`} value={r.queue} onChange={(e) => set(i, { queue: e.target.value })}>
                    {/* Queues of teams the admin is not in are not listed to them: keep the row's own queue selectable. */}
                    {[...(queues.data?.items ?? []), ...(queues.data?.items.some((q) => q.slug === r.queue) ? [] : [{ slug: r.queue, name: r.queue }])].map((q) => (
                      <option key={q.slug} value={q.slug}>
                        {q.name}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {r.category !== '*' || r.subcategory !== '*' ? (
                    <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                      {t('admin.policy.removeRow')}
                    </button>
                  ) : (
                    <span className="hint">{t('admin.policy.defaultRow')}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="button" onClick={() => setRows([...rows, { category: CATEGORIES[0] ?? '*', subcategory: '*', tier: 1, deadline_minutes: 1440, queue: queues.data?.items[0]?.slug ?? 'general' }])}>
        {t('admin.policy.addRow')}
      </button>{' '}
      <button type="submit" disabled={save.busy}>
        {t('admin.policy.saveTriage')}
      </button>
      {saved && (
        <p role="status" className="ok">
          {t('admin.policy.saved')}
        </p>
      )}
    </form>
  );
}

function Decisions({ service }: { service: string }) {
  const { t } = useTranslation();
  const url = `/v1/services/${encodeURIComponent(service)}/decision-policy`;
  const loaded = useResource<{ policy: DecisionPolicy; is_default: boolean; updated_at: string | null }>(url);
  const [policy, setPolicy] = useState<DecisionPolicy | null>(null);
  const [rulesText, setRulesText] = useState('');
  const [rulesError, setRulesError] = useState<string | null>(null);
  // Not reloaded after a save: a reload would overwrite what the person typed since.
  const [savedOnce, setSavedOnce] = useState(false);
  const save = useSubmit();
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (loaded.data) {
      setPolicy(loaded.data.policy);
      setRulesText(JSON.stringify(loaded.data.policy.four_eyes.rules, null, 2));
    }
  }, [loaded.data]);
  if (!policy) return <ErrorNote error={loaded.error} />;
  const current = policy;
  const thresholds = current.strikes.thresholds;
  const setThreshold = (i: number, patch: Partial<Threshold>) =>
    setPolicy({ ...policy, strikes: { ...policy.strikes, thresholds: thresholds.map((x, j) => (j === i ? { ...x, ...patch } : x)) } });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    let rules: Array<Record<string, unknown>>;
    try {
      rules = JSON.parse(rulesText) as Array<Record<string, unknown>>;
      setRulesError(null);
    } catch {
      setRulesError(t('admin.policy.rulesNotJson'));
      return;
    }
    const body = {
      ...current,
      four_eyes: { rules },
      strikes: { ...current.strikes, thresholds: thresholds.map((x) => (x.action === 'warning' ? { strikes: x.strikes, action: x.action } : x)) },
    } as DecisionPolicy;
    const r = await save.run(() => api<{ policy: DecisionPolicy }>('PUT', url, body));
    if (r) {
      setPolicy(r.policy);
      setSaved(true);
      setSavedOnce(true);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="dpol-title">
      <h3 id="dpol-title">{t('admin.policy.decisions')}</h3>
      {loaded.data?.is_default && !savedOnce && <p className="hint">{t('admin.policy.isDefault')}</p>}
      <ErrorNote error={save.error} />
      <fieldset>
        <legend>{t('admin.policy.fourEyes')}</legend>
        <p className="hint" id="dpol-rules-hint">
          {t('admin.policy.fourEyesHint')}
        </p>
        <label htmlFor="dpol-rules">{t('admin.policy.fourEyesRules')}</label>
        <textarea id="dpol-rules" className="mono" rows={8} value={rulesText} onChange={(e) => setRulesText(e.target.value)} aria-describedby="dpol-rules-hint" aria-invalid={rulesError ? true : undefined} />
        {rulesError && (
          <span className="field-error" role="alert">
            {rulesError}
          </span>
        )}
      </fieldset>
      <fieldset>
        <legend>{t('admin.policy.quality')}</legend>
        <label htmlFor="dpol-sample">{t('admin.policy.sampleRate')}</label>
        <input
          id="dpol-sample"
          type="number"
          min={0}
          max={100}
          step={0.5}
          value={Math.round(policy.quality_review.sample_rate * 1000) / 10}
          onChange={(e) => setPolicy({ ...policy, quality_review: { sample_rate: Number(e.target.value) / 100 } })}
        />
      </fieldset>
      <fieldset>
        <legend>{t('admin.policy.strikes')}</legend>
        <label className="inline" htmlFor="dpol-strikes-on">
          <input id="dpol-strikes-on" type="checkbox" checked={policy.strikes.enabled} onChange={(e) => setPolicy({ ...policy, strikes: { ...policy.strikes, enabled: e.target.checked } })} />
          {t('admin.policy.strikesEnabled')}
        </label>
        <label htmlFor="dpol-expiry">{t('admin.policy.expiryDays')}</label>
        <input id="dpol-expiry" type="number" min={1} value={policy.strikes.expiry_days} onChange={(e) => setPolicy({ ...policy, strikes: { ...policy.strikes, expiry_days: Number(e.target.value) } })} />
        <table>
          <caption>{t('admin.policy.thresholds')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.policy.strikeCount')}</th>
              <th scope="col">{t('admin.policy.step')}</th>
              <th scope="col">{t('admin.policy.suspensionDays')}</th>
            </tr>
          </thead>
          <tbody>
            {thresholds.map((x, i) => (
              <tr key={i}>
                <td>
                  <label className="visually-hidden" htmlFor={`thr-n-${i}`}>
                    {t('admin.policy.strikeCount')} {i + 1}
                  </label>
                  <input id={`thr-n-${i}`} type="number" min={1} value={x.strikes} onChange={(e) => setThreshold(i, { strikes: Number(e.target.value) })} />
                </td>
                <td>
                  <label className="visually-hidden" htmlFor={`thr-a-${i}`}>
                    {t('admin.policy.step')} {i + 1}
                  </label>
                  <select id={`thr-a-${i}`} value={x.action} onChange={(e) => setThreshold(i, { action: e.target.value as Threshold['action'], ...(e.target.value === 'suspension' ? { suspension_days: x.suspension_days ?? 30 } : {}) })}>
                    <option value="warning">{t('admin.policy.warning')}</option>
                    <option value="suspension">{t('admin.policy.suspension')}</option>
                  </select>
                </td>
                <td>
                  {x.action === 'suspension' && (
                    <>
                      <label className="visually-hidden" htmlFor={`thr-d-${i}`}>
                        {t('admin.policy.suspensionDays')} {i + 1}
                      </label>
                      <input id={`thr-d-${i}`} type="number" min={1} value={x.suspension_days ?? 30} onChange={(e) => setThreshold(i, { suspension_days: Number(e.target.value) })} />
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </fieldset>
      <button type="submit" disabled={save.busy}>
        {t('admin.policy.saveDecisions')}
      </button>
      {saved && (
        <p role="status" className="ok">
          {t('admin.policy.saved')}
        </p>
      )}
      {loaded.data?.updated_at && <p className="hint">{t('admin.policy.updatedAt', { when: fmt.dateTime(loaded.data.updated_at) })}</p>}
    </form>
  );
}

export function Policies({ service }: { service: string }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="policy-title">
      <h2 id="policy-title">{t('admin.policy.title')}</h2>
      <Triage service={service} />
      <Decisions service={service} />
    </section>
  );
}
