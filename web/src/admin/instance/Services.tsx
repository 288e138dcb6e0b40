/** The services (tenants) of the instance: list and creation (instance administrators only). */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api.ts';
import { fmt } from '../../i18n/index.ts';
import { ErrorNote, Field, useResource, useSubmit } from '../common.tsx';
import { describedBy, fieldError, localizedValidation } from './fields.ts';

interface ServiceRow {
  id: string;
  slug: string;
  name: string;
  role: string | null;
  created_at: string;
}

export function Services() {
  const { t } = useTranslation();
  const list = useResource<{ items: ServiceRow[] }>('/v1/services');
  const form = useSubmit();
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [created, setCreated] = useState<ServiceRow | null>(null);
  const status = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (created) status.current?.focus();
  }, [created]);

  async function create(e: FormEvent) {
    e.preventDefault();
    setCreated(null);
    const r = await form.run(() => api<ServiceRow>('POST', '/v1/services', { slug: slug.trim(), name }));
    if (r) {
      setCreated(r);
      setSlug('');
      setName('');
      list.reload();
    }
  }

  const slugError = fieldError(form.error, 'slug');
  const nameError = fieldError(form.error, 'name');
  return (
    <section aria-labelledby="services-title">
      <h2 id="services-title">{t('admin.instance.services.title')}</h2>
      <p>{t('admin.instance.services.intro')}</p>
      <ErrorNote error={list.error} />
      {list.data && list.data.items.length === 0 && <p>{t('admin.instance.services.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table>
          <caption className="visually-hidden">{t('admin.instance.services.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.instance.services.slug')}</th>
              <th scope="col">{t('admin.instance.services.name')}</th>
              <th scope="col">{t('admin.instance.services.created')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((s) => (
              <tr key={s.id}>
                <td className="mono">{s.slug}</td>
                <td>{s.name}</td>
                <td>{fmt.date(s.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={(e) => void create(e)} noValidate className="panel">
        <h3>{t('admin.instance.services.add')}</h3>
        <ErrorNote error={localizedValidation(form.error, t('admin.instance.services.invalid'))} />
        <Field id="service-slug" label={t('admin.instance.services.slug')} hint={t('admin.instance.services.slugHint')} error={slugError}>
          <input
            id="service-slug"
            required
            pattern="[a-z0-9]([a-z0-9]|-){1,40}"
            maxLength={41}
            autoComplete="off"
            spellCheck={false}
            value={slug}
            aria-invalid={slugError ? true : undefined}
            aria-describedby={describedBy('service-slug', { hint: true, error: slugError })}
            onChange={(e) => setSlug(e.target.value)}
          />
        </Field>
        <Field id="service-name" label={t('admin.instance.services.name')} error={nameError}>
          <input
            id="service-name"
            required
            maxLength={200}
            value={name}
            aria-invalid={nameError ? true : undefined}
            aria-describedby={describedBy('service-name', { error: nameError })}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <button type="submit" disabled={form.busy}>
          {t('admin.instance.services.create')}
        </button>
        {created && (
          <p role="status" className="ok" ref={status} tabIndex={-1}>
            {t('admin.instance.services.created_ok', { slug: created.slug, name: created.name })}
          </p>
        )}
      </form>
    </section>
  );
}
