/**
 * Real loopback endpoints for delivery tests: an SMTP sink (smtp-server) that parses what it receives, and a
 * Slack Web API stub that records `conversations.open` and `chat.postMessage`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  messageId: string;
  subject: string;
  text: string;
  notice: string;
  calendar?: string;
  raw: string;
}

export interface SmtpSinkOptions {
  /** Decide the reply per message: undefined accepts; a number rejects with that SMTP code. */
  reply?: (mail: ReceivedMail, count: number) => number | undefined | Promise<number | undefined>;
  /** Listen on this port (to come back where a stopped sink was); default: any free port. */
  port?: number;
}

export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  private server!: SMTPServer;
  port = 0;
  private seen = 0;

  static async start(opts: SmtpSinkOptions = {}): Promise<SmtpSink> {
    const sink = new SmtpSink();
    sink.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('error', () => undefined);
        stream.on('end', () => {
          void (async () => {
            const raw = Buffer.concat(chunks).toString('utf8');
            const parsed = await simpleParser(raw);
            const calendar = parsed.attachments.find((a) => a.contentType.startsWith('text/calendar'))?.content.toString('utf8');
            const mail: ReceivedMail = {
              envelopeTo: session.envelope.rcptTo.map((r) => r.address),
              messageId: parsed.messageId ?? '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              notice: String(parsed.headers.get('x-probity-notice') ?? ''),
              ...(calendar ? { calendar } : {}),
              raw,
            };
            const code = await opts.reply?.(mail, ++sink.seen);
            if (code) {
              const err = new Error(code >= 500 ? 'mailbox unavailable' : 'try again later') as Error & { responseCode: number };
              err.responseCode = code;
              callback(err);
              return;
            }
            sink.mails.push(mail);
            callback();
          })().catch((err: Error) => callback(err));
        });
      },
    });
    // A client killed mid-message (the fault tests) resets its connection; that is expected, not a failure.
    sink.server.on('error', () => undefined);
    await new Promise<void>((resolve) => sink.server.listen(opts.port ?? 0, '127.0.0.1', () => resolve()));
    sink.port = (sink.server.server.address() as AddressInfo).port;
    return sink;
  }

  to(address: string): ReceivedMail[] {
    return this.mails.filter((m) => m.envelopeTo.includes(address));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface SlackCall {
  method: string;
  params: Record<string, string>;
}

export class SlackStub {
  readonly calls: SlackCall[] = [];
  private server!: Server;
  port = 0;
  /** Make the next n postMessage calls answer 429. */
  rateLimitNext = 0;

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  static async start(): Promise<SlackStub> {
    const stub = new SlackStub();
    stub.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
        const params = req.headers['content-type']?.includes('json')
          ? (JSON.parse(body || '{}') as Record<string, string>)
          : Object.fromEntries(new URLSearchParams(body));
        res.setHeader('content-type', 'application/json');
        if (method === 'chat.postMessage' && stub.rateLimitNext > 0) {
          stub.rateLimitNext--;
          res.statusCode = 429;
          res.setHeader('retry-after', '1');
          res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
          return;
        }
        stub.calls.push({ method, params });
        if (method === 'conversations.open') res.end(JSON.stringify({ ok: true, channel: { id: `D${params.users}` } }));
        else if (method === 'chat.postMessage') res.end(JSON.stringify({ ok: true, channel: params.channel, ts: `${Date.now() / 1000}` }));
        else res.end(JSON.stringify({ ok: true }));
      });
    });
    await new Promise<void>((resolve) => stub.server.listen(0, '127.0.0.1', () => resolve()));
    stub.port = (stub.server.address() as AddressInfo).port;
    return stub;
  }

  posts(): SlackCall[] {
    return this.calls.filter((c) => c.method === 'chat.postMessage');
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
