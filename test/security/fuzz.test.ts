/**
 * Fuzzing with fast-check: the MIME loader (arbitrary bytes and mutated real emails), the CLI's JSONL/JSON/EML
 * reader (src/cli/input.ts, fed through its stdin path), the engine behind /v1/check, and every POST/PATCH body of
 * the API. The property each time: no crash, no hang (a per-case time bound via Promise.race, generous so it only
 * catches a real hang), and a clear error: an InputError with a message, or a 4xx JSON answer with a message,
 * never a 500.
 *
 * Seeds are fixed per run by fast-check's defaults printed on failure; replay with the printed `seed`/`path`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { FastifyInstance, InjectOptions } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { readInput } from '../../src/cli/input.js';
import { buildApp } from '../../src/http/app.js';
import { issueToken, type Claims } from '../../src/http/auth.js';
import { loadLinter } from '../../src/lint/load.js';
import { parseEml } from '../../src/mail/eml.js';
import { InputError } from '../../src/mail/errors.js';
import { clock, council, ids } from '../briefings/fixtures.js';
import { bounded } from '../helpers/bounded.js';

const FIXTURES = new URL('../fixtures/', import.meta.url);
const emails = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.eml'))
  .map((f) => readFileSync(new URL(f, FIXTURES)));

/** A real email with byte-level damage: set, insert, delete, truncate, or splice in a header-ish line. */
const mutatedEmail = fc
  .tuple(
    fc.constantFrom(...emails),
    fc.array(
      fc.oneof(
        fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
        fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
        fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 64 }) }),
        fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
        fc.record({
          op: fc.constant('line' as const),
          at: fc.nat(),
          line: fc.constantFrom(
            'Content-Type: multipart/mixed; boundary=""\r\n',
            'Content-Type: multipart/alternative; boundary="x"\r\n\r\n--x\r\n--x--\r\n',
            'Content-Transfer-Encoding: base64\r\n\r\n!!!!\r\n',
            'Content-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n',
            'Content-Type: text/plain; charset=x-unknown-charset\r\n',
            'Subject: =?utf-8?B?////?=\r\n',
            'From: "\\"\\" <<<@>>>\r\n',
            `To: ${'a@b.example, '.repeat(200)}\r\n`,
            '\r\n\r\n\r\n',
            `X-Long: ${'x'.repeat(20000)}\r\n`,
          ),
        }),
      ),
      { maxLength: 8 },
    ),
  )
  .map(([base, edits]) => {
    let b = Buffer.from(base);
    for (const e of edits) {
      const at = b.length === 0 ? 0 : e.at % (b.length + 1);
      if (e.op === 'set' && b.length > 0) b[at % b.length] = e.byte;
      else if (e.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(e.bytes), b.subarray(at)]);
      else if (e.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.n)]);
      else if (e.op === 'truncate') b = b.subarray(0, at);
      else if (e.op === 'line') b = Buffer.concat([b.subarray(0, at), Buffer.from(e.line, 'latin1'), b.subarray(at)]);
    }
    return b;
  });

async function expectParsesOrInputError(bytes: Buffer | string): Promise<void> {
  try {
    const m = await bounded(parseEml(bytes), 'parseEml');
    expect(typeof m.text).toBe('string');
    expect(Array.isArray(m.to)).toBe(true);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    expect(err.message.length).toBeGreaterThan(0);
    expect(err.message).not.toMatch(/\n/);
  }
}

describe('fuzz: the MIME loader (parseEml)', () => {
  it('arbitrary bytes: a message or an InputError, never a crash or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => expectParsesOrInputError(Buffer.from(bytes))),
      { numRuns: 300 },
    );
  });

  it('arbitrary text with a header-like start: a message or an InputError', async () => {
    const headerish = fc
      .tuple(
        fc.array(fc.tuple(fc.stringMatching(/^[A-Za-z-]{1,20}$/), fc.string({ maxLength: 80 })), { maxLength: 6 }),
        fc.string({ unit: 'binary', maxLength: 500 }),
      )
      .map(([headers, body]) => `${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`);
    await fc.assert(
      fc.asyncProperty(headerish, async (text) => expectParsesOrInputError(text)),
      { numRuns: 300 },
    );
  });

  it('mutated real emails: a message or an InputError', async () => {
    expect(emails.length).toBeGreaterThan(3);
    await fc.assert(
      fc.asyncProperty(mutatedEmail, async (bytes) => expectParsesOrInputError(bytes)),
      { numRuns: 400 },
    );
  });
});

/** Everything readInput yields for these bytes on stdin, or the InputError it throws. */
async function readAll(bytes: Buffer): Promise<{ items: Awaited<ReturnType<typeof collectItems>>; error?: InputError }> {
  try {
    return { items: await bounded(collectItems(bytes), 'readInput') };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { items: [], error: err };
  }
}
async function collectItems(bytes: Buffer) {
  const items = [];
  // Chunked oddly, as a pipe delivers it.
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 997) chunks.push(bytes.subarray(i, i + 997));
  for await (const item of readInput('-', { stdin: () => Readable.from(chunks) })) items.push(item);
  return items;
}

