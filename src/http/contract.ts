/**
 * The API's contract, in zod: every request body, query and path parameter, every response and the error body.
 * Each schema is the one place its shape is written: fastify-type-provider-zod validates requests with it (and
 * types the handlers' `request.body` from it), and @fastify/swagger's document is generated from it (/openapi.json).
 * Responses are documented here (a response may carry more fields than are listed) and held to it by
 * test/http/openapi.test.ts; they are sent as the handlers build them.
 */
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject, validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DECLINE_REASONS, RECEIVED_VIA } from '../briefings/types.js';
import { messageSchema } from '../lint/message.js';

/**
 * Validate this scope's requests with their zod schemas, and send responses as the handlers built them (their
 * schemas document them). Each route plugin calls it, so that it works on its own as well as inside buildApp.
 */
export function useZod(scope: FastifyInstance): void {
  scope.setValidatorCompiler(validatorCompiler);
  scope.setSerializerCompiler(() => (data) => JSON.stringify(data));
}

/**
 * How zod schemas become the document's JSON Schema. A response object may carry more fields than its schema lists,
 * so `additionalProperties: false` (zod's reading of an object it outputs) is left out; an empty branch of a union
 * is dropped as fastify-type-provider-zod does.
 */
const JSON_SCHEMA_CONFIG = {
  override: ({ jsonSchema }: { jsonSchema: Record<string, unknown> }) => {
    if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
    if (Array.isArray(jsonSchema.anyOf)) jsonSchema.anyOf = jsonSchema.anyOf.filter((branch) => Object.keys(branch as object).length > 0);
  },
};

/** For @fastify/swagger: the document's schemas generated from the routes' zod schemas, named ones as components. */
export const OPENAPI_TRANSFORMS = {
  transform: createJsonSchemaTransform({ zodToJsonConfig: JSON_SCHEMA_CONFIG }),
  transformObject: createJsonSchemaTransformObject({ zodToJsonConfig: JSON_SCHEMA_CONFIG }),
};

/** @fastify/swagger's options: OpenAPI 3.1, the security schemes, the tags, and the transforms above. */
export function openApiOptions(
  info: { title: string; version: string; description?: string } = {
    title: 'Probity',
    version: '0.1.0',
    description: 'Party-group briefings with an equal offer to every group, member enquiries, and the check API.',
  },
) {
  return {
    ...OPENAPI_TRANSFORMS,
    openapi: {
      openapi: '3.1.0',
      info,
      components: {
        securitySchemes: {
          bearer: {
            type: 'http' as const,
            scheme: 'bearer',
            description:
              "A Probity token for a machine (`probity token`): a JWT carrying a role, an audience and an id; or, for POST /v1/check only, an Outlook user's own single sign-on token from the council's identity provider (docs/outlook.md)",
          },
          session: {
            type: 'apiKey' as const,
            in: 'cookie',
            name: 'probity-session',
            description: 'A signed-in person (GET /auth/login); changes need the x-csrf-token header',
          },
        },
      },
      tags: [
        { name: 'briefings', description: 'Requests and decisions' },
        { name: 'offers', description: "Each group's offers" },
        { name: 'rounds', description: 'Offer rounds (the office)' },
        { name: 'sessions', description: 'Sessions and officers’ invitations' },
        { name: 'register', description: 'The register and the audit trail' },
        { name: 'check', description: "Checking a message against the council's protocol" },
        { name: 'enquiries', description: 'Member enquiries' },
        { name: 'sign-in', description: "The signed-in person's session" },
        { name: 'answers', description: "Answers through a notice's signed link" },
      ],
    },
  };
}

// ── Shared pieces ──────────────────────────────────────────────────────────────────────────────────────────────

/** Who may call a route: a bearer token (`probity token`) or a signed-in person's session cookie. */
export const SECURITY: { [scheme: string]: string[] }[] = [{ bearer: [] }, { session: [] }];
/** A route anyone may call (its own proof is in the request, such as a signed link). */
export const PUBLIC: { [scheme: string]: string[] }[] = [];

