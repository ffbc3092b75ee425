/**
 * The answer page behind every notice's link (offer-links.ts, link-answers.ts):
 *   GET  /answer/:token          the offer or invitation in plain words, with the answer form while it is open
 *   POST /answer/:token          the answer (a form post), then 303 back to the page
 *   GET  /answer/style.css       the page's only other file
 * No bearer token and no cookie: the link itself says who is answering and for what, and gives one answer.
 */
import { z } from 'zod';
import { errorResponses, errorResponsesOrPage, PUBLIC, useZod } from './contract.js';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { DomainError } from '../briefings/errors.js';
import { ANSWER_CSS, renderLinkPage, renderRefusal, type Banner } from './answer-page.js';
import { LinkAnswers, LinkRefused, type OfferAnswer } from './link-answers.js';

const CSP = ["default-src 'none'", "style-src 'self'", "img-src 'self' data:", "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"].join('; ');
const STATUS: Record<string, number> = { invalid: 400, forbidden: 403, 'not-found': 404, conflict: 409, busy: 503 };
/** The token is the rest of the path (a wildcard: a route parameter would stop at Fastify's 100-character limit). */
const TOKEN = z.object({
  '*': z
    .string()
    .min(10)
    .max(2000)
    .regex(/^[A-Za-z0-9._-]+$/, 'must be an answer link'),
});

export interface AnswerRoutesOptions {
  answers: LinkAnswers;
  council: () => string;
}

function secure(reply: FastifyReply): FastifyReply {
  return (
    reply
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      // The token is in the path: never send it on as a referrer, never cache the page.
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-store')
      .header('x-robots-tag', 'noindex')
  );
}

/** What the person is told after answering. */
function thanks(response: string): string {
  if (response === 'decline') return 'Thank you: your answer is recorded (declined).';
  if (response === 'propose')
    return 'Thank you: your answer is recorded (taken up, with the times you suggested). The office will be in touch to arrange a time.';
  return 'Thank you: your answer is recorded (accepted). The office will be in touch.';
}

export const answerRoutes: FastifyPluginAsync<AnswerRoutesOptions> = async (app, { answers, council }) => {
  useZod(app);
  // Form posts: only in this plugin, and small.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8 * 1024 }, (_request, body, done) => {
    const params = new URLSearchParams(body as string);
    const out: Record<string, string | string[]> = {};
    for (const key of new Set(params.keys())) out[key] = key === 'time' ? params.getAll(key) : (params.get(key) ?? '');
    done(null, out);
  });

  app.get('/answer/style.css', { schema: { hide: true } }, async (_request, reply) =>
    secure(reply).type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(ANSWER_CSS),
  );

  const refusal = (reply: FastifyReply, err: LinkRefused) =>
    secure(reply).code(err.status).type('text/html; charset=utf-8').send(renderRefusal(council(), err.message));

  app.get<{ Params: { '*': string }; Querystring: { done?: string } }>(
    '/answer/*',
    { schema: { hide: true, params: TOKEN, querystring: z.object({ done: z.string().max(20).optional() }) } },
    async (request, reply) => {
      try {
        const page = await answers.page(request.params['*']);
        const banner: Banner | undefined = request.query.done ? { kind: 'ok', text: thanks(request.query.done) } : undefined;
        return secure(reply).type('text/html; charset=utf-8').send(renderLinkPage(page, banner));
      } catch (err) {
        if (err instanceof LinkRefused) return refusal(reply, err);
        throw err;
      }
    },
  );

  /**
   * The answer. From the page, a form post: 303 back to the page, or the page again with what went wrong. From
   * the Slack app (`Accept: application/json`, a JSON body), JSON: the answer on record, or the error and its rule.
   */
  app.post<{ Params: { '*': string }; Body: Record<string, unknown> }>(
    '/answer/*',
    {
      schema: {
        tags: ['answers'],
        summary: "Answer an offer or an invitation through its link (the Slack app's buttons, the answer page's form)",
        description:
          'The signed link is the authority: no other credentials. With `Accept: application/json` (the Slack app) the answer is JSON; a form post from the answer page is redirected (303) back to the page, or shown the page again with what went wrong. Fields: `response` (accept, decline, or propose for an offer), `time` (proposed times), `note`; for an invitation `reason`; `via: slack` from the Slack app.',
        security: PUBLIC,
        params: TOKEN,
        response: {
          200: z
            .object({ ok: z.literal(true), title: z.string(), answered: z.string().optional().describe('The answer in words: "Declined on …"') })
            .describe('The answer is on record (JSON callers)'),
          303: z.null().describe('The answer is on record: back to the answer page (form posts)'),
          ...errorResponsesOrPage(400, 404, 409, 410),
          ...errorResponses(413, 415, 429, 500, 503),
        },
      },
    },
    async (request, reply) => {
      const token = request.params['*'];
      const json = /\bapplication\/json\b/.test(request.headers.accept ?? '');
      const body = request.body && typeof request.body === 'object' ? request.body : {};
      const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
      const response = field('response');
      const via = json && field('via') === 'slack' ? 'slack' : 'page';
      try {
        const claims = await answers.claims(token);
        if (claims.k === 'o') {
          if (response !== 'accept' && response !== 'decline' && response !== 'propose') throw new DomainError('invalid', 'choose an answer');
          const raw = body.time;
          const times = Array.isArray(raw) ? raw.filter((t): t is string => typeof t === 'string') : typeof raw === 'string' ? [raw] : [];
          const note = field('note');
          const answer: OfferAnswer = { response, ...(times.length ? { times } : {}), ...(note ? { note } : {}) };
          await answers.answerOffer(token, answer, via);
        } else {
          if (response !== 'accept' && response !== 'decline') throw new DomainError('invalid', 'choose an answer');
          const reason = field('reason');
          await answers.answerInvitation(token, { response, ...(reason ? { reason } : {}) }, via);
        }
        if (json) {
          const page = await answers.page(token);
          return secure(reply).send({ ok: true, title: page.title, ...(page.answered ? { answered: page.answered } : {}) });
        }
        return secure(reply).redirect(`/answer/${token}?done=${response}`, 303);
      } catch (err) {
        if (json && (err instanceof LinkRefused || err instanceof DomainError)) {
          const status = err instanceof LinkRefused ? err.status : (STATUS[err.code] ?? 400);
          return secure(reply)
            .code(status)
            .send({
              error: status === 410 ? 'gone' : status === 404 ? 'not_found' : err instanceof DomainError ? err.code : 'refused',
              message: err.message,
              ...(err instanceof DomainError && err.rule ? { rule: err.rule } : {}),
            });
        }
        if (err instanceof LinkRefused) return refusal(reply, err);
        if (!(err instanceof DomainError)) throw err;
        // Show the page again, as it now stands, with what went wrong in words.
        const message = err.message.charAt(0).toUpperCase() + err.message.slice(1);
        try {
          const page = await answers.page(token);
          return secure(reply)
            .code(STATUS[err.code] ?? 400)
            .type('text/html; charset=utf-8')
            .send(renderLinkPage(page, { kind: 'error', text: `${message}.` }));
        } catch (again) {
          if (again instanceof LinkRefused) return refusal(reply, again);
          throw again;
        }
      }
    },
  );
};
