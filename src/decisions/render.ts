import { LABELS_EN } from '../taxonomy/categories.ts';

/**
 * The statement of reasons as the affected user reads it (DSA Art. 17(3)), in French or English:
 * what was restricted, where and until when, the facts, whether automated means were used, the legal or
 * contractual ground and why, and the means of redress. Text only: never rendered as HTML from user input.
 */
type Locale = 'en' | 'fr';

const RESTRICTIONS: Record<string, Record<Locale, string>> = {
  DECISION_VISIBILITY_CONTENT_REMOVED: { en: 'the content was removed', fr: 'le contenu a été retiré' },
  DECISION_VISIBILITY_CONTENT_DISABLED: { en: 'access to the content was disabled', fr: "l'accès au contenu a été bloqué" },
  DECISION_VISIBILITY_CONTENT_DEMOTED: { en: 'the content was demoted', fr: 'la visibilité du contenu a été réduite' },
  DECISION_VISIBILITY_CONTENT_AGE_RESTRICTED: { en: 'the content was restricted by age', fr: "l'accès au contenu a été restreint selon l'âge" },
  DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED: { en: 'interaction with the content was restricted', fr: 'les interactions avec le contenu ont été restreintes' },
  DECISION_VISIBILITY_CONTENT_LABELLED: { en: 'the content was labelled', fr: 'le contenu a été signalé par une étiquette' },
  DECISION_VISIBILITY_OTHER: { en: 'another restriction of visibility', fr: 'une autre restriction de visibilité' },
  DECISION_MONETARY_SUSPENSION: { en: 'monetary payments were suspended', fr: 'les paiements ont été suspendus' },
  DECISION_MONETARY_TERMINATION: { en: 'monetary payments were terminated', fr: 'les paiements ont été supprimés' },
  DECISION_MONETARY_OTHER: { en: 'another monetary restriction', fr: 'une autre restriction financière' },
  DECISION_PROVISION_PARTIAL_SUSPENSION: { en: 'the service was partially suspended', fr: 'le service a été partiellement suspendu' },
  DECISION_PROVISION_TOTAL_SUSPENSION: { en: 'the service was suspended', fr: 'le service a été suspendu' },
  DECISION_PROVISION_PARTIAL_TERMINATION: { en: 'the service was partially terminated', fr: 'le service a été partiellement résilié' },
  DECISION_PROVISION_TOTAL_TERMINATION: { en: 'the service was terminated', fr: 'le service a été résilié' },
  DECISION_ACCOUNT_SUSPENDED: { en: 'your account was suspended', fr: 'votre compte a été suspendu' },
  DECISION_ACCOUNT_TERMINATED: { en: 'your account was terminated', fr: 'votre compte a été supprimé' },
};

const T = {
  title: { en: 'Statement of reasons', fr: 'Exposé des motifs' },
  decision: { en: 'What we decided', fr: 'Notre décision' },
  scope: { en: 'Where and for how long', fr: 'Où et pour combien de temps' },
  everywhere: { en: 'everywhere the service is available', fr: 'partout où le service est disponible' },
  indefinite: { en: 'without a set end date', fr: 'sans date de fin fixée' },
  until: { en: 'until', fr: "jusqu'au" },
  facts: { en: 'Facts and circumstances', fr: 'Faits et circonstances' },
  source: { en: 'How this came to us', fr: 'Origine de la décision' },
  automation: { en: 'Automated means', fr: 'Moyens automatisés' },
  ground: { en: 'Why', fr: 'Motifs' },
  redress: { en: 'Your options', fr: 'Vos recours' },
} satisfies Record<string, Record<Locale, string>>;

const SOURCES: Record<string, Record<Locale, string>> = {
  SOURCE_ARTICLE_16: { en: 'A notice was submitted under Article 16 of the Digital Services Act.', fr: "Un signalement a été déposé au titre de l'article 16 du règlement sur les services numériques." },
  SOURCE_TRUSTED_FLAGGER: { en: 'A notice was submitted by a trusted flagger (Article 22 DSA).', fr: "Un signalement a été déposé par un signaleur de confiance (article 22 du RSN)." },
  SOURCE_TYPE_OTHER_NOTIFICATION: { en: 'We were notified by other means.', fr: 'Nous avons été informés par un autre moyen.' },
  SOURCE_VOLUNTARY: { en: 'We acted on our own initiative.', fr: 'Nous avons agi de notre propre initiative.' },
};

