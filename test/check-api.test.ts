/** POST /v1/check: the check API plugin, through app.inject and through a real listening server. */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, type Role } from '../src/http/auth.js';
import { checkRoutes, DEFAULT_CHECK_BODY_LIMIT } from '../src/http/check.route.js';
import { openApiOptions } from '../src/http/contract.js';
import { loadLinter } from '../src/lint/load.js';
import { exampleCouncil, scriptedLinter } from './helpers/scripted-linter.js';

const SECRET = 'check-api-test-secret-0123456789abcdef';
const ADDIN = 'https://addin.ashcombe.gov.uk';
const linter = loadLinter();
const token = (role: Role = 'checker', exp = Math.floor(Date.now() / 1000) + 3600) => issueToken(SECRET, { sub: 'outlook-addin', role, exp });

const breach = {
  id: 'msg-1',
  channel: 'email',
  from: 'daniel.okafor@ashcombe.gov.uk',
  to: ['amir.patel@ashcombe.gov.uk'],
  cc: [],
  bcc: [],
  subject: 'Leaflets',
  text: 'I want you to print 500 leaflets for our Labour campaign by Friday.',
};

async function build(options: Partial<Parameters<typeof checkRoutes>[1]> = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  // The overload guard reads this process's event-loop lag, which the test runner itself causes; it has its own test.
  await app.register(checkRoutes, { linter, auth: { secret: SECRET }, addinOrigin: ADDIN, overload: false, ...options });
  await app.ready();
  return app;
}

let app: FastifyInstance;
beforeAll(async () => {
  app = await build();
});
afterAll(async () => {
  await app?.close();
});

