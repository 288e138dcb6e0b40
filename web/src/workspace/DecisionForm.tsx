/**
 * The decision on a case (the common case: a visibility restriction on the ground of illegal content or of the
 * terms and conditions, or no action), with a live preview of the statement of reasons from the server
 * (POST …/decisions/preview, debounced) in the affected user's language, and its validation problems.
 */
import { forwardRef, useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type FieldError } from '../app/api.ts';
import { currentLocale } from '../i18n/index.ts';
import { base, useDebounced, useService } from './shared.tsx';
import type { CaseDetail, Preview } from './types.ts';

const VISIBILITY = ['DECISION_VISIBILITY_CONTENT_REMOVED', 'DECISION_VISIBILITY_CONTENT_DISABLED', 'DECISION_VISIBILITY_CONTENT_DEMOTED', 'DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED', 'DECISION_VISIBILITY_CONTENT_LABELLED'];
const CONTENT_TYPES = ['CONTENT_TYPE_TEXT', 'CONTENT_TYPE_IMAGE', 'CONTENT_TYPE_VIDEO', 'CONTENT_TYPE_AUDIO', 'CONTENT_TYPE_SYNTHETIC_MEDIA'];
const ILLEGAL = 'DECISION_GROUND_ILLEGAL_CONTENT';
const TERMS = 'DECISION_GROUND_INCOMPATIBLE_CONTENT';

interface FormState {
  outcome: 'restriction' | 'no_action';
  visibility: string[];
  ground: string;
  provision: string;
  explanation: string;
  facts: string;
  scope: string;
  contentTypes: string[];
  contentDate: string;
  contentLanguage: string;
  userEmail: string;
  userLocale: '' | 'fr' | 'en';
}

function bodyOf(f: FormState, automated: boolean): Record<string, unknown> {
  const b: Record<string, unknown> = { outcome: f.outcome, decision_facts: f.facts.trim() || undefined, automated_detection: automated };
  if (f.outcome === 'restriction') {
    if (f.visibility.length > 0) b.decision_visibility = f.visibility;
    if (f.ground) b.decision_ground = f.ground;
    const provision = f.provision.trim() || undefined;
    const explanation = f.explanation.trim() || undefined;
    if (f.ground === ILLEGAL) Object.assign(b, { illegal_content_legal_ground: provision, illegal_content_explanation: explanation });
    if (f.ground === TERMS) Object.assign(b, { incompatible_content_ground: provision, incompatible_content_explanation: explanation });
    const scope = f.scope
      .split(/[\s,;]+/)
      .map((x) => x.trim().toUpperCase())
      .filter(Boolean);
    if (scope.length > 0) b.territorial_scope = scope;
    if (f.contentTypes.length > 0) b.content_type = f.contentTypes;
    if (f.contentDate) b.content_date = f.contentDate;
    if (f.contentLanguage.trim()) b.content_language = f.contentLanguage.trim().toLowerCase();
  }
  if (f.userLocale || f.userEmail.trim()) b.affected_user = { email: f.userEmail.trim() || undefined, locale: f.userLocale || undefined };
  return JSON.parse(JSON.stringify(b)) as Record<string, unknown>; // drops the undefined values
}

export type DecisionResult = { kind: 'taken'; id: string } | { kind: 'pending'; proposal: string };

interface Props {
  c: CaseDetail;
  onDecided(r: DecisionResult): void;
}

