/**
 * Referring a case (roles with referrals:create): a suspected threat to life or safety to the competent authority
 * (DSA Art. 18), or child sexual abuse material to the national hotline. Shown on the case page, collapsed. The
 * answer carries the export to send (vigie.referral/1), offered as a download.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../app/api.ts';
import { ErrorNote, Field, useResource, useSubmit } from '../admin/common.tsx';
import { fmt } from '../i18n/index.ts';
import { base, describedBy, localToIso, MemberStateOptions, REFERRAL_KINDS, roleCan } from './common.tsx';

interface Recipient {
  id: string;
  name: string;
  member_state: string | null;
  kind: string;
  url: string;
  receives: string;
}

interface Referral {
  id: string;
  kind: string;
  recipient: { id: string | null; name: string; url: string | null };
  member_state: string | null;
  sent_at: string;
  export: unknown;
}

const browserZone = () => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
};

/** A download link for the export: the API's (roles with referrals:read) or the copy in the answer. */
function ExportLink({ service, referral, canRead }: { service: string; referral: Referral; canRead: boolean }) {
  const { t } = useTranslation();
  const blobUrl = useMemo(
    () => (canRead ? null : URL.createObjectURL(new Blob([JSON.stringify(referral.export, null, 2)], { type: 'application/json' }))),
    [canRead, referral],
  );
  useEffect(() => () => (blobUrl ? URL.revokeObjectURL(blobUrl) : undefined), [blobUrl]);
  return (
    <a href={blobUrl ?? `${base(service)}/referrals/${referral.id}/export`} download={`referral-${referral.id}.json`}>
      {t('orders.referral.export')}
    </a>
  );
}

export function ReferralForm({ service, caseId, role }: { service: string; caseId: string; role: string | null }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const recipients = useResource<{ items: Recipient[] }>(open ? `${base(service)}/referral-recipients` : null);
  const form = useSubmit();
  const [kind, setKind] = useState<string>(REFERRAL_KINDS[0]);
  const [recipientId, setRecipientId] = useState('');
  const [memberState, setMemberState] = useState('');
  const [facts, setFacts] = useState('');
  const [occurred, setOccurred] = useState('');
  const [timezone, setTimezone] = useState(browserZone);
  const [suspects, setSuspects] = useState('');
  const [done, setDone] = useState<Referral | null>(null);
  if (!roleCan(role, 'referrals:create')) return null;

  const forKind = (recipients.data?.items ?? []).filter((r) => r.kind === kind);
  const pickRecipient = (id: string) => {
    setRecipientId(id);
    const r = forKind.find((x) => x.id === id);
    if (r) setMemberState(r.member_state ?? '');
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const accounts = suspects
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
    const body = {
      case_id: caseId,
      kind,
      ...(recipientId ? { recipient_id: recipientId } : {}),
      member_state: memberState || null,
      facts,
      ...(occurred ? { occurred_at: localToIso(occurred), timezone } : {}),
      ...(accounts.length > 0 ? { suspect_accounts: accounts } : {}),
    };
    const r = await form.run(() => api<Referral>('POST', `${base(service)}/referrals`, body));
    if (r) {
      setDone(r);
      setFacts('');
      setSuspects('');
      setOccurred('');
    }
  };
  const err = (k: string) => form.error?.field(k);

  return (
    <section aria-labelledby="referral-heading">
      <h2 id="referral-heading">{t('orders.referral.heading')}</h2>
      <details className="panel" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary>{t('orders.referral.title')}</summary>
        <p className="hint">{t('orders.referral.intro')}</p>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <ErrorNote error={recipients.error ?? form.error} />
          <fieldset>
            <legend>{t('orders.referral.kind')}</legend>
            {REFERRAL_KINDS.map((k) => (
              <div className="check" key={k}>
                <input
                  type="radio"
                  name="referral-kind"
                  id={`referral-kind-${k}`}
                  value={k}
                  checked={kind === k}
                  onChange={() => {
                    setKind(k);
                    setRecipientId('');
                  }}
                />
                <label htmlFor={`referral-kind-${k}`}>{t(`orders.referral.kinds.${k}`)}</label>
              </div>
            ))}
          </fieldset>
          <Field id="referral-recipient" label={t('orders.referral.recipient')} error={err('recipient_id')}>
            <select id="referral-recipient" value={recipientId} onChange={(e) => pickRecipient(e.target.value)} {...describedBy('referral-recipient', { error: err('recipient_id') })}>
              <option value="">{t('orders.referral.chooseRecipient')}</option>
              {forKind.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                  {r.member_state ? ` (${r.member_state})` : ''}
                </option>
              ))}
            </select>
          </Field>
          <Field id="referral-state" label={t('orders.referral.memberState')} hint={t('orders.referral.memberStateHint')} error={err('member_state')}>
            <select id="referral-state" value={memberState} onChange={(e) => setMemberState(e.target.value)} {...describedBy('referral-state', { hint: true, error: err('member_state') })}>
              <option value="">{t('orders.referral.unclear')}</option>
              <MemberStateOptions />
            </select>
          </Field>
          <Field id="referral-facts" label={t('orders.referral.facts')} hint={t('orders.referral.factsHint')} error={err('facts')}>
            <textarea id="referral-facts" rows={4} value={facts} onChange={(e) => setFacts(e.target.value)} {...describedBy('referral-facts', { hint: true, error: err('facts') })} />
          </Field>
          <Field id="referral-occurred" label={t('orders.referral.occurred')} hint={t('orders.referral.occurredHint')} error={err('occurred_at')}>
            <input id="referral-occurred" type="datetime-local" value={occurred} onChange={(e) => setOccurred(e.target.value)} {...describedBy('referral-occurred', { hint: true, error: err('occurred_at') })} />
          </Field>
          <Field id="referral-tz" label={t('orders.referral.timezone')} hint={t('orders.referral.timezoneHint')} error={err('timezone')}>
            <input id="referral-tz" value={timezone} onChange={(e) => setTimezone(e.target.value)} {...describedBy('referral-tz', { hint: true, error: err('timezone') })} />
          </Field>
          <Field id="referral-suspects" label={t('orders.referral.suspects')} hint={t('orders.referral.suspectsHint')} error={err('suspect_accounts')}>
            <textarea id="referral-suspects" rows={2} value={suspects} onChange={(e) => setSuspects(e.target.value)} {...describedBy('referral-suspects', { hint: true, error: err('suspect_accounts') })} />
          </Field>
          <button type="submit" disabled={form.busy}>
            {t('orders.referral.submit')}
          </button>
        </form>
        <div role="status">
          {done ? (
            <p className="ok">
              {t('orders.referral.done', { recipient: done.recipient.name, when: fmt.dateTime(done.sent_at) })}{' '}
              <ExportLink service={service} referral={done} canRead={roleCan(role, 'referrals:read')} />
            </p>
          ) : null}
        </div>
      </details>
    </section>
  );
}
