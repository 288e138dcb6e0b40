/**
 * Email delivery of the outbox: a periodic task takes due pending messages one at a time under a lease
 * (SKIP LOCKED; no transaction is held while SMTP answers), composes each from the owning domains' data,
 * sends it and marks it sent once the SMTP server accepted it.
 *
 * At-least-once: if the process dies after the server accepted a message and before it was marked sent,
 * the lease runs out and the message is sent again (the window is one SMTP answer + one UPDATE). A message
 * is never marked sent without having been accepted.
 * Each message carries its outbox id in `X-Vigie-Message` so a duplicate can be recognised.
 *
 * Logs carry outbox ids, templates and error codes only — never addresses, names, bodies or tokens.
 *
 * The affected user's appeal token is derived at send time from the link key (it is never stored) and put
 * in their statement of reasons (and their appeal outcome, as a link) only if its sha256 is the one stored
 * with the decision: after a change of link key it would open nothing, so it is left out (a warning with
 * the outbox id) and the email says how to contact us instead.
 */
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { appealForMessage, decisionForMessage, recipientDecisionBefore, type DecisionMessageData } from '../decisions/index.ts';
import type { PeriodicTask } from '../jobs/index.ts';
import { noticeForMessage } from '../notices/index.ts';
import { notifierActionForMessage } from '../notifiers/index.ts';
import { createMailer, type Mailer } from './mailer.ts';
import { claimDueEmail, markFailed, markSent, markSkipped, type ClaimedMessage } from './sql.ts';
import {
  accountWarning,
  acknowledgement,
  appealAcknowledgement,
  appealOutcome,
  correctedStatement,
  localeOf,
  outcome,
  statementLink,
  statementOfReasons,
  type AppealAccess,
  type EmailContent,
} from './templates.ts';
import { notifierSuspension, notifierWarning } from './notifier-templates.ts';

/** ~68 minutes of retries in total (2 + 4 + … + 2048 s) before a message is dead. */
export const DEFAULT_MAX_ATTEMPTS = 12;

/** How long a message being sent is reserved: longer than the mailer's connection + socket timeouts. */
const LEASE_SECONDS = 120;

export interface DeliveryLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface DeliveryOptions {
  /** A ready mailer (default: one from config.smtpUrl, closed at the end of the run). */
  mailer?: Mailer;
  log?: DeliveryLog;
  /** Messages per run at most. */
  batch?: number;
  maxAttempts?: number;
  /**
   * The link key (AppContext.linkKey) from which appeal tokens are derived. Without it, emails to affected
   * users carry no token nor link (they say how to contact us instead).
   */
  linkKey?: Buffer;
}

export interface DeliveryReport {
  sent: number;
  retry: number;
  dead: number;
  skipped: number;
}

type DeliveryConfig = Pick<Config, 'smtpUrl' | 'mailFrom' | 'publicUrl'>;

type Composed = { to: string; content: EmailContent } | { skip: string };

interface ComposeContext {
  db: Db;
  publicUrl: string | undefined;
  linkKey: Buffer | undefined;
  /** Warns about this message (outbox id only). */
  warn(msg: string): void;
}

/** The affected user's appeal token and link for a decision, when they can be given (see the header). */
function appealAccess(ctx: ComposeContext, decision: DecisionMessageData): AppealAccess {
  const check = ctx.linkKey ? decision.appealToken(ctx.linkKey) : { status: 'none' as const };
  if (check.status === 'key_changed') ctx.warn('appeal token left out: the link key changed since the decision');
  const token = check.status === 'ok' ? check.token : null;
  return { decisionId: decision.decisionId, token, link: statementLink(ctx.publicUrl, decision.serviceSlug, decision.decisionId, token) };
}

