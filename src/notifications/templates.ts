/**
 * The emails Vigie sends, in French or English, as plain text (never HTML built from user input).
 * Each template receives only what it needs: the notifier's own notice reference, the decision's facts —
 * never the content of other notices nor who else reported.
 */
import type { AppealMessageData, DecisionMessageData } from '../decisions/index.ts';
import type { NoticeMessageData } from '../notices/index.ts';

export type Locale = 'en' | 'fr';

export interface EmailContent {
  subject: string;
  text: string;
}

export function localeOf(value: string | null | undefined): Locale {
  return value === 'fr' ? 'fr' : 'en';
}

export function greeting(locale: Locale, name: string | null | undefined): string {
  const n = name?.trim();
  if (locale === 'fr') return n ? `Bonjour ${n},` : 'Bonjour,';
  return n ? `Hello ${n},` : 'Hello,';
}

export const SIGNATURE: Record<Locale, string> = {
  fr: "—\nCe message a été envoyé automatiquement ; merci de ne pas y répondre.",
  en: '—\nThis message was sent automatically; please do not reply.',
};

function trackingUrl(publicUrl: string | undefined, notice: NoticeMessageData): string | null {
  if (!publicUrl) return null;
  return `${publicUrl.replace(/\/+$/, '')}/v1/public/services/${encodeURIComponent(notice.serviceSlug)}/notices/${encodeURIComponent(notice.reference)}`;
}

/** Acknowledgement of receipt of a notice (DSA Art. 16(4)). */
export function acknowledgement(locale: Locale, notice: NoticeMessageData, publicUrl: string | undefined): EmailContent {
  const url = trackingUrl(publicUrl, notice);
  if (locale === 'fr') {
    return {
      subject: `Signalement ${notice.reference} reçu`,
      text: [
        greeting(locale, notice.notifier?.name),
        '',
        `Nous avons bien reçu votre signalement. Sa référence est ${notice.reference}.`,
        'Nous allons l’examiner et vous informerons de notre décision.',
        '',
        'Pour suivre son avancement, utilisez cette référence avec le jeton de suivi qui vous a été remis lors du dépôt ' +
          '(il figure sur votre accusé de dépôt ; nous ne le conservons pas et ne pouvons pas vous le renvoyer).',
        ...(url ? [`Suivi : ${url}`] : []),
        '',
        SIGNATURE.fr,
      ].join('\n'),
    };
  }
  return {
    subject: `Notice ${notice.reference} received`,
    text: [
      greeting(locale, notice.notifier?.name),
      '',
      `We have received your notice. Its reference is ${notice.reference}.`,
      'We will review it and let you know what we decide.',
      '',
      'To follow its progress, use this reference with the tracking token you were given when you submitted it ' +
        '(it is in your submission receipt; we do not keep it and cannot send it again).',
      ...(url ? [`Tracking: ${url}`] : []),
      '',
      SIGNATURE.en,
    ].join('\n'),
  };
}

const MEASURES: Array<{ key: string; fr: string; en: string }> = [
  { key: 'decision_visibility', fr: 'nous avons restreint la visibilité du contenu (retrait, blocage, déclassement ou étiquetage)', en: 'we restricted the visibility of the content (removal, disabling, demotion or labelling)' },
  { key: 'decision_monetary', fr: 'nous avons restreint sa monétisation', en: 'we restricted its monetisation' },
  { key: 'decision_provision', fr: 'nous avons suspendu ou résilié tout ou partie du service fourni à son auteur', en: 'we suspended or terminated all or part of the service provided to its author' },
  { key: 'decision_account', fr: 'nous avons suspendu ou supprimé le compte de son auteur', en: "we suspended or terminated its author's account" },
];

function measuresOf(tdb: Record<string, unknown> | null, locale: Locale): string[] {
  if (!tdb) return [];
  return MEASURES.filter((m) => {
    const v = tdb[m.key];
    return Array.isArray(v) ? v.length > 0 : typeof v === 'string' && v !== '';
  }).map((m) => m[locale]);
}