export const errorBody = z
  .object({
    error: z
      .string()
      .describe(
        'A stable code: bad_request, unauthorized, forbidden, not_found, conflict, payload_too_large, too_many_requests, unavailable, overloaded, internal…',
      ),
    message: z.string().describe('One line for a person; names the field that is wrong'),
    field: z.string().optional().describe('The field that is wrong (POST /v1/check)'),
    rule: z.string().optional().describe('The rule a refusal rests on (409s, and 400s from the briefing rules)'),
  })
  .meta({ id: 'Error', description: 'Every error answer: a code and one line saying what is wrong.' });

const ERROR_WHY: Record<number, string> = {
  400: 'A field is missing or wrong (the message names it)',
  401: 'No credentials, or a token or session that is not valid',
  403: "The caller's role may not do this",
  404: 'No such thing (or not one the caller may see)',
  409: 'The state does not allow it (the rule is named)',
  410: 'The link has been used or has expired',
  413: 'The request body is too large',
  415: 'The body is not application/json',
  429: 'Too many requests from this caller; see Retry-After',
  500: 'Something went wrong on our side (the request id is in the message)',
  503: 'Busy or a store is unavailable; see Retry-After',
};

/** The error answers a route can give, each documented with the error body. */
export function errorResponses(...codes: number[]): Record<number, z.ZodType> {
  return Object.fromEntries(codes.map((code) => [code, errorBody.describe(ERROR_WHY[code] ?? 'Error')]));
}

/** Error answers of a route that serves people as well as machines: JSON for a JSON caller, else an HTML page. */
export function errorResponsesOrPage(...codes: number[]): Record<number, { description: string; content: Record<string, { schema: z.ZodType }> }> {
  return Object.fromEntries(
    codes.map((code) => [
      code,
      {
        description: ERROR_WHY[code] ?? 'Error',
        content: { 'application/json': { schema: errorBody }, 'text/html': { schema: z.string().describe('The page, saying what went wrong') } },
      },
    ]),
  );
}

/** The answers every authenticated API route can give besides its own. */
export const AUTHED_ERRORS = [401, 403, 429, 500, 503] as const;

export const idParams = (name: string) =>
  z.object({
    id: z
      .string()
      .regex(/^[a-z]{2}-[A-Za-z0-9-]{1,60}$/, `must be a ${name} id`)
      .describe(`${name} id`),
  });

const personId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a person id from council.yaml')
  .max(80);
const text = (max: number) => z.string().min(1).max(max);
const isoDate = z.iso.date({ error: 'must be a date like 2026-12-01' });

/**
 * A date and time (RFC 3339 with an offset) that JavaScript can hold: a leap second (":60") or an impossible date
 * is refused as a 400 naming the field, rather than failing later as a 500.
 */
export const dateTime = z.iso
  .datetime({ offset: true, error: 'must be a date and time like 2026-12-01T17:00:00Z (a real calendar date; a leap second, :60, is not accepted)' })
  .refine((value) => Number.isFinite(Date.parse(value)), {
    error: 'must be a date and time like 2026-12-01T17:00:00Z (a real calendar date; a leap second, :60, is not accepted)',
  });

// ── The check API ──────────────────────────────────────────────────────────────────────────────────────────────

/** The engine analyses at most this much text; a longer text is refused rather than silently cut. */
export const MAX_CHECK_TEXT = 100_000;
const MAX_ADDRESSES = 500;
const httpAddress = z.string().min(1).max(320);
const httpAddresses = z.array(httpAddress).max(MAX_ADDRESSES).default([]);

/** `POST /v1/check`'s body: the engine's Message, with the limits an HTTP caller is held to. */
export const checkBody = messageSchema
  .extend({
    id: z.string().max(200).optional(),
    from: httpAddress,
    to: httpAddresses,
    cc: httpAddresses,
    bcc: httpAddresses,
    subject: z.string().max(2000).optional(),
    text: z.string().max(MAX_CHECK_TEXT),
    html: z
      .string()
      .max(MAX_CHECK_TEXT * 2)
      .optional(),
  })
  .describe('A message to check (the Message model, with the limits of the API). Unknown fields are dropped.');