/** Recipient and text of one message, read through the notices and decisions domains. */
async function compose(ctx: ComposeContext, m: ClaimedMessage): Promise<Composed> {
  const { db, publicUrl } = ctx;
  const locale = localeOf(m.locale);
  switch (m.template) {
    case 'notice_acknowledgement': {
      const notice = m.notice_id ? await noticeForMessage(db, m.notice_id) : undefined;
      if (!notice) return { skip: 'notice not found' };
      if (!notice.notifier?.email) return { skip: 'no recipient email' };
      return { to: notice.notifier.email, content: acknowledgement(locale, notice, publicUrl) };
    }
    case 'notice_outcome': {
      const notice = m.notice_id ? await noticeForMessage(db, m.notice_id) : undefined;
      const decision = m.decision_id ? await decisionForMessage(db, m.decision_id) : undefined;
      if (!notice || !decision) return { skip: 'notice or decision not found' };
      if (!notice.notifier?.email) return { skip: 'no recipient email' };
      return { to: notice.notifier.email, content: outcome(locale, notice, decision) };
    }
    case 'statement_of_reasons': {
      const decision = m.decision_id ? await decisionForMessage(db, m.decision_id) : undefined;
      if (!decision) return { skip: 'decision not found' };
      if (!decision.recipient?.email) return { skip: 'no recipient email' };
      if (!decision.tdb) return { skip: 'decision has no statement of reasons' };
      const content = statementOfReasons(locale, decision, appealAccess(ctx, decision));
      if (!content) return { skip: 'decision has no statement of reasons' };
      return { to: decision.recipient.email, content };
    }
    case 'account_warning': {
      const decision = m.decision_id ? await decisionForMessage(db, m.decision_id) : undefined;
      if (!decision) return { skip: 'decision not found' };
      if (!decision.recipient?.email) return { skip: 'no recipient email' };
      const content = accountWarning(locale, decision, appealAccess(ctx, decision));
      if (!content) return { skip: 'decision is not a warning' };
      return { to: decision.recipient.email, content };
    }
    case 'statement_corrected': {
      // On the new decision; to the affected user of the decision it corrected (their token is for that one).
      const current = m.decision_id ? await decisionForMessage(db, m.decision_id) : undefined;
      const earlierId = m.decision_id ? await recipientDecisionBefore(db, m.decision_id) : undefined;
      const earlier = earlierId ? await decisionForMessage(db, earlierId) : undefined;
      if (!current || !earlier) return { skip: 'decision not found' };
      if (!earlier.recipient?.email) return { skip: 'no recipient email' };
      return { to: earlier.recipient.email, content: correctedStatement(locale, earlier, current, appealAccess(ctx, earlier)) };
    }
    case 'appeal_acknowledgement':
    case 'appeal_outcome': {
      // To a notifier (the message names their notice) or to the affected user of the decision.
      const appeal = m.appeal_id ? await appealForMessage(db, m.appeal_id) : undefined;
      const decision = m.decision_id ? await decisionForMessage(db, m.decision_id) : undefined;
      if (!appeal || !decision) return { skip: 'appeal or decision not found' };
      let to: string | null | undefined;
      let reference: string | null = null;
      if (m.notice_id) {
        const notice = await noticeForMessage(db, m.notice_id);
        to = notice?.notifier?.email;
        reference = notice?.reference ?? null;
      } else {
        to = decision.recipient?.email;
      }
      if (!to) return { skip: 'no recipient email' };
      if (m.template === 'appeal_acknowledgement') return { to, content: appealAcknowledgement(locale, appeal, reference) };
      if (appeal.outcome === null) return { skip: 'appeal not decided' };
      // The affected user's link opens the contested decision's page, which shows the decision now in force.
      const link = m.notice_id ? null : appealAccess(ctx, decision).link;
      return { to, content: appealOutcome(locale, { ...appeal, outcome: appeal.outcome }, reference, link) };
    }
    case 'notifier_warning':
    case 'notifier_suspension': {
      // To a person who notified through the public form, at the address of the notice the message names.
      const action = m.notifier_action_id ? await notifierActionForMessage(db, m.notifier_action_id) : undefined;
      const notice = m.notice_id ? await noticeForMessage(db, m.notice_id) : undefined;
      if (!action || !notice) return { skip: 'notifier action or notice not found' };
      if (!notice.notifier?.email) return { skip: 'no recipient email' };
      if (m.template === 'notifier_warning') return { to: notice.notifier.email, content: notifierWarning(locale, action, notice) };
      if (action.liftedAt !== null) return { skip: 'suspension lifted before it was sent' };
      const content = notifierSuspension(locale, action, notice);
      if (!content) return { skip: 'not a suspension' };
      return { to: notice.notifier.email, content };
    }
    default:
      return { skip: `unknown template ${m.template}` };
  }
}