/** The outcome of a notice, to its notifier (DSA Art. 16(5)): what was decided, in plain words. */
export function outcome(locale: Locale, notice: NoticeMessageData, decision: DecisionMessageData): EmailContent {
  const restricted = decision.outcome === 'restriction';
  const measures = measuresOf(decision.tdb, locale);
  if (locale === 'fr') {
    const what = restricted
      ? `Nous avons décidé d'agir sur le contenu que vous avez signalé${measures.length > 0 ? ' : ' + measures.join(' ; ') : ''}.`
      : "Après examen, nous n'avons pas pris de mesure : nous n'avons pas considéré le contenu signalé comme illicite ni contraire à nos conditions d'utilisation.";
    return {
      subject: `Décision sur votre signalement ${notice.reference}`,
      text: [
        greeting(locale, notice.notifier?.name),
        '',
        `Nous avons examiné votre signalement ${notice.reference}.`,
        what,
        '',
        `Si vous n'êtes pas d'accord, vous pouvez contester cette décision gratuitement auprès de nous jusqu'au ${decision.appealUntil} ` +
          "(réclamation interne, article 20 du règlement sur les services numériques), en indiquant la référence de votre signalement. " +
          "Vous pouvez aussi saisir un organisme de règlement extrajudiciaire des litiges certifié (article 21) ou un tribunal.",
        '',
        SIGNATURE.fr,
      ].join('\n'),
    };
  }
  const what = restricted
    ? `We decided to act on the content you reported${measures.length > 0 ? ': ' + measures.join('; ') : ''}.`
    : 'After review, we took no action: we did not find the reported content illegal or incompatible with our terms and conditions.';
  return {
    subject: `Decision on your notice ${notice.reference}`,
    text: [
      greeting(locale, notice.notifier?.name),
      '',
      `We have reviewed your notice ${notice.reference}.`,
      what,
      '',
      `If you disagree, you can contest this decision free of charge with us until ${decision.appealUntil} ` +
        '(internal complaint, Article 20 of the Digital Services Act), quoting your notice reference. ' +
        'You can also refer it to a certified out-of-court dispute settlement body (Article 21) or to a court.',
      '',
      SIGNATURE.en,
    ].join('\n'),
  };
}

/**
 * How the affected user contests a decision: their appeal token (derived at send time, never stored) and,
 * when PUBLIC_URL is set, a link to the statement page that carries it. `token` is null when it could not
 * be given (the link key changed since the decision): the email then says how to contact us instead.
 */
export interface AppealAccess {
  decisionId: string;
  token: string | null;
  link: string | null;
}

/**
 * The affected user's link to a statement: `${PUBLIC_URL}/statements/<service>/<decision>#token=<token>`.
 * The token is in the fragment, which browsers never send to the server nor in Referer: the page reads it
 * and sends it in the X-Appeal-Token header to GET …/decisions/:id/statement and in the body of POST …/appeals.
 */
export function statementLink(publicUrl: string | undefined, serviceSlug: string, decisionId: string, token: string | null): string | null {
  if (!publicUrl || !token) return null;
  return `${publicUrl.replace(/\/+$/, '')}/statements/${encodeURIComponent(serviceSlug)}/${encodeURIComponent(decisionId)}#token=${encodeURIComponent(token)}`;
}

function howToAppeal(locale: Locale, access: AppealAccess, until: string): string[] {
  if (locale === 'fr') {
    if (!access.token) {
      return [`Pour contester cette décision (gratuitement, jusqu'au ${until}), contactez-nous en indiquant la référence de la décision : ${access.decisionId}.`];
    }
    return [
      `Pour contester cette décision (gratuitement, jusqu'au ${until}) :`,
      ...(access.link ? [`ouvrez ce lien personnel, qui affiche aussi cet exposé des motifs et l'état de votre contestation :`, access.link, 'ou indiquez :'] : ['indiquez :']),
      `- la référence de la décision : ${access.decisionId}`,
      `- votre jeton de contestation : ${access.token}`,
      'Ce lien et ce jeton vous sont personnels : ne les transmettez pas.',
    ];
  }
  if (!access.token) {
    return [`To contest this decision (free of charge, until ${until}), contact us quoting the decision reference: ${access.decisionId}.`];
  }
  return [
    `To contest this decision (free of charge, until ${until}):`,
    ...(access.link ? ['open this personal link, which also shows this statement of reasons and where your complaint stands:', access.link, 'or give:'] : ['give:']),
    `- the decision reference: ${access.decisionId}`,
    `- your appeal token: ${access.token}`,
    'This link and this token are personal to you: do not share them.',
  ];
}