const validMessage = fc.record({
  id: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
  channel: fc.constantFrom('email', 'slack'),
  from: fc.constantFrom('cllr.hale@ashcombe.gov.uk', 'amir.patel@ashcombe.gov.uk'),
  to: fc.array(fc.constantFrom('amir.patel@ashcombe.gov.uk', 'x@y.example'), { maxLength: 3 }),
  text: fc.string({ unit: 'grapheme', maxLength: 300 }),
});

const jsonlLine = fc.oneof(
  validMessage.map((m) => JSON.stringify(m)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 100 }),
  fc.constantFrom(
    '{',
    '{"channel":"email"',
    '[]',
    'null',
    '{"text":1e999}',
    '{"__proto__":{"polluted":1},"channel":"email","from":"a@b","text":"x"}',
    '\ufeff{}',
    '',
  ),
);

describe('fuzz: the CLI reader (JSONL, JSON, EML on stdin)', () => {
  it('JSONL lines of valid, wrong and broken JSON: one item per line, each a message or a problem with a reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(jsonlLine, { minLength: 2, maxLength: 20 }), fc.constantFrom('\n', '\r\n'), async (lines, eol) => {
        // A first line that is an object makes the sniffer choose JSONL.
        const all = ['{"channel":"email","from":"a@b.example","text":"first"}', ...lines];
        const { items, error } = await readAll(Buffer.from(all.join(eol)));
        if (error) return; // whole-input refusals (binary, not a message) are clear errors too
        expect(items.length).toBe(all.filter((l) => l.trim() !== '').length);
        for (const item of items) {
          if (item.kind === 'problem') {
            expect(item.reason.length).toBeGreaterThan(0);
            expect(item.where).toMatch(/<stdin>/);
          } else {
            expect(typeof item.message.text).toBe('string');
          }
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary bytes on stdin: items or an InputError, never a crash or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }),
          fc.string({ unit: 'binary', maxLength: 3000 }).map((s) => Buffer.from(s)),
        ),
        async (bytes) => {
          await readAll(Buffer.from(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('JSONL with invalid UTF-8 and NUL-free binary lines: a problem per bad line, the good lines still read', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Buffer.from(b.map((x) => (x === 0 || x === 10 ? 0xff : x)))),
          { maxLength: 5 },
        ),
        async (bad) => {
          const good = Buffer.from('{"channel":"email","from":"a@b.example","text":"good"}');
          const input = Buffer.concat([good, ...bad.flatMap((b) => [Buffer.from('\n'), b]), Buffer.from('\n'), good]);
          const { items, error } = await readAll(input);
          expect(error).toBeUndefined();
          expect(items.filter((i) => i.kind === 'message' && i.message.text === 'good').length).toBe(2);
        },
      ),
      { numRuns: 200 },
    );
  });
});

const SECRET = 'fuzz-test-secret-0123456789abcdefghijklmn';
const bearer = (claims: Omit<Claims, 'exp'>) => `Bearer ${issueToken(SECRET, { ...claims, exp: Math.floor(Date.now() / 1000) + 3600 })}`;

