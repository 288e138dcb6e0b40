/** A real SMTP server for tests (smtp-server on 127.0.0.1) that parses and keeps what it receives. */
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A mail as the test SMTP server received it. */
export interface Mail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  outboxId: string;
}

/** A real SMTP server process-side: accepts any sender/recipient, optional AUTH, no STARTTLS; can stop and restart on its port. */
export class TestSmtp {
  received: Mail[] = [];
  port = 0;
  private server: SMTPServer | undefined;

  async start(port = 0): Promise<void> {
    const server = new SMTPServer({
      logger: false,
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onAuth: (auth, _session, cb) => cb(null, { user: auth.username }),
      onData: (stream, session, cb) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          simpleParser(Buffer.concat(chunks))
            .then((mail) => {
              this.received.push({
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
                subject: mail.subject ?? '',
                text: mail.text ?? '',
                outboxId: String(mail.headers.get('x-vigie-message') ?? ''),
              });
              cb();
            })
            .catch((err: Error) => cb(err));
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      const net = server.listen(port, '127.0.0.1', () => resolve());
      net.once('error', reject);
    });
    this.server = server;
    this.port = (server.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}

/** A TestSmtp started on a random port. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const smtp = new TestSmtp();
  await smtp.start();
  return smtp;
}
