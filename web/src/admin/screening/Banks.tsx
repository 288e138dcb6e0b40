/** The service's hash banks: the list with its enable switch, the entries of one bank, a new bank. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api.ts';
import { ErrorNote, Field, useResource, useSubmit } from '../common.tsx';
import { Entries } from './Entries.tsx';
import { BANK_KINDS, CATEGORIES, DEFAULT_ACTIONS, serviceBase, SHARING, SOURCE_KINDS, type Bank } from './types.ts';

/** A category in words when the dashboard knows it, else as the API gave it. */
export function useCategoryName() {
  const { t } = useTranslation();
  return (c: string | null) => (c === null ? '—' : t(`dashboard.categories.${c}`, { defaultValue: c }));
}

function CreateBank({ base, onCreated }: { base: string; onCreated: (b: Bank) => void }) {
  const { t } = useTranslation();
  const categoryName = useCategoryName();
  const form = useSubmit();
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<string>('positive');
  const [category, setCategory] = useState('');
  const [action, setAction] = useState<string>('open_case');
  const [source, setSource] = useState<string>('own');
  const [sharing, setSharing] = useState<string>('private');

  async function create(e: FormEvent) {
    e.preventDefault();
    const body = {
      slug,
      name,
      kind,
      ...(kind === 'positive' && category ? { category } : {}),
      default_action: action,
      source: { kind: source },
      sharing,
    };
    const r = await form.run(() => api<Bank>('POST', base, body));
    if (r) {
      setSlug('');
      setName('');
      onCreated(r);
    }
  }

  const err = (f: string) => form.error?.field(f);
  const described = (id: string, f: string, hint = false) => [hint ? `${id}-hint` : '', err(f) ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <form onSubmit={(e) => void create(e)} noValidate className="panel">
      <fieldset>
        <legend>{t('admin.screening.banks.create')}</legend>
        <ErrorNote error={form.error} />
        <Field id="bank-slug" label={t('admin.screening.banks.slug')} hint={t('admin.screening.banks.slugHint')} error={err('slug')}>
          <input id="bank-slug" required value={slug} onChange={(e) => setSlug(e.target.value)} aria-describedby={described('bank-slug', 'slug', true)} aria-invalid={err('slug') ? true : undefined} />
        </Field>
        <Field id="bank-name" label={t('admin.screening.banks.name')} error={err('name')}>
          <input id="bank-name" required value={name} onChange={(e) => setName(e.target.value)} aria-describedby={described('bank-name', 'name')} aria-invalid={err('name') ? true : undefined} />
        </Field>
        <Field id="bank-kind" label={t('admin.screening.banks.kind')}>
          <select id="bank-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            {BANK_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`admin.screening.kinds.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        {kind === 'positive' && (
          <Field id="bank-category" label={t('admin.screening.banks.category')} error={err('category')}>
            <select id="bank-category" required value={category} onChange={(e) => setCategory(e.target.value)} aria-describedby={described('bank-category', 'category')} aria-invalid={err('category') ? true : undefined}>
              <option value="">{t('admin.screening.choose')}</option>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {categoryName(c)}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field id="bank-action" label={t('admin.screening.banks.defaultAction')}>
          <select id="bank-action" value={action} onChange={(e) => setAction(e.target.value)}>
            {DEFAULT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {t(`admin.screening.actions.${a}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="bank-source" label={t('admin.screening.banks.source')}>
          <select id="bank-source" value={source} onChange={(e) => setSource(e.target.value)}>
            {SOURCE_KINDS.map((s) => (
              <option key={s} value={s}>
                {t(`admin.screening.sources.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="bank-sharing" label={t('admin.screening.banks.sharing')}>
          <select id="bank-sharing" value={sharing} onChange={(e) => setSharing(e.target.value)}>
            {SHARING.map((s) => (
              <option key={s} value={s}>
                {t(`admin.screening.sharing.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" disabled={form.busy}>
          {t('admin.screening.banks.createButton')}
        </button>
      </fieldset>
    </form>
  );
}

export function Banks({ service }: { service: string }) {
  const { t } = useTranslation();
  const categoryName = useCategoryName();
  const base = `${serviceBase(service)}/banks`;
  const list = useResource<{ items: Bank[] }>(base);
  const toggle = useSubmit();
  const [open, setOpen] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const opened = list.data?.items.find((b) => b.id === open) ?? null;
  const hasCount = list.data?.items.some((b) => typeof b.entry_count === 'number') ?? false;

  async function setEnabled(b: Bank, enabled: boolean) {
    const r = await toggle.run(() => api<Bank>('PATCH', `${base}/${b.id}`, { enabled }));
    if (r) {
      setNotice(t(enabled ? 'admin.screening.banks.enabledNotice' : 'admin.screening.banks.disabledNotice', { name: r.name }));
      list.reload();
    }
  }

  return (
    <section aria-labelledby="banks-title">
      <h3 id="banks-title">{t('admin.screening.banks.title')}</h3>
      <ErrorNote error={list.error ?? toggle.error} />
      {list.data && list.data.items.length === 0 && <p>{t('admin.screening.banks.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table>
          <caption className="visually-hidden">{t('admin.screening.banks.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.screening.banks.name')}</th>
              <th scope="col">{t('admin.screening.banks.kind')}</th>
              <th scope="col">{t('admin.screening.banks.category')}</th>
              <th scope="col">{t('admin.screening.banks.defaultAction')}</th>
              <th scope="col">{t('admin.screening.banks.source')}</th>
              <th scope="col">{t('admin.screening.banks.sharing')}</th>
              <th scope="col">{t('admin.screening.banks.enabled')}</th>
              {hasCount && <th scope="col">{t('admin.screening.banks.entryCount')}</th>}
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((b) => (
              <tr key={b.id}>
                <td>
                  {b.name}
                  <br />
                  <span className="mono">{b.slug}</span>
                  {b.read_only && <span className="hint">{t('admin.screening.banks.sharedBy', { service: b.owner_service })}</span>}
                </td>
                <td>{t(`admin.screening.kinds.${b.kind}`, { defaultValue: b.kind })}</td>
                <td>{categoryName(b.category)}</td>
                <td>{t(`admin.screening.actions.${b.default_action}`, { defaultValue: b.default_action })}</td>
                <td>
                  {t(`admin.screening.sources.${b.source.kind}`, { defaultValue: b.source.kind })}
                  {b.source.description && <span className="hint">{b.source.description}</span>}
                </td>
                <td>{t(`admin.screening.sharing.${b.sharing}`, { defaultValue: b.sharing })}</td>
                <td>{b.enabled ? t('admin.screening.yes') : t('admin.screening.no')}</td>
                {hasCount && <td className="count">{b.entry_count ?? '—'}</td>}
                <td>
                  <div className="screening-actions">
                    <button type="button" aria-expanded={open === b.id} onClick={() => setOpen(open === b.id ? null : b.id)}>
                      {t('admin.screening.entries.show')}
                      <span className="visually-hidden"> — {b.name}</span>
                    </button>
                    {!b.read_only && (
                      <button type="button" disabled={toggle.busy} onClick={() => void setEnabled(b, !b.enabled)}>
                        {b.enabled ? t('admin.screening.banks.disable') : t('admin.screening.banks.enable')}
                        <span className="visually-hidden"> — {b.name}</span>
                      </button>
                    )}
                  </div>
                </td>
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
      {opened && <Entries key={opened.id} base={base} bank={opened} />}
      <CreateBank
        base={base}
        onCreated={(b) => {
          setNotice(t('admin.screening.banks.created', { name: b.name }));
          list.reload();
        }}
      />
    </section>
  );
}