const AUTOMATION: Record<string, Record<Locale, string>> = {
  AUTOMATED_DECISION_FULLY: { en: 'The decision was taken fully by automated means.', fr: 'La décision a été prise de manière entièrement automatisée.' },
  AUTOMATED_DECISION_PARTIALLY: { en: 'Automated means helped take the decision; a person reviewed it.', fr: 'Des moyens automatisés ont contribué à la décision ; une personne l’a examinée.' },
  AUTOMATED_DECISION_NOT_AUTOMATED: { en: 'The decision was taken by a person.', fr: 'La décision a été prise par une personne.' },
};

export interface RenderedStatement {
  locale: Locale;
  title: string;
  sections: Array<{ heading: string; text: string }>;
}

export function renderStatement(tdb: Record<string, unknown>, locale: Locale, appealUntil: string): RenderedStatement {
  const str = (k: string) => (typeof tdb[k] === 'string' ? (tdb[k] as string) : undefined);
  const keys = [...((tdb.decision_visibility as string[] | undefined) ?? []), str('decision_monetary'), str('decision_provision'), str('decision_account')].filter(
    (x): x is string => typeof x === 'string',
  );
  const restrictions = keys.map((k) => RESTRICTIONS[k]?.[locale] ?? k);
  const others = [str('decision_visibility_other'), str('decision_monetary_other')].filter(Boolean);
  const ends = ['end_date_visibility_restriction', 'end_date_monetary_restriction', 'end_date_service_restriction', 'end_date_account_restriction']
    .map(str)
    .filter((x): x is string => Boolean(x));
  const scope = (tdb.territorial_scope as string[] | undefined)?.join(', ') ?? T.everywhere[locale];
  const duration = ends.length > 0 ? `${T.until[locale]} ${ends.sort().reverse()[0]}` : T.indefinite[locale];
  const category = LABELS_EN[str('category') ?? ''] ?? str('category') ?? '';
  const illegal = str('decision_ground') === 'DECISION_GROUND_ILLEGAL_CONTENT';
  const ground = illegal
    ? locale === 'fr'
      ? `Le contenu est illicite au regard de : ${str('illegal_content_legal_ground')}. ${str('illegal_content_explanation')}`
      : `The content is illegal under: ${str('illegal_content_legal_ground')}. ${str('illegal_content_explanation')}`
    : locale === 'fr'
      ? `Le contenu est contraire à nos conditions d'utilisation : ${str('incompatible_content_ground')}. ${str('incompatible_content_explanation')}`
      : `The content is incompatible with our terms and conditions: ${str('incompatible_content_ground')}. ${str('incompatible_content_explanation')}`;
  const reference = str('decision_ground_reference_url');
  const redress =
    locale === 'fr'
      ? `Vous pouvez contester cette décision gratuitement auprès de nous jusqu'au ${appealUntil} (réclamation interne, article 20 du RSN) ; ` +
        "elle sera réexaminée par une autre personne. Vous pouvez aussi saisir un organisme de règlement extrajudiciaire des litiges certifié (article 21) " +
        'ou un tribunal (recours juridictionnel), à tout moment.'
      : `You can contest this decision free of charge with us until ${appealUntil} (internal complaint, Article 20 DSA); ` +
        'another person will review it. You can also refer it to a certified out-of-court dispute settlement body (Article 21) ' +
        'or to a court (judicial redress), at any time.';
  return {
    locale,
    title: T.title[locale],
    sections: [
      { heading: T.decision[locale], text: [...restrictions, ...others].join('; ') + ` (${category}).` },
      { heading: T.scope[locale], text: `${scope} — ${duration}.` },
      { heading: T.facts[locale], text: str('decision_facts') ?? '' },
      { heading: T.source[locale], text: SOURCES[str('source_type') ?? '']?.[locale] ?? '' },
      { heading: T.automation[locale], text: `${AUTOMATION[str('automated_decision') ?? '']?.[locale] ?? ''}${tdb.automated_detection === 'Yes' ? (locale === 'fr' ? ' Le contenu a été détecté automatiquement.' : ' The content was detected automatically.') : ''}` },
      { heading: T.ground[locale], text: reference ? `${ground} (${reference})` : ground },
      { heading: T.redress[locale], text: redress },
    ],
  };
}