const EMAIL = /[^\s<>@"',;:()[\]]+@[^\s<>@"',;:()[\]]+/g;

interface SmtpError {
  code?: unknown;
  responseCode?: unknown;
  message?: unknown;
}

/** The error as stored (addresses scrubbed: SMTP servers quote them in rejections) and whether the server was reached. */
function describe(err: unknown): { text: string; code: string | undefined; responseCode: number | undefined } {
  const e = (typeof err === 'object' && err !== null ? err : { message: String(err) }) as SmtpError;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const text = [code, responseCode, message.replace(EMAIL, '<address>')].filter((x) => x !== undefined).join(' ');
  return { text, code, responseCode };
}

/**
 * Sends due pending emails (claim under a lease → send → mark, per message). Returns null when email
 * delivery is off (no SMTP_URL): messages stay pending. Stops the run early when the SMTP server cannot
 * be reached (the failed message backs off; the others stay due for the next run).
 */
export async function deliverPendingEmails(db: Db, config: DeliveryConfig, opts: DeliveryOptions = {}): Promise<DeliveryReport | null> {
  const ownMailer = opts.mailer ? undefined : config.smtpUrl ? createMailer(config.smtpUrl, config.mailFrom) : undefined;
  const mailer = opts.mailer ?? ownMailer;
  if (!mailer) return null;
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const report: DeliveryReport = { sent: 0, retry: 0, dead: 0, skipped: 0 };
  try {
    for (let i = 0; i < (opts.batch ?? 50); i++) {
      const m = await claimDueEmail(db, LEASE_SECONDS);
      if (!m) break;
      try {
        const composed = await compose(
          { db, publicUrl: config.publicUrl, linkKey: opts.linkKey, warn: (msg) => opts.log?.warn({ outboxId: m.id }, msg) },
          m,
        );
        if ('skip' in composed) {
          await markSkipped(db, m.id, composed.skip);
          report.skipped++;
          opts.log?.info({ outboxId: m.id, template: m.template, reason: composed.skip }, 'email skipped');
          continue;
        }
        let messageId: string;
        try {
          ({ messageId } = await mailer.send({ to: composed.to, subject: composed.content.subject, text: composed.content.text, outboxId: m.id }));
        } catch (err) {
          const d = describe(err);
          const result = await markFailed(db, m.id, m.attempts, maxAttempts, d.text);
          report[result]++;
          opts.log?.warn({ outboxId: m.id, template: m.template, attempts: m.attempts + 1, outcome: result, code: d.code, responseCode: d.responseCode }, 'email delivery failed');
          // The server could not be reached: stop this run; the other messages stay due.
          if (d.responseCode === undefined || d.code === 'EAUTH') break;
          continue;
        }
        // Accepted by the SMTP server: now marked sent (at-least-once, see above).
        await markSent(db, m.id, messageId);
        report.sent++;
        opts.log?.info({ outboxId: m.id, template: m.template }, 'email sent');
      } catch (err) {
        // Composing or recording failed: back off this message and go on.
        const d = describe(err);
        const result = await markFailed(db, m.id, m.attempts, maxAttempts, d.text);
        report[result]++;
        opts.log?.warn({ outboxId: m.id, template: m.template, outcome: result, code: d.code }, 'email delivery failed');
      }
    }
  } finally {
    ownMailer?.close();
  }
  return report;
}

/** The worker's periodic task, or null when SMTP_URL is unset (delivery off). `linkKey`: AppContext.linkKey. */
export function emailDeliveryTask(
  db: Db,
  config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'publicUrl' | 'jobsPollIntervalMs'>,
  log: DeliveryLog,
  linkKey: Buffer,
): PeriodicTask | null {
  if (!config.smtpUrl) return null;
  const mailer = createMailer(config.smtpUrl, config.mailFrom);
  return { name: 'outbox-email', intervalMs: config.jobsPollIntervalMs, run: () => deliverPendingEmails(db, config, { mailer, log, linkKey }) };
}