/** The statement of reasons, to the affected user (DSA Art. 17): the full text, the appeal deadline and how to appeal. */
export function statementOfReasons(locale: Locale, decision: DecisionMessageData, access: AppealAccess): EmailContent | null {
  const st = decision.statement(locale);
  if (!st) return null;
  const body = st.sections.flatMap((s) => [s.heading, s.text, '']);
  const appeal = howToAppeal(locale, access, decision.appealUntil);
  if (locale === 'fr') {
    return {
      subject: `${st.title} : décision concernant votre contenu`,
      text: [
        'Bonjour,',
        '',
        "Nous avons pris une décision concernant un contenu ou un compte qui vous est associé. En voici l'exposé des motifs.",
        ...(decision.supersedes ? [`Cette décision remplace une décision antérieure (référence ${decision.supersedes}).`] : []),
        '',
        st.title,
        '',
        ...body,
        `Date limite pour contester cette décision auprès de nous : ${decision.appealUntil}.`,
        ...(decision.puid ? [`Référence de la décision : ${decision.puid}`] : []),
        '',
        ...appeal,
        '',
        SIGNATURE.fr,
      ].join('\n'),
    };
  }
  return {
    subject: `${st.title}: a decision about your content`,
    text: [
      'Hello,',
      '',
      'We have taken a decision about content or an account associated with you. Here is the statement of reasons.',
      ...(decision.supersedes ? [`This decision replaces an earlier one (reference ${decision.supersedes}).`] : []),
      '',
      st.title,
      '',
      ...body,
      `Deadline to contest this decision with us: ${decision.appealUntil}.`,
      ...(decision.puid ? [`Decision reference: ${decision.puid}`] : []),
      '',
      ...appeal,
      '',
      SIGNATURE.en,
    ].join('\n'),
  };
}

/**
 * The prior warning before a suspension (DSA Art. 23(1)), to the affected user: why, what comes next, and how
 * to contest it (a warning is a decision like any other).
 */
export function accountWarning(locale: Locale, decision: DecisionMessageData, access: AppealAccess): EmailContent | null {
  const w = decision.warning;
  if (!w) return null;
  const appeal = howToAppeal(locale, access, decision.appealUntil);
  if (locale === 'fr') {
    const next = w.next
      ? w.next.action === 'suspension'
        ? `Si un nouveau contenu manifestement illicite est publié depuis votre compte, celui-ci sera suspendu pendant ${w.next.suspension_days ?? 0} jours.`
        : 'Si un nouveau contenu manifestement illicite est publié depuis votre compte, vous recevrez un nouvel avertissement.'
      : '';
    return {
      subject: 'Avertissement concernant votre compte',
      text: [
        'Bonjour,',
        '',
        `Plusieurs contenus publiés depuis votre compte (${w.activeStrikes}) ont été jugés manifestement illicites et ont fait l'objet de décisions de modération.`,
        "Conformément à l'article 23, paragraphe 1, du règlement (UE) 2022/2065 sur les services numériques, nous vous adressons cet avertissement préalable.",
        ...(next ? ['', next] : []),
        '',
        'Faits et décisions pris en compte (en anglais) :',
        w.facts,
        '',
        ...appeal,
        '',
        SIGNATURE.fr,
      ].join('\n'),
    };
  }
  const next = w.next
    ? w.next.action === 'suspension'
      ? `If manifestly illegal content is posted from your account again, the account will be suspended for ${w.next.suspension_days ?? 0} days.`
      : 'If manifestly illegal content is posted from your account again, you will receive another warning.'
    : '';
  return {
    subject: 'A warning about your account',
    text: [
      'Hello,',
      '',
      `Several items of content posted from your account (${w.activeStrikes}) were found to be manifestly illegal and were acted upon.`,
      'Under Article 23(1) of Regulation (EU) 2022/2065 (Digital Services Act), this is our prior warning.',
      ...(next ? ['', next] : []),
      '',
      'Facts and decisions taken into account:',
      w.facts,
      '',
      ...appeal,
      '',
      SIGNATURE.en,
    ].join('\n'),
  };
}

/**
 * A decision corrected (not on appeal), to the affected user of the decision it replaces: the decision now in
 * force with its statement of reasons (or that no restriction applies any more), and their personal link.
 * `access` is for the earlier decision (their token); its page shows the decision now in force.
 */
export function correctedStatement(locale: Locale, earlier: DecisionMessageData, current: DecisionMessageData, access: AppealAccess): EmailContent {
  const st = current.statement(locale);
  const body = st ? st.sections.flatMap((s) => [s.heading, s.text, '']) : [];
  if (locale === 'fr') {
    return {
      subject: 'Décision corrigée concernant votre contenu',
      text: [
        'Bonjour,',
        '',
        `Nous avons corrigé notre décision ${earlier.decisionId} concernant un contenu ou un compte qui vous est associé. La nouvelle décision la remplace.`,
        '',
        ...(st
          ? ["En voici l'exposé des motifs.", '', st.title, '', ...body, ...(current.puid ? [`Référence de la décision : ${current.puid}`, ''] : [])]
          : ["Aucune restriction ne s'applique plus : les restrictions imposées par la décision précédente sont levées.", '']),
        ...(access.link
          ? ["La décision en vigueur, son exposé des motifs et l'état de vos contestations (lien personnel, ne le transmettez pas) :", access.link, '']
          : []),
        SIGNATURE.fr,
      ].join('\n'),
    };
  }
  return {
    subject: 'Corrected decision about your content',
    text: [
      'Hello,',
      '',
      `We have corrected our decision ${earlier.decisionId} about content or an account associated with you. The new decision replaces it.`,
      '',
      ...(st
        ? ['Here is its statement of reasons.', '', st.title, '', ...body, ...(current.puid ? [`Decision reference: ${current.puid}`, ''] : [])]
        : ['No restriction applies any more: the restrictions imposed by the earlier decision are lifted.', '']),
      ...(access.link ? ['The decision now in force, its statement of reasons and where your complaints stand (personal link, do not share it):', access.link, ''] : []),
      SIGNATURE.en,
    ].join('\n'),
  };
}

