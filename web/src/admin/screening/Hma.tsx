/** The service's HMA (Hasher-Matcher-Actioner) asked as a remote matcher: its settings, a check, removal. */
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api.ts';
import { fmt } from '../../i18n/index.ts';
import { ErrorNote, Field, useResource, useSubmit } from '../common.tsx';
import { useCategoryName } from './Banks.tsx';
import { CATEGORIES, DEFAULT_ACTIONS, serviceBase, type HmaCheck, type HmaSource } from './types.ts';

export function Hma({ service }: { service: string }) {
  const { t } = useTranslation();
  const categoryName = useCategoryName();
  const base = `${serviceBase(service)}/hma`;
  const source = useResource<HmaSource>(base);
  const missing = source.error?.status === 404;
  const current = missing ? null : source.data;
  const form = useSubmit();
  const action = useSubmit();
  const [baseUrl, setBaseUrl] = useState('');
  const [token, setToken] = useState('');
  const [category, setCategory] = useState('');
  const [defaultAction, setDefaultAction] = useState<string>('open_case');
  const [automated, setAutomated] = useState(true);
  const [timeout, setTimeoutMs] = useState('2000');
  const [enabled, setEnabled] = useState(true);
  const [notice, setNotice] = useState('');
  const [check, setCheck] = useState<HmaCheck | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);

  useEffect(() => {
    if (!current) return;
    setBaseUrl(current.base_url);
    setCategory(current.category ?? '');
    setDefaultAction(current.default_action);
    setAutomated(current.automated_action_allowed);
    setTimeoutMs(String(current.timeout_ms));
    setEnabled(current.enabled);
  }, [current]);

  async function save(e: FormEvent) {
    e.preventDefault();
    const body = {
      base_url: baseUrl.trim(),
      ...(token ? { token } : {}),
      ...(current ? { md5_signal_type: current.md5_signal_type } : {}),
      category: category || null,
      default_action: defaultAction,
      automated_action_allowed: automated,
      timeout_ms: Number(timeout),
      enabled,
    };
    const r = await form.run(() => api<HmaSource>('PUT', base, body));
    if (r) {
      setToken('');
      setCheck(null);
      setNotice(t('admin.screening.hma.saved'));
      source.reload();
    }
  }
  async function runCheck() {
    setNotice('');
    const r = await action.run(() => api<HmaCheck>('POST', `${base}/check`));
    if (r) {
      setCheck(r);
      source.reload();
    }
  }
  async function remove() {
    const r = await action.run(async () => {
      await api('DELETE', base);
      return true;
    });
    setConfirmRemove(false);
    if (r) {
      setCheck(null);
      setBaseUrl('');
      setToken('');
      setNotice(t('admin.screening.hma.removed'));
      source.reload();
    }
  }

  const err = (f: string) => form.error?.field(f);
  const desc = (id: string, f: string, hint = false) => [hint ? `${id}-hint` : '', err(f) ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <section aria-labelledby="hma-title">
      <h3 id="hma-title">{t('admin.screening.hma.title')}</h3>
      <p className="hint">{t('admin.screening.hma.intro')}</p>
      {!missing && <ErrorNote error={source.error} />}
      {missing && <p>{t('admin.screening.hma.none')}</p>}
      {current && (
        <dl className="facts">
          <dt>{t('admin.screening.hma.lastOk')}</dt>
          <dd>{fmt.dateTime(current.last_ok_at)}</dd>
          <dt>{t('admin.screening.hma.lastError')}</dt>
          <dd>{current.last_error ? `${current.last_error} (${fmt.dateTime(current.last_error_at)})` : '—'}</dd>
        </dl>
      )}
      <form onSubmit={(e) => void save(e)} noValidate className="panel">
        <fieldset>
          <legend>{current ? t('admin.screening.hma.edit') : t('admin.screening.hma.set')}</legend>
          <ErrorNote error={form.error} />
          <Field id="hma-url" label={t('admin.screening.hma.baseUrl')} hint={t('admin.screening.hma.baseUrlHint')} error={err('base_url')}>
            <input id="hma-url" type="url" required value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} aria-describedby={desc('hma-url', 'base_url', true)} aria-invalid={err('base_url') ? true : undefined} />
          </Field>
          <Field
            id="hma-token"
            label={t('admin.screening.hma.token')}
            hint={current?.token ? t('admin.screening.hma.tokenSet') : t('admin.screening.hma.tokenHint')}
            error={err('token')}
          >
            <input id="hma-token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} aria-describedby={desc('hma-token', 'token', true)} />
          </Field>
          <Field id="hma-category" label={t('admin.screening.hma.category')} error={err('category')}>
            <select id="hma-category" value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">{t('admin.screening.hma.noCategory')}</option>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {categoryName(c)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="hma-action" label={t('admin.screening.banks.defaultAction')}>
            <select id="hma-action" value={defaultAction} onChange={(e) => setDefaultAction(e.target.value)}>
              {DEFAULT_ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {t(`admin.screening.actions.${a}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field id="hma-timeout" label={t('admin.screening.hma.timeout')} hint={t('admin.screening.hma.timeoutHint')} error={err('timeout_ms')}>
            <input
              id="hma-timeout"
              type="number"
              min={100}
              max={10000}
              step={100}
              value={timeout}
              onChange={(e) => setTimeoutMs(e.target.value)}
              aria-describedby={desc('hma-timeout', 'timeout_ms', true)}
              aria-invalid={err('timeout_ms') ? true : undefined}
            />
          </Field>
          <div className="check">
            <input id="hma-automated" type="checkbox" checked={automated} onChange={(e) => setAutomated(e.target.checked)} />
            <label htmlFor="hma-automated">{t('admin.screening.hma.automated')}</label>
          </div>
          <div className="check">
            <input id="hma-enabled" type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
            <label htmlFor="hma-enabled">{t('admin.screening.hma.enabled')}</label>
          </div>
          <button type="submit" disabled={form.busy}>
            {t('admin.screening.hma.save')}
          </button>
        </fieldset>
      </form>
      {current && (
        <div className="screening-actions">
          <button type="button" disabled={action.busy} onClick={() => void runCheck()}>
            {t('admin.screening.hma.check')}
          </button>
          {!confirmRemove && (
            <button type="button" onClick={() => setConfirmRemove(true)}>
              {t('admin.screening.hma.remove')}
            </button>
          )}
        </div>
      )}
      {current && confirmRemove && (
        <div className="panel warn-panel">
          <p>{t('admin.screening.hma.confirmRemove')}</p>
          <div className="screening-actions">
            <button type="button" disabled={action.busy} onClick={() => void remove()}>
              {t('admin.screening.hma.removeConfirm')}
            </button>
            <button type="button" onClick={() => setConfirmRemove(false)}>
              {t('admin.screening.cancel')}
            </button>
          </div>
        </div>
      )}
      <ErrorNote error={action.error} />
      {check?.ok === true && (
        <div role="status" className="panel ok-panel">
          <p>{t('admin.screening.hma.checkOk', { count: check.banks.length })}</p>
          {check.banks.length > 0 && (
            <ul>
              {check.banks.map((b) => (
                <li key={b.name}>
                  <span className="mono">{b.name}</span>
                  {b.matching_enabled_ratio !== null && ` — ${t('admin.screening.hma.matching', { ratio: fmt.number(b.matching_enabled_ratio) })}`}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {check?.ok === false && (
        <div role="status" className="panel warn-panel">
          <p>
            <strong>{t('admin.screening.hma.checkFailed', { kind: t(`admin.screening.hma.errorKinds.${check.error.kind}`, { defaultValue: check.error.kind }) })}</strong>
          </p>
          <p className="mono">{check.error.message}</p>
        </div>
      )}
      {notice && (
        <p role="status" className="ok">
          {notice}
        </p>
      )}
    </section>
  );
}
