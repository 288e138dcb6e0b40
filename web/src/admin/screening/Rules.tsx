/** Screening rules: their mode switched in place (a new version with the same name and definition). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api.ts';
import { fmt } from '../../i18n/index.ts';
import { ErrorNote, useResource, useSubmit } from '../common.tsx';
import { RULE_MODES, serviceBase, type Rule } from './types.ts';

export function Rules({ service }: { service: string }) {
  const { t } = useTranslation();
  const base = `${serviceBase(service)}/screening-rules`;
  const list = useResource<{ items: Rule[] }>(base);
  const change = useSubmit();
  const [notice, setNotice] = useState('');

  async function setMode(rule: Rule, mode: string) {
    setNotice('');
    const r = await change.run(() => api<Rule>('PUT', `${base}/${encodeURIComponent(rule.slug)}`, { name: rule.name, mode, definition: rule.definition }));
    if (r) setNotice(t('admin.screening.rules.changed', { slug: r.slug, mode: t(`admin.screening.modes.${r.mode}`, { defaultValue: r.mode }), version: r.version }));
    list.reload();
  }

  return (
    <section aria-labelledby="rules-title">
      <h3 id="rules-title">{t('admin.screening.rules.title')}</h3>
      <p className="hint">{t('admin.screening.rules.intro')}</p>
      <ErrorNote error={list.error ?? change.error} />
      {list.data && list.data.items.length === 0 && <p>{t('admin.screening.rules.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table>
          <caption className="visually-hidden">{t('admin.screening.rules.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.screening.rules.slug')}</th>
              <th scope="col">{t('admin.screening.rules.name')}</th>
              <th scope="col">{t('admin.screening.rules.mode')}</th>
              <th scope="col">{t('admin.screening.rules.version')}</th>
              <th scope="col">{t('admin.screening.rules.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((r) => (
              <tr key={r.slug}>
                <td className="mono">{r.slug}</td>
                <td>
                  {r.name}
                  <details>
                    <summary>{t('admin.screening.rules.definition')}</summary>
                    <pre className="mono small" tabIndex={0} aria-label={t('admin.screening.rules.definition')}>
                      {JSON.stringify(r.definition, null, 2)}
                    </pre>
                  </details>
                </td>
                <td>
                  <label className="visually-hidden" htmlFor={`rule-mode-${r.slug}`}>
                    {t('admin.screening.rules.modeOf', { slug: r.slug })}
                  </label>
                  <select id={`rule-mode-${r.slug}`} value={r.mode} disabled={change.busy} onChange={(e) => void setMode(r, e.target.value)}>
                    {RULE_MODES.map((m) => (
                      <option key={m} value={m}>
                        {t(`admin.screening.modes.${m}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="count">{fmt.number(r.version)}</td>
                <td>{fmt.dateTime(r.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {notice && (
        <p role="status" className="ok">
          {notice}
        </p>
      )}
    </section>
  );
}