export const checkQuery = z.object({
  stage: z
    .enum(['pre-send', 'post-send', 'audit'])
    .default('pre-send')
    .describe(
      "Where the answer will be shown, which sets how sure Probity must be of a finding to return it (council.yaml `confidence`): `pre-send` (default: a check before sending, such as Outlook's), `post-send` (a warning after a message went), `audit` (everything the council's audit threshold lets through: all findings by default).",
    ),
});

const clause = z
  .object({ protocol: z.string(), title: z.string(), ref: z.string(), quote: z.string() })
  .meta({ id: 'Clause', description: "A clause of the council's protocol, quoted exactly" });

export const findingSchema = z
  .object({
    rule: z.string(),
    messageId: z.string().describe("Which of the rule's message templates this is: stable when the wording changes."),
    severity: z.enum(['error', 'warning', 'info']),
    message: z.string(),
    span: z
      .object({ start: z.int(), end: z.int(), line: z.int(), column: z.int() })
      .describe('Where in the analysed text (UTF-16 offsets; 1-based line and column)'),
    excerpt: z.string(),
    clause: clause.nullable(),
    goodPractice: z.boolean().optional(),
    suggestion: z.string(),
    confidence: z
      .number()
      .min(0)
      .max(1)
      .describe('How sure Probity is that this finding is right: a calibrated probability (0.82: about 82 in 100 such findings are right).'),
  })
  .meta({ id: 'Finding' });

export const checkResponse = z
  .object({
    id: z.string().optional(),
    findings: z.array(findingSchema),
    stage: z.enum(['pre-send', 'post-send', 'audit']).describe('The stage whose threshold was applied.'),
    minConfidence: z.number().describe("The council's threshold for that stage: findings less sure than this were left out."),
  })
  .meta({ id: 'CheckResult' });

// ── Briefings ──────────────────────────────────────────────────────────────────────────────────────────────────

export const REQUEST_STATUSES = ['pending', 'deferred', 'approved', 'declined', 'withdrawn'] as const;

export const requestBody = z
  .object({
    matter: text(200).describe('The matter, as a neutral title other groups may see'),
    details: text(5000).describe('What the group wants covered; confidential to the group and the office'),
    requestedBy: personId.optional().describe('The member who asked (office only; a group token speaks for itself)'),
    to: personId.optional().describe('The recipient the request was addressed to (must be the designated one)'),
    officers: z
      .array(personId)
      .max(20)
      .refine((list) => new Set(list).size === list.length, { error: 'must not name an officer twice' })
      .optional(),
    premises: z.object({ councilControlled: z.boolean(), description: text(200).optional() }).optional(),
    nonMembersPresent: z.boolean().optional(),
    preferredDate: isoDate.optional(),
    received: z
      .object({ at: dateTime, via: z.enum(RECEIVED_VIA) })
      .optional()
      .describe('A written request the office records: when it reached the council and how (office only)'),
  })
  .describe('A briefing request');

export const decisionBody = z
  .object({
    decision: z.enum(['approve', 'decline', 'defer']),
    reason: z.enum(DECLINE_REASONS).optional(),
    note: text(1000).optional(),
    until: isoDate.optional(),
    offerTitle: text(200).optional().describe('Neutral title for the offer to other groups (defaults to the matter)'),
    overridePreElection: z.boolean().optional(),
  })
  .describe('A decision on a briefing request');

export const listRequestsQuery = z.object({
  status: z
    .string()
    .regex(
      new RegExp(`^(${REQUEST_STATUSES.join('|')})(,(${REQUEST_STATUSES.join('|')}))*$`),
      `must be one or more of ${REQUEST_STATUSES.join(', ')}, comma-separated`,
    )
    .optional()
    .describe('comma-separated statuses'),
});

const decision = z.object({ kind: z.enum(['approve', 'decline', 'defer']), by: z.string(), at: z.string() });

export const briefingRequest = z
  .object({
    id: z.string(),
    matter: z.string(),
    group: z.string(),
    requestedBy: z.string(),
    recipient: z.string(),
    requestedAt: z.string(),
    status: z.enum(REQUEST_STATUSES),
    decision: decision.optional(),
    roundId: z.string().optional(),
  })
  .meta({ id: 'BriefingRequest', description: 'A request as the caller may see it (a group does not see the office’s notes)' });