/** Receipt of an internal complaint (DSA Art. 20), to the person who lodged it. */
export function appealAcknowledgement(locale: Locale, appeal: AppealMessageData, noticeReference: string | null): EmailContent {
  const lodged = appeal.lodgedAt.toISOString().slice(0, 10);
  if (locale === 'fr') {
    return {
      subject: noticeReference ? `Contestation reçue (signalement ${noticeReference})` : 'Contestation de la décision reçue',
      text: [
        'Bonjour,',
        '',
        `Nous avons bien reçu le ${lodged} votre réclamation contre notre décision${noticeReference ? ` sur votre signalement ${noticeReference}` : ''}.`,
        "Elle sera examinée par une personne qui n'a pas pris la décision initiale, et nous vous informerons du résultat. Cette procédure est gratuite.",
        '',
        SIGNATURE.fr,
      ].join('\n'),
    };
  }
  return {
    subject: noticeReference ? `Complaint received (notice ${noticeReference})` : 'Complaint about our decision received',
    text: [
      'Hello,',
      '',
      `On ${lodged} we received your complaint against our decision${noticeReference ? ` on your notice ${noticeReference}` : ''}.`,
      'It will be reviewed by a person who did not take the original decision, and we will tell you the outcome. This procedure is free of charge.',
      '',
      SIGNATURE.en,
    ].join('\n'),
  };
}

const APPEAL_OUTCOMES: Record<'upheld' | 'reversed' | 'modified', Record<Locale, string>> = {
  upheld: {
    fr: 'Après un nouvel examen, nous maintenons la décision.',
    en: 'After a new review, we uphold the decision.',
  },
  reversed: {
    fr: 'Après un nouvel examen, nous annulons la décision : les restrictions imposées sont levées et le contenu est rétabli.',
    en: 'After a new review, we reverse the decision: the restrictions it imposed are lifted and the content is reinstated.',
  },
  modified: {
    fr: "Après un nouvel examen, nous modifions la décision. La nouvelle décision remplace l'ancienne ; la personne concernée reçoit son exposé des motifs.",
    en: 'After a new review, we modify the decision. The new decision replaces the previous one; the person concerned receives its statement of reasons.',
  },
};

/**
 * The outcome of an internal complaint (DSA Art. 20(4)-(5)), to each party, with the further redress available.
 * `statementUrl`: to the affected user, their link to the statement page, which shows the decision now in force.
 */
export function appealOutcome(
  locale: Locale,
  appeal: AppealMessageData & { outcome: 'upheld' | 'reversed' | 'modified' },
  noticeReference: string | null,
  statementUrl: string | null = null,
): EmailContent {
  const what = APPEAL_OUTCOMES[appeal.outcome][locale];
  const link =
    statementUrl === null
      ? []
      : locale === 'fr'
        ? ['', "La décision en vigueur et son exposé des motifs (lien personnel, ne le transmettez pas) :", statementUrl]
        : ['', 'The decision now in force and its statement of reasons (personal link, do not share it):', statementUrl];
  if (locale === 'fr') {
    return {
      subject: noticeReference ? `Résultat de la contestation (signalement ${noticeReference})` : 'Résultat de la contestation de notre décision',
      text: [
        'Bonjour,',
        '',
        `Une décision${noticeReference ? ` concernant votre signalement ${noticeReference}` : ' qui vous concerne'} a été contestée auprès de nous.`,
        what,
        ...link,
        '',
        "Si vous n'êtes pas d'accord, vous pouvez saisir un organisme de règlement extrajudiciaire des litiges certifié " +
          '(article 21 du règlement sur les services numériques) ou un tribunal.',
        '',
        SIGNATURE.fr,
      ].join('\n'),
    };
  }
  return {
    subject: noticeReference ? `Outcome of the complaint (notice ${noticeReference})` : 'Outcome of the complaint about our decision',
    text: [
      'Hello,',
      '',
      `A decision ${noticeReference ? `on your notice ${noticeReference}` : 'concerning you'} was contested with us.`,
      what,
      ...link,
      '',
      'If you disagree, you can refer it to a certified out-of-court dispute settlement body (Article 21 of the Digital Services Act) or to a court.',
      '',
      SIGNATURE.en,
    ].join('\n'),
  };
}
