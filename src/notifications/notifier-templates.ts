/**
 * The emails to a person whose notices are misused (DSA Art. 23(2)): a warning, then a suspension of the processing
 * of their notices, each with what it weighed and how to contest it. Plain text, as every Vigie email.
 */
import type { NoticeMessageData } from '../notices/index.ts';
import type { NotifierActionMessageData } from '../notifiers/index.ts';
import { greeting, SIGNATURE, type EmailContent, type Locale } from './templates.ts';

/** A moment in UTC, to the minute: "2026-03-02 14:05 UTC". */
function utc(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** What the decision weighed, when it was recorded (Art. 23(3)): manifestly unfounded notices out of all, over a window. */
function weighed(locale: Locale, a: NotifierActionMessageData): string[] {
  if (a.unfoundedCount === null || a.windowDays === null) return [];
  const total = a.noticesCount ?? a.unfoundedCount;
  return locale === 'fr'
    ? [`Sur les ${total} signalements que vous nous avez envoyés au cours des ${a.windowDays} derniers jours, ${a.unfoundedCount} ont été jugés manifestement infondés.`]
    : [`Of the ${total} notices you sent us in the last ${a.windowDays} days, ${a.unfoundedCount} were found manifestly unfounded.`];
}

/** How a notifier contests a decision about them (our policy on misuse is in our terms and conditions, DSA Art. 23(4)). */
function howToContestNotifierAction(locale: Locale, a: NotifierActionMessageData): string[] {
  return locale === 'fr'
    ? [
        `Si vous n'êtes pas d'accord, vous pouvez contester cette décision gratuitement en nous contactant (pas en répondant à ce message), avec sa référence : ${a.actionId}.`,
        "Notre politique en matière d'utilisation abusive des signalements figure dans nos conditions générales (article 23, paragraphe 4, du règlement sur les services numériques). Vous pouvez aussi saisir un tribunal.",
      ]
    : [
        `If you disagree, you can contest this decision free of charge by contacting us (not by replying to this message), quoting its reference: ${a.actionId}.`,
        'Our policy on the misuse of notices is set out in our terms and conditions (Article 23(4) of the Digital Services Act). You can also refer the matter to a court.',
      ];
}

/**
 * A warning to a person who frequently sent manifestly unfounded notices (DSA Art. 23(2): the warning a
 * suspension must follow): what, why (the reason given and the counts weighed), what may follow, how to contest.
 */
export function notifierWarning(locale: Locale, a: NotifierActionMessageData, notice: NoticeMessageData): EmailContent {
  if (locale === 'fr') {
    return {
      subject: 'Avertissement concernant vos signalements',
      text: [
        greeting(locale, notice.notifier?.name),
        '',
        `Le ${utc(a.decidedAt)}, nous vous avons adressé un avertissement : plusieurs signalements que vous nous avez envoyés étaient manifestement infondés.`,
        ...weighed(locale, a),
        'Motif indiqué par notre équipe :',
        a.reason,
        '',
        "Conformément à l'article 23, paragraphe 2, du règlement (UE) 2022/2065 sur les services numériques, si vous continuez à envoyer fréquemment des signalements manifestement infondés, " +
          'nous pourrons suspendre, pendant une durée raisonnable, le traitement de vos signalements.',
        '',
        ...howToContestNotifierAction(locale, a),
        '',
        SIGNATURE.fr,
      ].join('\n'),
    };
  }
  return {
    subject: 'A warning about your notices',
    text: [
      greeting(locale, notice.notifier?.name),
      '',
      `On ${utc(a.decidedAt)} we issued you a warning: several notices you sent us were manifestly unfounded.`,
      ...weighed(locale, a),
      'Reason given by our team:',
      a.reason,
      '',
      'Under Article 23(2) of Regulation (EU) 2022/2065 (Digital Services Act), if you continue to frequently send manifestly unfounded notices, ' +
        'we may suspend the processing of your notices for a reasonable period of time.',
      '',
      ...howToContestNotifierAction(locale, a),
      '',
      SIGNATURE.en,
    ].join('\n'),
  };
}

/**
 * A suspension of the processing of a person's notices (DSA Art. 23(2)), after a warning: what, why, from
 * when until when, and how to contest. Null when it has no period (not a suspension).
 */
export function notifierSuspension(locale: Locale, a: NotifierActionMessageData, notice: NoticeMessageData): EmailContent | null {
  if (a.startsAt === null || a.endsAt === null) return null;
  const days = Math.round((a.endsAt.getTime() - a.startsAt.getTime()) / 86_400_000);
  if (locale === 'fr') {
    return {
      subject: `Traitement de vos signalements suspendu jusqu'au ${a.endsAt.toISOString().slice(0, 10)}`,
      text: [
        greeting(locale, notice.notifier?.name),
        '',
        `Après un avertissement, nous avons suspendu le traitement des signalements que vous nous envoyez, pour ${days} jours : du ${utc(a.startsAt)} au ${utc(a.endsAt)}.`,
        "Pendant cette période, les signalements envoyés depuis votre adresse sont refusés. À la fin de la suspension, vous pourrez de nouveau nous envoyer des signalements.",
        '',
        'Pourquoi :',
        ...weighed(locale, a),
        'Motif indiqué par notre équipe :',
        a.reason,
        '',
        "Cette décision est prise en application de l'article 23, paragraphe 2, du règlement (UE) 2022/2065 sur les services numériques.",
        '',
        ...howToContestNotifierAction(locale, a),
        '',
        SIGNATURE.fr,
      ].join('\n'),
    };
  }
  return {
    subject: `Processing of your notices suspended until ${a.endsAt.toISOString().slice(0, 10)}`,
    text: [
      greeting(locale, notice.notifier?.name),
      '',
      `After a warning, we have suspended the processing of the notices you send us for ${days} days: from ${utc(a.startsAt)} until ${utc(a.endsAt)}.`,
      'During this period, notices sent from your address are refused. Once the suspension ends, you can send us notices again.',
      '',
      'Why:',
      ...weighed(locale, a),
      'Reason given by our team:',
      a.reason,
      '',
      'This decision is taken under Article 23(2) of Regulation (EU) 2022/2065 (Digital Services Act).',
      '',
      ...howToContestNotifierAction(locale, a),
      '',
      SIGNATURE.en,
    ].join('\n'),
  };
}
