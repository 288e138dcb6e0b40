import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../app/api.ts';
import { fmt } from '../i18n/index.ts';
import { ErrorNote, Field, useResource, useSubmit } from './common.tsx';

export const ROLES = ['admin', 'senior_moderator', 'moderator', 'legal', 'analyst', 'auditor', 'platform', 'trusted_flagger'] as const;

interface Member {
  user_id: string;
  email: string;
  display_name: string;
  role: string;
  created_at: string;
}

export function Members({ service }: { service: string }) {
  const { t } = useTranslation();
  const base = `/v1/services/${encodeURIComponent(service)}/members`;
  const list = useResource<{ items: Member[] }>(base);
  const form = useSubmit();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<string>('moderator');
  const [created, setCreated] = useState<{ email: string; initial_password?: string } | null>(null);

  async function add(e: FormEvent) {
    e.preventDefault();
    const r = await form.run(() => api<{ email: string; initial_password?: string }>('POST', base, { email, role, ...(name ? { display_name: name } : {}) }));
    if (r) {
      setCreated(r);
      setEmail('');
      setName('');
      list.reload();
    }
  }
  async function changeRole(m: Member, newRole: string) {
    await form.run(() => api('PATCH', `${base}/${m.user_id}`, { role: newRole }));
    list.reload();
  }
  async function remove(m: Member) {
    if (!window.confirm(t('admin.members.confirmRemove', { email: m.email }))) return;
    await form.run(() => api('DELETE', `${base}/${m.user_id}`));
    list.reload();
  }

  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">{t('admin.members.title')}</h2>
      <ErrorNote error={list.error} />
      {list.data && (
        <table>
          <caption className="visually-hidden">{t('admin.members.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.members.email')}</th>
              <th scope="col">{t('admin.members.name')}</th>
              <th scope="col">{t('admin.members.role')}</th>
              <th scope="col">{t('admin.since')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((m) => (
              <tr key={m.user_id}>
                <td>{m.email}</td>
                <td>{m.display_name}</td>
                <td>
                  <label className="visually-hidden" htmlFor={`role-${m.user_id}`}>
                    {t('admin.members.roleOf', { email: m.email })}
                  </label>
                  <select id={`role-${m.user_id}`} value={m.role} onChange={(e) => void changeRole(m, e.target.value)}>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`admin.roles.${r}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td>{fmt.date(m.created_at)}</td>
                <td>
                  <button type="button" onClick={() => void remove(m)}>
                    {t('admin.members.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={(e) => void add(e)} noValidate className="panel">
        <h3>{t('admin.members.add')}</h3>
        <ErrorNote error={form.error} />
        <Field id="member-email" label={t('admin.members.email')} error={form.error?.field('email')}>
          <input id="member-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby={form.error?.field('email') ? 'member-email-error' : undefined} />
        </Field>
        <Field id="member-name" label={t('admin.members.name')}>
          <input id="member-name" value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field id="member-role" label={t('admin.members.role')}>
          <select id="member-role" value={role} onChange={(e) => setRole(e.target.value)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(`admin.roles.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" disabled={form.busy}>
          {t('admin.members.addButton')}
        </button>
        {created && (
          <p role="status" className="ok">
            {created.initial_password ? t('admin.members.createdWithPassword', { email: created.email, password: created.initial_password }) : t('admin.members.created', { email: created.email })}
          </p>
        )}
      </form>
    </section>
  );
}