const post = (payload: unknown, headers: Record<string, string> = { authorization: `Bearer ${token()}` }) =>
  app.inject({
    method: 'POST',
    url: '/v1/check',
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

describe('POST /v1/check', () => {
  it('returns {id, findings} with the council clause for a message that breaches the protocol', async () => {
    const response = await post(breach);
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      id: string;
      findings: { rule: string; messageId: string; clause: { ref: string; title: string; quote: string } | null; suggestion: string }[];
    };
    expect(body.id).toBe('msg-1');
    const political = body.findings.find((f) => f.rule === 'political-request');
    // The message template's stable id survives the response schema.
    expect(political?.messageId).toMatch(/^(work|resources|meeting|view|reader)$/);
    expect(political?.clause).toMatchObject({ ref: '5.7', protocol: 'north-east-derbyshire' });
    expect(political?.clause?.quote).toContain('party political or campaigning');
    expect(political?.suggestion).toBeTruthy();
  });

  it('returns no findings for an ordinary message, with to/cc/bcc optional', async () => {
    const response = await post({ channel: 'email', from: 'daniel.okafor@ashcombe.gov.uk', text: 'Could you let me know when the report will be published?' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ findings: [], stage: 'pre-send', minConfidence: linter.council.confidence['pre-send'] });
  });

  it('gives each finding its confidence', async () => {
    const body = (await post(breach)).json() as { findings: { confidence: number }[] };
    expect(body.findings.length).toBeGreaterThan(0);
    for (const f of body.findings) {
      expect(f.confidence).toBeGreaterThanOrEqual(0);
      expect(f.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('accepts every role with a valid token', async () => {
    for (const role of ['checker', 'officer', 'ce-office'] as const) {
      expect((await post(breach, { authorization: `Bearer ${token(role)}` })).statusCode).toBe(200);
    }
  });

  it('refuses a missing, forged or expired token with 401', async () => {
    const missing = await post(breach, {});
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ message: 'missing bearer token' });
    const forged = await post(breach, {
      authorization: `Bearer ${issueToken('another-secret-0123456789abcdefghijkl', { sub: 'x', role: 'checker', exp: 9e9 })}`,
    });
    expect(forged.statusCode).toBe(401);
    const expired = await post(breach, { authorization: `Bearer ${token('checker', 1000)}` });
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ message: 'token expired' });
  });

  it('refuses a token whose role is not allowed, when roles are restricted (403)', async () => {
    const strict = await build({ roles: ['checker'] });
    const officer = await strict.inject({ method: 'POST', url: '/v1/check', headers: { authorization: `Bearer ${token('officer')}` }, payload: breach });
    expect(officer.statusCode).toBe(403);
    expect(
      (await strict.inject({ method: 'POST', url: '/v1/check', headers: { authorization: `Bearer ${token('checker')}` }, payload: breach })).statusCode,
    ).toBe(200);
    await strict.close();
  });

  it('answers 400 naming the parameter for an unknown stage', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/check?stage=sometime', headers: { authorization: `Bearer ${token()}` }, payload: breach });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: 'stage', message: 'stage: must be one of pre-send, post-send, audit' });
  });

  it.each([
    [{ ...breach, from: undefined }, 'from'],
    [{ ...breach, text: undefined }, 'text'],
    [{ ...breach, channel: 'fax' }, 'channel'],
    [{ ...breach, to: [''] }, 'to.0'],
    [{ ...breach, sentAt: 'next Tuesday' }, 'sentAt'],
    [{ ...breach, text: 'x'.repeat(100_001) }, 'text'],
  ])('answers 400 naming the field (%#: %s)', async (payload, field) => {
    const response = await post(payload);
    expect(response.statusCode).toBe(400);
    const body = response.json() as { field: string; message: string };
    expect(body.field).toBe(field);
    expect(body.message.startsWith(`${field}:`)).toBe(true);
  });

  it('answers 400 for a body that is not JSON, without quoting it back', async () => {
    const response = await post('{"text": "SECRET-DRAFT-WORDS');
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('SECRET');
  });

  it('answers 413 with a message when the body is over the limit', async () => {
    const response = await post({ ...breach, html: 'x'.repeat(DEFAULT_CHECK_BODY_LIMIT + 1) });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'payload_too_large', message: expect.stringContaining('256 KiB') });
  });

  it('allows CORS from the add-in origin only', async () => {
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/v1/check',
      headers: { origin: ADDIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ADDIN);
    expect(String(preflight.headers['access-control-allow-headers'])).toContain('authorization');
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');

    const actual = await post(breach, { authorization: `Bearer ${token()}`, origin: ADDIN });
    expect(actual.headers['access-control-allow-origin']).toBe(ADDIN);

    const elsewhere = await app.inject({
      method: 'OPTIONS',
      url: '/v1/check',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
    const post2 = await post(breach, { authorization: `Bearer ${token()}`, origin: 'https://evil.example' });
    expect(post2.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends no CORS headers at all when no add-in origin is configured', async () => {
    const bare = await build({ addinOrigin: undefined });
    const response = await bare.inject({ method: 'POST', url: '/v1/check', headers: { authorization: `Bearer ${token()}`, origin: ADDIN }, payload: breach });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    await bare.close();
  });

  it('answers 503 with Retry-After when under pressure, instead of making the client wait', async () => {
    const busy = await build({ overload: { healthCheck: async () => false, healthCheckInterval: 60_000, retryAfter: 3 } });
    const response = await busy.inject({ method: 'POST', url: '/v1/check', headers: { authorization: `Bearer ${token()}` }, payload: breach });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('3');
    expect(response.json()).toMatchObject({ error: 'overloaded' });
    await busy.close();
  });
});

describe('the stage and its confidence threshold', () => {
  // Findings with the confidences the text names; thresholds post-send 0.8, pre-send 0.5, audit 0.
  let scripted: FastifyInstance;
  beforeAll(async () => {
    scripted = await build({ linter: scriptedLinter(exampleCouncil({ 'post-send': 0.8, 'pre-send': 0.5, audit: 0 })) });
  });
  afterAll(async () => {
    await scripted?.close();
  });
  const check = async (query: string) => {
    const response = await scripted.inject({
      method: 'POST',
      url: `/v1/check${query}`,
      headers: { authorization: `Bearer ${token()}` },
      payload: {
        channel: 'email',
        from: 'daniel.okafor@ashcombe.gov.uk',
        text: 'a [conf 0.95] b [conf 0.8] c [conf 0.79] d [conf 0.5] e [conf 0.49] f [conf 0.1]',
      },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { findings: { confidence: number }[]; stage: string; minConfidence: number };
    return { stage: body.stage, minConfidence: body.minConfidence, confidences: body.findings.map((f) => f.confidence) };
  };

  it('pre-send by default: what the add-in and a plain caller get', async () => {
    expect(await check('')).toEqual({ stage: 'pre-send', minConfidence: 0.5, confidences: [0.95, 0.8, 0.79, 0.5] });
    expect(await check('?stage=pre-send')).toEqual({ stage: 'pre-send', minConfidence: 0.5, confidences: [0.95, 0.8, 0.79, 0.5] });
  });

  it('post-send: only what Probity is sure enough of to warn about unasked', async () => {
    expect(await check('?stage=post-send')).toEqual({ stage: 'post-send', minConfidence: 0.8, confidences: [0.95, 0.8] });
  });

  it('audit: everything, each with its confidence', async () => {
    expect(await check('?stage=audit')).toEqual({ stage: 'audit', minConfidence: 0, confidences: [0.95, 0.8, 0.79, 0.5, 0.49, 0.1] });
  });

  it('is documented in the OpenAPI description: the stage parameter, the confidence and the threshold applied', async () => {
    const documented = Fastify({ logger: false });
    await documented.register(swagger, openApiOptions());
    await documented.register(checkRoutes, { linter, auth: { secret: SECRET }, overload: false });
    await documented.ready();
    type Schema = { $ref?: string; properties: Record<string, { $ref?: string; items?: { $ref?: string; properties: Record<string, unknown> } }> };
    const spec = documented.swagger() as {
      paths: Record<
        string,
        {
          post: {
            parameters: { name: string; in: string; schema: { enum: string[]; default: string }; description?: string }[];
            responses: Record<string, { content: Record<string, { schema: Schema }> }>;
          };
        }
      >;
      components: { schemas: Record<string, Schema> };
    };
    // Named schemas (CheckResult, Finding) are components, referred to by $ref.
    const deref = <T extends { $ref?: string }>(s: T): Schema =>
      s.$ref ? spec.components.schemas[s.$ref.replace('#/components/schemas/', '')]! : (s as unknown as Schema);
    const operation = spec.paths['/v1/check']!.post;
    const stage = operation.parameters.find((p) => p.name === 'stage')!;
    expect(stage.in).toBe('query');
    expect(stage.schema.enum).toEqual(['pre-send', 'post-send', 'audit']);
    expect(stage.schema.default).toBe('pre-send');
    const ok = deref(operation.responses['200']!.content['application/json']!.schema).properties;
    expect(deref(ok.findings!.items!).properties.confidence).toMatchObject({ type: 'number', minimum: 0, maximum: 1 });
    expect(ok.minConfidence).toMatchObject({ type: 'number' });
    expect(ok.stage).toMatchObject({ type: 'string' });
    await documented.close();
  });
});

describe('over a real socket', () => {
  it('serves checks on a listening server', async () => {
    const server = await build();
    const address = await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`${address}/v1/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}`, origin: ADDIN },
        body: JSON.stringify(breach),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(ADDIN);
      const body = (await response.json()) as { findings: { rule: string }[] };
      expect(body.findings.map((f) => f.rule)).toContain('political-request');

      const tooBig = await fetch(`${address}/v1/check`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token()}` },
        body: JSON.stringify({ ...breach, text: 'y'.repeat(300 * 1024) }),
      });
      expect(tooBig.status).toBe(413);
    } finally {
      await server.close();
    }
  });
});