describe('fuzz: every API body', () => {
  let app: FastifyInstance;
  const linter = loadLinter();
  beforeAll(async () => {
    linter.lint({ channel: 'email', from: 'a@b.example', to: [], cc: [], bcc: [], text: 'Could you send me the report? I want you to print leaflets.' });
    const service = new BriefingService({ council: council(), store: new MemoryStore(), clock: clock(new Date().toISOString()), newId: ids('fz') });
    app = await buildApp({ service, auth: { secret: SECRET }, linter });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
  });

  async function inject(opts: InjectOptions) {
    for (let attempt = 0; ; attempt++) {
      const r = await bounded(app.inject(opts), `${opts.method} ${opts.url}`);
      if (r.statusCode !== 503 || !r.headers['retry-after'] || attempt >= 20) return r;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  const office = bearer({ sub: 'o-bell', role: 'ce-office' });
  const ROUTES: { method: 'POST' | 'PATCH'; url: string; token: string; keys: string[] }[] = [
    {
      method: 'POST',
      url: '/v1/briefings',
      token: bearer({ sub: 'cllr-hale', role: 'group-leader', group: 'labour' }),
      keys: ['matter', 'details', 'requestedBy', 'to', 'officers', 'premises', 'nonMembersPresent', 'preferredDate'],
    },
    {
      method: 'POST',
      url: '/v1/briefings',
      token: office,
      keys: ['matter', 'details', 'requestedBy', 'to', 'officers', 'premises', 'nonMembersPresent', 'preferredDate'],
    },
    {
      method: 'POST',
      url: '/v1/briefings/rq-fz0001/decision',
      token: bearer({ sub: 'o-murray', role: 'authoriser' }),
      keys: ['decision', 'reason', 'note', 'until', 'offerTitle', 'overridePreElection'],
    },
    { method: 'POST', url: '/v1/briefings/rq-fz0001/withdraw', token: office, keys: [] },
    { method: 'POST', url: '/v1/offers/of-fz0001/response', token: office, keys: ['response'] },
    { method: 'POST', url: '/v1/rounds/ro-fz0001/refresh', token: office, keys: [] },
    { method: 'POST', url: '/v1/rounds/ro-fz0001/follow-ups', token: office, keys: ['answer', 'material'] },
    { method: 'POST', url: '/v1/sessions', token: office, keys: ['offerId', 'officers', 'venue', 'startsAt', 'endsAt', 'material'] },
    { method: 'PATCH', url: '/v1/sessions/se-fz0001', token: office, keys: ['venue', 'startsAt', 'endsAt', 'material', 'cancel'] },
    { method: 'POST', url: '/v1/invitations/in-fz0001/response', token: office, keys: ['response', 'reason'] },
    {
      method: 'POST',
      url: '/v1/check',
      token: bearer({ sub: 'outlook-addin', role: 'checker' }),
      keys: ['id', 'channel', 'from', 'to', 'cc', 'bcc', 'subject', 'text', 'html', 'sentAt'],
    },
  ];

  /** Plausible values for any field: right and wrong types, edge strings, ids and dates. */
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.string({ unit: 'grapheme', maxLength: 60 }),
    fc.constantFrom(
      'approve',
      'decline',
      'defer',
      'accept',
      'email',
      'slack',
      'cllr-hale',
      'o-hughes',
      'labour',
      'of-fz0001',
      '2030-01-08',
      '2030-01-08T10:00:00Z',
      '0000-00-00',
      'a'.repeat(64),
      '',
      true,
      null,
    ),
    fc.array(fc.constantFrom('o-hughes', 'o-patel', 'x', '', 'amir.patel@ashcombe.gov.uk'), { maxLength: 4 }),
    fc.record(
      {
        councilControlled: fc.boolean(),
        description: fc.string({ maxLength: 10 }),
        version: fc.string({ maxLength: 5 }),
        sha256: fc.constantFrom('a'.repeat(64), 'zz'),
      },
      { requiredKeys: [] },
    ),
  );

  function bodyFor(keys: string[]) {
    const shaped = keys.length ? fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: keys.length }) : fc.constant({});
    return fc.oneof(
      { weight: 3, arbitrary: shaped.map((b) => JSON.stringify(b)) },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ maxLength: 80 }) }, // not JSON at all
    );
  }

  for (const route of ROUTES) {
    it(`${route.method} ${route.url} (${route.token === office ? 'office' : 'its role'}): 2xx or a 4xx with a message, never a 5xx`, async () => {
      const seen = new Set<number>();
      await fc.assert(
        fc.asyncProperty(bodyFor(route.keys), async (payload) => {
          const r = await inject({
            method: route.method,
            url: route.url,
            headers: { authorization: route.token, 'content-type': 'application/json' },
            payload,
          });
          seen.add(r.statusCode);
          expect(r.statusCode, r.body).toBeLessThan(500);
          if (r.statusCode >= 400) {
            const body = r.json() as { error?: string; message?: string };
            expect(body.error, r.body).toBeTruthy();
            expect(body.message, r.body).toBeTruthy();
          }
        }),
        { numRuns: route.url === '/v1/check' ? 300 : 150 },
      );
      expect([...seen].some((s) => s >= 400)).toBe(true);
    });
  }

  it('POST /v1/check with any text the schema allows: 200 with findings, never a crash', async () => {
    const token = bearer({ sub: 'outlook-addin', role: 'checker' });
    const words = fc.constantFrom(
      'I want you to',
      'print',
      'leaflets',
      'Labour',
      'campaign',
      'incompetent',
      'by tomorrow',
      '\u200b',
      'і',
      '<b>',
      '&amp;',
      '> quoted',
      '-- \n',
      'Cllr',
      'Amir',
      '\n\n',
      '!!!',
      '…',
    );
    const text = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 400 }),
      fc.array(words, { maxLength: 40 }).map((w) => w.join(' ')),
      fc.string({ unit: 'binary', maxLength: 400 }),
    );
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.option(fc.string({ unit: 'grapheme', maxLength: 200 }), { nil: undefined }),
        fc.constantFrom('email', 'slack'),
        async (t, html, channel) => {
          const r = await inject({
            method: 'POST',
            url: '/v1/check',
            headers: { authorization: token, 'content-type': 'application/json' },
            payload: JSON.stringify({
              channel,
              from: 'daniel.okafor@ashcombe.gov.uk',
              to: ['amir.patel@ashcombe.gov.uk'],
              text: t,
              ...(html !== undefined ? { html } : {}),
            }),
          });
          expect(r.statusCode, r.body).toBe(200);
          expect(Array.isArray(r.json().findings)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('after all that, the ledger still lists and its audit chain verifies', async () => {
    const r = await inject({ method: 'GET', url: '/v1/briefings', headers: { authorization: office } });
    expect(r.statusCode).toBe(200);
    const audit = await inject({ method: 'GET', url: '/v1/audit/verify', headers: { authorization: office } });
    expect(audit.statusCode).toBe(200);
    expect(JSON.stringify(audit.json())).toMatch(/true|intact/i);
  });
});
