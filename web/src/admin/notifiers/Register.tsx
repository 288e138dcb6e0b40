/** Registering an organisation as a notifier, and the service's suspension threshold. */
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api.ts';
import { describedBy } from '../../public/common.tsx';
import { ErrorNote, Field, useResource, useSubmit } from '../common.tsx';
import { type Key, type Notifier, type Policy } from './types.ts';

export function Register({ base, keys, onRegistered }: { base: string; keys: Key[]; onRegistered: (n: Notifier) => void }) {
  const { t } = useTranslation();
  const form = useSubmit();
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [done, setDone] = useState('');
  async function register(e: FormEvent) {
    e.preventDefault();
    setDone('');
    const r = await form.run(() => api<Notifier>('POST', base, { display_name: name, api_key_ids: chosen }));
    if (r) {
      setDone(t('admin.notifiers.register.done', { name: r.display_name ?? name }));
      setName('');
      setChosen([]);
      onRegistered(r);
    }
  }
  const nErr = form.error?.field('display_name');
  return (
    <form onSubmit={(e) => void register(e)} noValidate className="panel" aria-labelledby="nf-register-title">
      <h3 id="nf-register-title">{t('admin.notifiers.register.title')}</h3>
      <ErrorNote error={form.error} />
      <Field id="nf-register-name" label={t('admin.notifiers.register.name')} error={nErr}>
        <input id="nf-register-name" required value={name} onChange={(e) => setName(e.target.value)} aria-invalid={nErr ? true : undefined} aria-describedby={describedBy(nErr && 'nf-register-name-error')} />
      </Field>
      <fieldset aria-describedby="nf-register-keys-hint">
        <legend>{t('admin.notifiers.register.keys')}</legend>
        <span className="hint" id="nf-register-keys-hint">
          {t('admin.notifiers.register.keysHint')}
        </span>
        {keys.length === 0 && <p>{t('admin.notifiers.register.noKeys')}</p>}
        {keys.map((k) => (
          <div className="check" key={k.id}>
            <input
              id={`nf-register-key-${k.id}`}
              type="checkbox"
              checked={chosen.includes(k.id)}
              onChange={(e) => setChosen(e.target.checked ? [...chosen, k.id] : chosen.filter((x) => x !== k.id))}
            />
            <label htmlFor={`nf-register-key-${k.id}`}>
              {k.name} <span className="mono">({k.prefix}…)</span>
            </label>
          </div>
        ))}
      </fieldset>
      <button type="submit" disabled={form.busy}>
        {t('admin.notifiers.register.button')}
      </button>
      <p role="status" className="ok">
        {done}
      </p>
    </form>
  );
}

export function PolicyForm({ service }: { service: string }) {
  const { t } = useTranslation();
  const url = `/v1/services/${encodeURIComponent(service)}/notifier-policy`;
  const policy = useResource<Policy>(url);
  const form = useSubmit();
  const [edit, setEdit] = useState<{ threshold: string; window: string } | null>(null);
  const [saved, setSaved] = useState(false);
  const values = edit ?? (policy.data ? { threshold: String(policy.data.unfounded_threshold), window: String(policy.data.window_days) } : null);
  async function save(e: FormEvent) {
    e.preventDefault();
    if (!values) return;
    setSaved(false);
    const r = await form.run(() => api<Policy>('PUT', url, { unfounded_threshold: Number(values.threshold), window_days: Number(values.window) }));
    if (r) {
      setSaved(true);
      setEdit(null);
      policy.reload();
    }
  }
  const tErr = form.error?.field('unfounded_threshold');
  const wErr = form.error?.field('window_days');
  return (
    <form onSubmit={(e) => void save(e)} noValidate className="panel" aria-labelledby="nf-policy-title">
      <h3 id="nf-policy-title">{t('admin.notifiers.policy.title')}</h3>
      <p className="hint">{t('admin.notifiers.policy.intro')}</p>
      <ErrorNote error={policy.error ?? form.error} />
      {values && (
        <div className="inline-form">
          <Field id="nf-policy-threshold" label={t('admin.notifiers.policy.threshold')} error={tErr}>
            <input
              id="nf-policy-threshold"
              type="number"
              inputMode="numeric"
              min={1}
              value={values.threshold}
              onChange={(e) => setEdit({ ...values, threshold: e.target.value })}
              aria-invalid={tErr ? true : undefined}
              aria-describedby={describedBy(tErr && 'nf-policy-threshold-error')}
            />
          </Field>
          <Field id="nf-policy-window" label={t('admin.notifiers.policy.window')} error={wErr}>
            <input
              id="nf-policy-window"
              type="number"
              inputMode="numeric"
              min={1}
              value={values.window}
              onChange={(e) => setEdit({ ...values, window: e.target.value })}
              aria-invalid={wErr ? true : undefined}
              aria-describedby={describedBy(wErr && 'nf-policy-window-error')}
            />
          </Field>
          <button type="submit" disabled={form.busy}>
            {t('admin.notifiers.policy.save')}
          </button>
        </div>
      )}
      <p role="status" className="ok">
        {saved ? t('admin.notifiers.policy.saved') : ''}
      </p>
    </form>
  );
}