const party = z.object({ id: z.string(), name: z.string() });
export const offerSchema = z
  .object({
    id: z.string(),
    roundId: z.string(),
    party,
    kind: z.enum(['requester', 'offer', 'late']),
    status: z.enum(['agreed', 'open', 'accepted', 'declined', 'expired', 'withdrawn']),
    offeredAt: z.string(),
    expiresAt: z.string().optional(),
  })
  .meta({ id: 'Offer', description: "An offer to a group (a group's own view, or the office's with its notices)" });

export const roundSchema = z
  .object({
    id: z.string(),
    requestId: z.string(),
    title: z.string(),
    openedAt: z.string(),
    status: z.enum(['open', 'closed']),
    offers: z.array(offerSchema),
    materialConsistent: z.boolean(),
  })
  .meta({ id: 'Round' });

/** A decision's answer: the request as it now stands and, when approved, the round of offers it opened. */
export const decisionResponse = z.object({
  request: briefingRequest,
  round: z
    .object({
      id: z.string(),
      requestId: z.string(),
      title: z.string(),
      openedAt: z.string(),
      status: z.enum(['open', 'closed']),
      offerIds: z.array(z.string()),
    })
    .optional(),
});

export const officeNames = z.object({
  council: z.string(),
  groups: z.array(z.object({ id: z.string(), name: z.string() })),
  people: z.array(z.object({ id: z.string(), name: z.string(), role: z.enum(['councillor', 'officer']) })),
  authorisers: z.array(z.string()),
});

export const materialSchema = z.object({
  version: text(50),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits')
    .describe('SHA-256 of the briefing material, hex'),
});

export const offerResponseBody = z.object({
  response: z.enum(['accept', 'decline']),
  proposedTimes: z.array(dateTime).max(3).optional().describe('Times that would suit, when accepting'),
  note: z.string().max(300).optional(),
});

export const followUpBody = z.object({ answer: text(10_000), material: materialSchema.optional() });
export const followUpSchema = z
  .object({ id: z.string(), roundId: z.string(), answer: z.string(), by: z.string(), at: z.string(), offerIds: z.array(z.string()) })
  .meta({ id: 'FollowUp' });

const officers = z
  .array(personId)
  .min(1)
  .max(20)
  .refine((list) => new Set(list).size === list.length, { error: 'must not name an officer twice' });
const venue = text(200);

export const sessionBody = z.object({
  offerId: idParams('offer').shape.id,
  officers,
  venue,
  startsAt: dateTime,
  endsAt: dateTime,
  material: materialSchema,
});

export const sessionChangeBody = z
  .object({
    venue: venue.optional(),
    startsAt: dateTime.optional(),
    endsAt: dateTime.optional(),
    material: materialSchema.optional(),
    cancel: z.literal(true).optional(),
  })
  .refine((change) => Object.values(change).some((v) => v !== undefined), { error: 'give at least one of venue, startsAt, endsAt, material or cancel' });

export const sessionSchema = z
  .object({
    id: z.string(),
    roundId: z.string(),
    offerId: z.string(),
    party: z.string(),
    officers: z.array(z.string()),
    venue: z.string(),
    startsAt: z.string(),
    endsAt: z.string(),
    material: z.object({ version: z.string(), sha256: z.string() }),
    sequence: z.int(),
    status: z.enum(['scheduled', 'cancelled']),
  })
  .meta({ id: 'Session' });

export const invitationSchema = z
  .object({
    id: z.string(),
    sessionId: z.string(),
    roundId: z.string(),
    party: z.string(),
    officer: z.string(),
    status: z.enum(['pending', 'accepted', 'declined']),
  })
  .meta({ id: 'Invitation' });

export const invitationResponseBody = z.object({ response: z.enum(['accept', 'decline']), reason: z.string().max(500).optional() });

export const registerQuery = z.object({ format: z.enum(['json', 'csv']).optional() });
export const registerRow = z
  .object({ roundId: z.string(), requestId: z.string(), title: z.string(), party: z.string(), offerStatus: z.string() })
  .meta({ id: 'RegisterRow' });

/** Query integers arrive as text: coerced, then held to their range. */
const queryInt = (min: number, max?: number) =>
  z.coerce
    .number()
    .int()
    .min(min)
    .max(max ?? Number.MAX_SAFE_INTEGER);

