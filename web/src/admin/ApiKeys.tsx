import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../app/api.ts';
import { fmt } from '../i18n/index.ts';
import { ErrorNote, Field, useResource, useSubmit } from './common.tsx';
import { ROLES } from './Members.tsx';

/** An authority's key is bound to one registered authority (Orders → Authorities). */
const KEY_ROLES = [...ROLES, 'authority'] as const;

interface Key {
  id: string;
  name: string;
  role: string;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export function ApiKeys({ service }: { service: string }) {
  const { t } = useTranslation();
  const base = `/v1/services/${encodeURIComponent(service)}/api-keys`;
  const list = useResource<{ items: Key[] }>(base);
  const form = useSubmit();
  const [name, setName] = useState('');
  const [role, setRole] = useState('platform');
  const [authority, setAuthority] = useState('');
  const authorities = useResource<{ items: Array<{ id: string; name: string; member_state: string; disabled: boolean }> }>(
    role === 'authority' ? `/v1/services/${encodeURIComponent(service)}/authorities` : null,
  );
  const usable = authorities.data?.items.filter((a) => !a.disabled) ?? [];
  const [shown, setShown] = useState<{ name: string; key: string } | null>(null);

  async function create(e: FormEvent) {
    e.preventDefault();
    const body = role === 'authority' ? { name, role, authority_id: authority || usable[0]?.id } : { name, role };
    const r = await form.run(() => api<Key & { key: string }>('POST', base, body));
    if (r) {
      setShown({ name: r.name, key: r.key });
      setName('');
      list.reload();
    }
  }
  async function revoke(k: Key) {
    if (!window.confirm(t('admin.keys.confirmRevoke', { name: k.name }))) return;
    await form.run(() => api('DELETE', `${base}/${k.id}`));
    list.reload();
  }

  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">{t('admin.keys.title')}</h2>
      <ErrorNote error={list.error} />
      {list.data && (
        <table>
          <caption className="visually-hidden">{t('admin.keys.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.keys.name')}</th>
              <th scope="col">{t('admin.members.role')}</th>
              <th scope="col">{t('admin.keys.prefix')}</th>
              <th scope="col">{t('admin.keys.lastUsed')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td>{t(`admin.roles.${k.role}`, { defaultValue: k.role })}</td>
                <td className="mono">{k.prefix}…</td>
                <td>{fmt.dateTime(k.last_used_at)}</td>
                <td>
                  {k.revoked_at ? (
                    t('admin.keys.revokedOn', { date: fmt.date(k.revoked_at) })
                  ) : (
                    <button type="button" onClick={() => void revoke(k)}>
                      {t('admin.keys.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={(e) => void create(e)} noValidate className="panel">
        <h3>{t('admin.keys.create')}</h3>
        <ErrorNote error={form.error} />
        <Field id="key-name" label={t('admin.keys.name')} hint={t('admin.keys.nameHint')} error={form.error?.field('name')}>
          <input id="key-name" aria-describedby="key-name-hint" required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field id="key-role" label={t('admin.members.role')}>
          <select id="key-role" value={role} onChange={(e) => setRole(e.target.value)}>
            {KEY_ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`admin.roles.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        {role === 'authority' && (
          <Field id="key-authority" label={t('admin.keys.authority')} error={form.error?.field('authority_id')}>
            {authorities.data && usable.length === 0 ? (
              <p id="key-authority">{t('admin.keys.noAuthority')}</p>
            ) : (
              <select id="key-authority" value={authority || usable[0]?.id || ''} onChange={(e) => setAuthority(e.target.value)}>
                {usable.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({a.member_state})
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <button type="submit" disabled={form.busy}>
          {t('admin.keys.createButton')}
        </button>
      </form>
      {shown && (
        <div className="panel" role="status">
          <p>
            <strong>{t('admin.keys.shownOnce', { name: shown.name })}</strong>
          </p>
          <p className="mono">{shown.key}</p>
          <button type="button" onClick={() => void navigator.clipboard?.writeText(shown.key)}>
            {t('admin.copy')}
          </button>
        </div>
      )}
    </section>
  );
}
