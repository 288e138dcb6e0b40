/** The entries of one bank: the list, a status change with its reason (inline form), one more entry. */
import { Fragment, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/api.ts';
import { fmt } from '../../i18n/index.ts';
import { ErrorNote, Field, useResource, useSubmit } from '../common.tsx';
import { SETTABLE_STATUSES, SIGNAL_TYPES, type Bank, type Entry, type SettableStatus } from './types.ts';

const COLUMNS = 6;

function StatusForm({ url, entry, status, onDone, onCancel }: { url: string; entry: Entry; status: SettableStatus; onDone: (e: Entry) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const form = useSubmit();
  const [reason, setReason] = useState('');
  const id = `entry-reason-${entry.id}`;
  async function submit(e: FormEvent) {
    e.preventDefault();
    const r = await form.run(() => api<Entry>('POST', `${url}/${entry.id}/status`, { status, reason }));
    if (r) onDone(r);
  }
  const err = form.error?.field('reason');
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <fieldset>
        <legend>{t(`admin.screening.entries.to.${status}`, { id: entry.id })}</legend>
        <ErrorNote error={form.error} />
        <Field id={id} label={t('admin.screening.entries.reason')} error={err}>
          <input id={id} required autoFocus value={reason} onChange={(e) => setReason(e.target.value)} aria-describedby={err ? `${id}-error` : undefined} aria-invalid={err ? true : undefined} />
        </Field>
        <div className="screening-actions">
          <button type="submit" disabled={form.busy}>
            {t('admin.screening.entries.confirm')}
          </button>
          <button type="button" onClick={onCancel}>
            {t('admin.screening.cancel')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

function AddEntry({ url, onAdded }: { url: string; onAdded: (e: Entry, already: boolean) => void }) {
  const { t } = useTranslation();
  const form = useSubmit();
  const [signalType, setSignalType] = useState<string>('pdq');
  const [hash, setHash] = useState('');
  const [reference, setReference] = useState('');
  async function add(e: FormEvent) {
    e.preventDefault();
    const r = await form.run(() => api<Entry & { already_present?: boolean }>('POST', url, { signal_type: signalType, hash: hash.trim(), ...(reference.trim() ? { reference: reference.trim() } : {}) }));
    if (r) {
      setHash('');
      setReference('');
      onAdded(r, r.already_present === true);
    }
  }
  const err = (f: string) => form.error?.field(f);
  return (
    <form onSubmit={(e) => void add(e)} noValidate>
      <fieldset>
        <legend>{t('admin.screening.entries.add')}</legend>
        <ErrorNote error={form.error} />
        <Field id="entry-signal" label={t('admin.screening.entries.signalType')} error={err('signal_type')}>
          <select id="entry-signal" value={signalType} onChange={(e) => setSignalType(e.target.value)}>
            {SIGNAL_TYPES.map((s) => (
              <option key={s} value={s}>
                {t(`admin.screening.signals.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field id="entry-hash" label={t('admin.screening.entries.hash')} hint={t('admin.screening.entries.hashHint')} error={err('hash')}>
          <input
            id="entry-hash"
            className="mono"
            required
            spellCheck={false}
            autoComplete="off"
            value={hash}
            onChange={(e) => setHash(e.target.value)}
            aria-describedby={['entry-hash-hint', err('hash') ? 'entry-hash-error' : ''].filter(Boolean).join(' ')}
            aria-invalid={err('hash') ? true : undefined}
          />
        </Field>
        <Field id="entry-reference" label={t('admin.screening.entries.reference')} error={err('reference')}>
          <input id="entry-reference" value={reference} onChange={(e) => setReference(e.target.value)} />
        </Field>
        <button type="submit" disabled={form.busy}>
          {t('admin.screening.entries.addButton')}
        </button>
      </fieldset>
    </form>
  );
}

export function Entries({ base, bank }: { base: string; bank: Bank }) {
  const { t } = useTranslation();
  const url = `${base}/${bank.id}/entries`;
  const list = useResource<{ items: Entry[]; next_cursor: string | null }>(`${url}?limit=100`);
  const [pending, setPending] = useState<{ id: number; status: SettableStatus } | null>(null);
  const [notice, setNotice] = useState('');
  const titleId = `entries-title-${bank.id}`;

  return (
    <section aria-labelledby={titleId} className="panel">
      <h4 id={titleId}>{t('admin.screening.entries.title', { name: bank.name })}</h4>
      <ErrorNote error={list.error} />
      {list.data && list.data.items.length === 0 && <p>{t('admin.screening.entries.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <table>
          <caption className="visually-hidden">{t('admin.screening.entries.title', { name: bank.name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.screening.entries.signalType')}</th>
              <th scope="col">{t('admin.screening.entries.hash')}</th>
              <th scope="col">{t('admin.status')}</th>
              <th scope="col">{t('admin.screening.entries.reference')}</th>
              <th scope="col">{t('admin.screening.entries.added')}</th>
              <th scope="col">{t('admin.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((e) => {
              const reference = typeof e.provenance?.reference === 'string' ? e.provenance.reference : null;
              return (
                <Fragment key={e.id}>
                  <tr>
                    <td>{t(`admin.screening.signals.${e.signal_type}`, { defaultValue: e.signal_type })}</td>
                    <td className="mono">{e.hash}</td>
                    <td>
                      <span className="badge" data-entry-status={e.status}>
                        {t(`admin.screening.statuses.${e.status}`, { defaultValue: e.status })}
                      </span>
                      {e.status_reason && <span className="hint">{e.status_reason}</span>}
                    </td>
                    <td>{reference ?? '—'}</td>
                    <td>{fmt.dateTime(e.created_at)}</td>
                    <td>
                      {!bank.read_only && (
                        <div className="screening-actions">
                          {SETTABLE_STATUSES.filter((s) => s !== e.status).map((s) => (
                            <button
                              key={s}
                              type="button"
                              aria-expanded={pending?.id === e.id && pending.status === s}
                              onClick={() => setPending(pending?.id === e.id && pending.status === s ? null : { id: e.id, status: s })}
                            >
                              {t(`admin.screening.entries.mark.${s}`)}
                              <span className="visually-hidden"> — {t('admin.screening.entries.entryN', { id: e.id })}</span>
                            </button>
                          ))}
                        </div>
                      )}
                    </td>
                  </tr>
                  {pending?.id === e.id && (
                    <tr>
                      <td colSpan={COLUMNS}>
                        <StatusForm
                          key={pending.status}
                          url={url}
                          entry={e}
                          status={pending.status}
                          onCancel={() => setPending(null)}
                          onDone={(r) => {
                            setPending(null);
                            setNotice(t('admin.screening.entries.statusChanged', { id: r.id, status: t(`admin.screening.statuses.${r.status}`, { defaultValue: r.status }) }));
                            list.reload();
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      {list.data?.next_cursor && <p className="hint">{t('admin.screening.entries.more')}</p>}
      {notice && (
        <p role="status" className="ok">
          {notice}
        </p>
      )}
      {!bank.read_only && (
        <AddEntry
          url={url}
          onAdded={(e, already) => {
            setNotice(t(already ? 'admin.screening.entries.already' : 'admin.screening.entries.addedNotice', { id: e.id }));
            list.reload();
          }}
        />
      )}
    </section>
  );
}
