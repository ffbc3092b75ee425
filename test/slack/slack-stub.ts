/**
 * A stand-in for Slack's Web API on loopback: Bolt's and the worker's WebClient are pointed at
 * `http://127.0.0.1:PORT/api/`, and interaction response_urls at `http://127.0.0.1:PORT/response/<id>`. Every
 * call is recorded; a test can script the next answer for a method (an error, a 429).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubCall {
  /** `chat.postEphemeral`, … or `response` for a response_url post. */
  method: string;
  args: Record<string, unknown>;
  /** For response_url posts: the id in the url. */
  responseId?: string;
}

export interface StubReply {
  status?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

type Waiter = { predicate: (call: StubCall) => boolean; resolve: (call: StubCall) => void };

export class SlackStub {
  readonly calls: StubCall[] = [];
  private readonly scripted = new Map<string, StubReply[]>();
  /** What `conversations.members` answers per channel (none: an empty channel). */
  readonly members = new Map<string, string[]>();
  private waiters: Waiter[] = [];
  private server!: Server;
  baseUrl = '';

  get apiUrl(): string {
    return `${this.baseUrl}api/`;
  }

  responseUrl(id: string): string {
    return `${this.baseUrl}response/${id}`;
  }

  /** The next call(s) of `method` get these answers instead of the default `ok: true`. */
  script(method: string, ...replies: StubReply[]): void {
    this.scripted.set(method, [...(this.scripted.get(method) ?? []), ...replies]);
  }

  /** Resolves with the first recorded call (past or future) that matches. */
  waitFor(predicate: (call: StubCall) => boolean): Promise<StubCall> {
    const seen = this.calls.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  callsOf(method: string, predicate: (call: StubCall) => boolean = () => true): StubCall[] {
    return this.calls.filter((c) => c.method === method && predicate(c));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private membersReply(call: StubCall): StubReply {
    return pageOf(this.members.get(String(call.args.channel)) ?? [], call.args);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.baseUrl);
    let call: StubCall;
    if (url.pathname.startsWith('/response/')) {
      call = { method: 'response', responseId: url.pathname.slice('/response/'.length), args: JSON.parse(raw || '{}') };
    } else {
      const method = url.pathname.replace(/^\/api\//, '');
      call = { method, args: parseArgs(raw, req.headers['content-type'] ?? '') };
    }
    const reply = this.scripted.get(call.method)?.shift() ?? (call.method === 'conversations.members' ? this.membersReply(call) : defaultReply(call));
    const status = reply.status ?? 200;
    res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
    // Only calls Slack accepted count as delivered; failed ones are kept under a suffixed name.
    const recorded = status === 200 && reply.body.ok !== false ? call : { ...call, method: `${call.method}!failed` };
    this.calls.push(recorded);
    this.waiters = this.waiters.filter((w) => {
      if (!w.predicate(recorded)) return true;
      w.resolve(recorded);
      return false;
    });
  }
}

function pageOf(all: string[], args: Record<string, unknown>): StubReply {
  const limit = Number(args.limit ?? 100) || 100;
  const start = Number(args.cursor ?? 0) || 0;
  const next = start + limit < all.length ? String(start + limit) : '';
  return { body: { ok: true, members: all.slice(start, start + limit), response_metadata: { next_cursor: next } } };
}

function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

let viewCounter = 0;

function defaultReply(call: StubCall): StubReply {
  const a = call.args;
  switch (call.method) {
    case 'chat.getPermalink':
      return {
        body: {
          ok: true,
          channel: a.channel,
          permalink: `https://ashcombe.slack.com/archives/${String(a.channel)}/p${String(a.message_ts).replace('.', '')}`,
        },
      };
    case 'chat.postEphemeral':
      return { body: { ok: true, message_ts: `${Date.now() / 1000}` } };
    case 'chat.postMessage':
      return { body: { ok: true, channel: `D${String(a.channel)}`, ts: `${Date.now() / 1000}` } };
    case 'views.open':
    case 'views.push':
      return { body: { ok: true, view: { id: `V0STUB${++viewCounter}`, ...(a.view as object) } } };
    case 'views.update':
      return { body: { ok: true, view: { id: a.view_id, ...(a.view as object) } } };
    default:
      return { body: { ok: true } };
  }
}