export const auditQuery = z.object({
  from: queryInt(1).optional(),
  limit: queryInt(1, 1000).default(200),
  last: queryInt(1, 1000).optional(),
});

const head = z.object({ seq: z.int(), hash: z.string() });
export const auditResponse = z.object({ head, events: z.array(z.object({ seq: z.int() })) });
export const verifyResponse = z.object({ ok: z.boolean() });

export const deliveryResponse = z.object({ ready: z.boolean(), parties: z.array(z.object({ reachable: z.boolean() })) });
export const actionItemsResponse = z.object({
  notices: z.array(z.object({ noticeId: z.string(), state: z.enum(['failed', 'not deliverable']), reason: z.string() })),
  refusals: z
    .array(
      z.object({
        invitationId: z.string(),
        officer: z.object({ id: z.string(), name: z.string() }),
        roundId: z.string(),
        refusedAt: z.string(),
        refusedDeclines: z.int().describe('Which refused decline of the invitation this is; give it back when marking it as dealt with'),
        text: z.string(),
      }),
    )
    .describe("Officers' declines that were refused (same matter as another group's invitation they accepted), with their reason"),
});

/** Marking a refused decline as dealt with: the office's one-line note, and which refused decline it saw. */
export const refusalDealtWithBody = z
  .object(
    {
      note: z
        .string({ error: 'is required: one line saying how the refused decline was dealt with' })
        .max(300, { error: 'must be at most 300 characters: one line saying how the refused decline was dealt with' })
        .describe('How it was dealt with, in one line (no line breaks); kept in the audit trail'),
      refusedDeclines: z
        .int()
        .min(1)
        .optional()
        .describe(
          'Which refused decline the caller was shown (`refusedDeclines` in GET /v1/action-items); 409 `refusal-changed` if the officer has declined again since',
        ),
    },
    { error: 'must be a JSON object with a one-line note' },
  )
  .describe('The office has taken the refused decline up with the officer');

export const refusalDealtWithResponse = z
  .object({
    id: z.string(),
    officer: z.string(),
    status: z.literal('pending'),
    refusal: z.object({
      at: z.string(),
      reason: z.string().optional(),
      acceptedInvitationId: z.string(),
      dealtWith: z.object({ by: z.string(), at: z.string(), note: z.string() }),
    }),
  })
  .describe('The invitation, its refused decline now marked as dealt with (who, when, the note)');

// ── Member enquiries ───────────────────────────────────────────────────────────────────────────────────────────

export const enquiryParams = z.object({ id: z.string().regex(/^enq-[a-z0-9]{1,40}$/, 'must be an enquiry id') });
export const monthsQuery = (max: number) => z.object({ months: queryInt(1, max).optional() });
const named = z.object({ id: z.string(), name: z.string() });
export const enquirySchema = z
  .object({
    id: z.string(),
    status: z.string(),
    state: z.string().describe('In words: "Acknowledged, answer due Mon 20 Apr 2026 (3 working days left)"'),
    overdue: z.boolean(),
    councillor: named,
    officer: named.nullable(),
    subject: z.string(),
    receivedAt: z.string(),
    acknowledgeBy: z.string(),
    answerBy: z.string(),
    steps: z.array(z.object({ at: z.string(), what: z.string(), by: z.string() })).optional(),
  })
  .meta({ id: 'Enquiry' });
export const dashboardSchema = z.object({
  now: z.string(),
  open: z.int(),
  overdue: z.int(),
  byService: z.array(z.object({ id: z.string(), name: z.string(), open: z.int(), overdue: z.int() })),
  months: z.array(z.string()),
  overdueList: z.array(enquirySchema),
});
export const recordEnquiryBody = z.object({
  councillor: z.string().max(80),
  officer: z.string().max(80).optional(),
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  subject: text(200).regex(/^[^\u0000-\u001f]*$/, 'must be one line'),
  receivedAt: dateTime.optional(),
});
export const holdingBody = z.object({
  newDay: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-01'),
  reason: z.boolean(),
  action: z.boolean(),
});
export const assignBody = z.object({ officer: z.string().max(80) });
export const linkActionBody = z.object({ t: z.string().max(2000) });
