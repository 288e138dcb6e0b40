import nodemailer from 'nodemailer';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  /** Stable id of the outbox row: lets a receiving system spot a re-sent message (at-least-once). */
  outboxId: string;
}

export interface Mailer {
  /** Resolves once the SMTP server accepted the message; rejects otherwise. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  close(): void;
}

/**
 * A nodemailer SMTP transport from SMTP_URL (smtp://user:pass@host:587 with STARTTLS when offered,
 * smtps://…:465 for implicit TLS; nodemailer also reads options from the query string). One connection
 * per message; short timeouts, because the delivery transaction stays open while the server answers.
 * nodemailer's own logger stays off: it would print addresses.
 */
export function createMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(
    { url: smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000, logger: false, debug: false },
    { from },
  );
  return {
    async send(email) {
      const info = await transport.sendMail({
        to: email.to,
        subject: email.subject,
        text: email.text,
        headers: { 'X-Vigie-Message': email.outboxId, 'Auto-Submitted': 'auto-generated' },
      });
      return { messageId: info.messageId };
    },
    close() {
      transport.close();
    },
  };
}