export const DecisionForm = forwardRef<HTMLFieldSetElement, Props>(function DecisionForm({ c, onDecided }, ref) {
  const { t } = useTranslation();
  const service = useService();
  const [f, setF] = useState<FormState>(() => ({
    outcome: 'restriction',
    visibility: [],
    ground: '',
    provision: '',
    explanation: '',
    facts: '',
    scope: '',
    contentTypes: [],
    contentDate: c.created_at.slice(0, 10),
    contentLanguage: c.notices[0]?.language ?? '',
    userEmail: '',
    userLocale: '',
  }));
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((prev) => ({ ...prev, [k]: v }));
  const toggle = (k: 'visibility' | 'contentTypes', v: string) => setF((prev) => ({ ...prev, [k]: prev[k].includes(v) ? prev[k].filter((x) => x !== v) : [...prev[k], v] }));
  const body = useMemo(() => bodyOf(f, c.automated_detection), [f, c.automated_detection]);
  const debounced = useDebounced(JSON.stringify(body), 400);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [lang, setLang] = useState<'fr' | 'en' | null>(null);
  const [submitError, setSubmitError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api<Preview>('POST', `${base(service)}/cases/${c.id}/decisions/preview`, JSON.parse(debounced) as unknown)
      .then((p) => {
        if (!live) return;
        setPreview(p);
        setPreviewError(null);
      })
      .catch((e: unknown) => live && setPreviewError(e instanceof ApiError ? e.message : String(e)));
    return () => {
      live = false;
    };
  }, [debounced, service, c.id]);

  const shown: 'fr' | 'en' = lang ?? preview?.affected_user_locale ?? currentLocale();
  const statement = preview?.statement?.[shown];
  const fieldError = (name: string): FieldError | undefined => (submitError?.fields ?? []).find((x) => x.path === `body.${name}`);
  const problem = (name: string) => {
    const e = fieldError(name);
    return e ? (
      <span className="field-error" id={`err-${name}`}>
        {e.reason}
      </span>
    ) : null;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setSubmitError(null);
    try {
      const r = await api<{ id?: string; status?: string; proposal?: { id: string } }>('POST', `${base(service)}/cases/${c.id}/decisions`, body);
      if (r.status === 'pending_approval' && r.proposal) onDecided({ kind: 'pending', proposal: r.proposal.id });
      else onDecided({ kind: 'taken', id: r.id ?? '' });
    } catch (err) {
      setSubmitError(err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err)));
    } finally {
      setBusy(false);
    }
  };

  const restriction = f.outcome === 'restriction';
  return (
    <div className="decision">
      <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="decision-h">
        <fieldset ref={ref} tabIndex={-1} className="decision-form">
          <legend id="decision-h">{t('workspace.decision.title')}</legend>
          <fieldset>
            <legend>{t('workspace.decision.outcome')}</legend>
            {(['restriction', 'no_action'] as const).map((o) => (
              <label key={o} className="inline">
                <input type="radio" name="outcome" value={o} checked={f.outcome === o} onChange={() => set('outcome', o)} />
                {t(`workspace.decision.outcomes.${o}`)}
              </label>
            ))}
          </fieldset>
          {restriction ? (
            <>
              <fieldset aria-describedby={fieldError('decision_visibility') ? 'err-decision_visibility' : undefined}>
                <legend>{t('workspace.decision.visibility')}</legend>
                {VISIBILITY.map((v) => (
                  <label key={v} className="inline">
                    <input type="checkbox" checked={f.visibility.includes(v)} onChange={() => toggle('visibility', v)} />
                    {t(`public.enums.tdb.${v}`, { defaultValue: v })}
                  </label>
                ))}
                {problem('decision_visibility')}
              </fieldset>
              <fieldset>
                <legend>{t('workspace.decision.ground')}</legend>
                {[ILLEGAL, TERMS].map((g) => (
                  <label key={g} className="inline">
                    <input type="radio" name="ground" value={g} checked={f.ground === g} onChange={() => set('ground', g)} />
                    {t(g === ILLEGAL ? 'workspace.decision.illegal' : 'workspace.decision.terms')}
                  </label>
                ))}
                {problem('decision_ground')}
              </fieldset>
              <label htmlFor="d-provision">
                {t(f.ground === TERMS ? 'workspace.decision.clause' : 'workspace.decision.provision')}
              </label>
              <input id="d-provision" value={f.provision} maxLength={500} onChange={(e) => set('provision', e.target.value)} />
              {problem(f.ground === TERMS ? 'incompatible_content_ground' : 'illegal_content_legal_ground')}
              <label htmlFor="d-explanation">{t('workspace.decision.explanation')}</label>
              <textarea id="d-explanation" rows={3} value={f.explanation} maxLength={2000} onChange={(e) => set('explanation', e.target.value)} />
              {problem(f.ground === TERMS ? 'incompatible_content_explanation' : 'illegal_content_explanation')}
            </>
          ) : null}
          <label htmlFor="d-facts">{t('workspace.decision.facts')}</label>
          <textarea id="d-facts" rows={4} value={f.facts} maxLength={5000} onChange={(e) => set('facts', e.target.value)} />
          {problem('decision_facts')}
          {restriction ? (
            <>
              <label htmlFor="d-scope">
                {t('workspace.decision.scope')}
                <span className="hint">{t('workspace.decision.scopeHint')}</span>
              </label>
              <input id="d-scope" value={f.scope} onChange={(e) => set('scope', e.target.value)} />
              {problem('territorial_scope')}
              <fieldset>
                <legend>{t('workspace.decision.contentType')}</legend>
                {CONTENT_TYPES.map((v) => (
                  <label key={v} className="inline">
                    <input type="checkbox" checked={f.contentTypes.includes(v)} onChange={() => toggle('contentTypes', v)} />
                    {t(`public.enums.tdb.${v}`, { defaultValue: v })}
                  </label>
                ))}
                {problem('content_type')}
              </fieldset>
              <label htmlFor="d-date">{t('workspace.decision.contentDate')}</label>
              <input id="d-date" type="date" value={f.contentDate} onChange={(e) => set('contentDate', e.target.value)} />
              {problem('content_date')}
              <label htmlFor="d-lang">
                {t('workspace.decision.contentLanguage')}
                <span className="hint">{t('workspace.decision.contentLanguageHint')}</span>
              </label>
              <input id="d-lang" value={f.contentLanguage} maxLength={3} onChange={(e) => set('contentLanguage', e.target.value)} />
              {problem('content_language')}
            </>
          ) : null}
          <p>
            <span className="label">{t('workspace.decision.automatedDetection')}</span> {t(c.automated_detection ? 'workspace.yes' : 'workspace.no')}
          </p>
          <fieldset>
            <legend>{t('workspace.decision.affectedUser')}</legend>
            <label htmlFor="d-email">
              {t('workspace.decision.userEmail')}
              <span className="hint">{t('workspace.decision.userEmailHint')}</span>
            </label>
            <input id="d-email" type="email" value={f.userEmail} onChange={(e) => set('userEmail', e.target.value)} />
            {problem('affected_user.email')}
            <label htmlFor="d-ulocale">{t('workspace.decision.userLocale')}</label>
            <select id="d-ulocale" value={f.userLocale} onChange={(e) => set('userLocale', e.target.value as FormState['userLocale'])}>
              <option value="">{t('workspace.decision.userLocaleUnknown')}</option>
              <option value="fr">Français</option>
              <option value="en">English</option>
            </select>
          </fieldset>
          {submitError ? (
            <div role="alert" className="error">
              <p>{t('workspace.decision.failed', { message: submitError.message })}</p>
              {submitError.fields.length > 0 ? (
                <ul>
                  {submitError.fields.map((x) => (
                    <li key={x.path + x.reason}>
                      <code>{x.path.replace(/^body\./, '')}</code>: {x.reason}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
          <button type="submit" disabled={busy}>
            {t('workspace.decision.submit')}
          </button>
        </fieldset>
      </form>
      <section className="preview panel" aria-labelledby="preview-h">
        <h2 id="preview-h">{t('workspace.preview.title')}</h2>
        <div className="locale-switch" role="group" aria-label={t('workspace.preview.language')}>
          {(['fr', 'en'] as const).map((l) => (
            <button key={l} type="button" lang={l} aria-pressed={shown === l} onClick={() => setLang(l)}>
              {l === 'fr' ? 'FR' : 'EN'}
            </button>
          ))}
        </div>
        {preview?.affected_user_locale ? <p className="hint">{t('workspace.preview.userLanguage', { lang: preview.affected_user_locale.toUpperCase() })}</p> : null}
        {previewError ? <p className="error">{previewError}</p> : null}
        {preview === null ? (
          <p aria-busy="true">…</p>
        ) : (
          <>
            {preview.valid ? (
              <p className="ok" data-testid="preview-valid">
                {t('workspace.preview.valid')}
              </p>
            ) : (
              <div className="warn">
                <p>{t('workspace.preview.problems', { count: preview.fields.length })}</p>
                <ul data-testid="preview-problems">
                  {preview.fields.map((x) => (
                    <li key={x.path + x.reason}>
                      <code>{x.path.replace(/^body\./, '')}</code>: {x.reason}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {preview.valid && preview.four_eyes_rules.length > 0 ? <p className="warn">{t('workspace.preview.fourEyes')}</p> : null}
            {statement ? (
              <article lang={shown} className="statement" data-testid="statement">
                <h3>{statement.title}</h3>
                {statement.sections.map((s) => (
                  <div key={s.heading}>
                    <h4>{s.heading}</h4>
                    <p>{s.text}</p>
                  </div>
                ))}
              </article>
            ) : (
              <p>{t('workspace.preview.noStatement')}</p>
            )}
          </>
        )}
      </section>
    </div>
  );
});
