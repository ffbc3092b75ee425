/**
 * The API process: `/v1/check`, the briefings API, the office page and the Outlook add-in's files, on the ledger
 * and the notices queue in Redis. SIGHUP re-reads council.yaml for the briefing service and the check route
 * alike. Settings: docs/settings.md.
 *
 *   node dist/workers/api.js        (node --import tsx workers/api.ts from a checkout)
 */
import { RevocationList, RedisKv } from '../src/auth/kv.js';
import { OidcClient, oidcSettingsFromEnv } from '../src/auth/oidc.js';
import { SessionStore } from '../src/auth/sessions.js';
import { keyringFromEnv } from '../src/auth/tokens.js';
import { CheckpointFile } from '../src/briefings/checkpoint-store.js';
import { ledgerKeyFrom } from '../src/briefings/integrity.js';
import { assertDurableLedger, RedisStore } from '../src/briefings/redis-store.js';
import { BriefingService } from '../src/briefings/service.js';
import { addinOptions, appIdUri } from '../src/http/addin.route.js';
import { AddinSso } from '../src/auth/addin-sso.js';
import { CredentialWatch } from '../src/http/credential-watch.js';
import { EmailSender, smtpOptionsFrom } from '../src/notices/email.js';
import { enquiryPlugin } from '../src/enquiries/routes.js';
import { enquiryService, reloadEnquiries } from '../src/enquiries/wiring.js';
import { buildApp } from '../src/http/app.js';
import { DEFAULT_SHEDDING } from '../src/http/overload.js';
import { connectionReady } from '../src/http/health.js';
import { LinkAnswers } from '../src/http/link-answers.js';
import { LinkKeys, redisNonceStore } from '../src/http/offer-links.js';
import { ChannelHealth } from '../src/notices/channel-health.js';
import { loadLinter } from '../src/lint/load.js';
import { NoticeDispatcher } from '../src/notices/queue.js';
import { parseFrom, randomId } from '../src/notices/runtime.js';
import { ReloadableLinter } from '../src/process/council.js';
import { loggerOptions } from '../src/process/log.js';
import { runProcess } from '../src/process/run.js';

/** How often the add-in's identity provider and the machine tokens in use are looked at. */
const CREDENTIAL_CHECK_MS = 15 * 60_000;

await runProcess('api', async ({ settings: s, log, redis, ready, council }) => {
  // The token keys (PROBITY_TOKEN_KEYS, or PROBITY_TOKEN_SECRET alone); the example secret is refused here.
  const keys = keyringFromEnv({ PROBITY_TOKEN_KEYS: s.PROBITY_TOKEN_KEYS, PROBITY_TOKEN_SECRET: s.PROBITY_TOKEN_SECRET });
  const ledgerKey = ledgerKeyFrom(s.PROBITY_LEDGER_KEY);
  const publicUrl = s.PROBITY_PUBLIC_URL ?? `http://localhost:${s.PORT}`;
  const oidcSettings = oidcSettingsFromEnv(
    {
      OIDC_ISSUER: s.OIDC_ISSUER,
      OIDC_CLIENT_ID: s.OIDC_CLIENT_ID,
      OIDC_CLIENT_SECRET: s.OIDC_CLIENT_SECRET,
      OIDC_SCOPES: s.OIDC_SCOPES,
      OIDC_LABEL: s.OIDC_LABEL,
    },
    publicUrl,
  );
  const addin = addinOptions(s);
  const directory = council();
  // Failing and expiring credentials: an error in the log and an email to the administrators (credential-watch.ts).
  const smtp = smtpOptionsFrom(s, parseFrom(s.NOTICE_FROM ?? `Probity <briefings@${directory.domain ?? 'localhost'}>`));
  const watchDeps = { admins: s.PROBITY_ADMIN_EMAILS ?? [], domain: directory.domain ?? 'localhost', ...(smtp ? { email: new EmailSender(smtp) } : {}) };
  let watch: CredentialWatch | undefined;
  // Each Outlook user signs in (Office single sign-on); their token is checked against the council's provider.
  const sso =
    addin?.sso && s.OIDC_ISSUER
      ? new AddinSso({ issuer: s.OIDC_ISSUER, clientId: addin.sso.clientId, appIdUri: appIdUri(addin.publicUrl, addin.sso) }, (problem) =>
          watch?.ssoTrouble(problem),
        )
      : undefined;
  if (addin && !sso) log.error({}, 'outlook add-in: PROBITY_ADDIN_CLIENT_ID is not set, so every check from Outlook is refused and says so (docs/outlook.md)');
  const linkKeys = LinkKeys.parse(s.PROBITY_LINK_KEYS);
  const linter = new ReloadableLinter(loadLinter({ council: directory }));
  const clock = () => new Date();

  // HTTP handlers fail fast while Redis is away (a 503 beats a request hanging); BullMQ's producer waits.
  const ledger = redis('producer', 'ledger');
  const queue = redis('worker', 'notices-queue');
  await ready();
  // No ledger on a Redis that would lose an acknowledged commit in a crash (unless this is a test).
  const persistence = await assertDurableLedger(ledger, s.PROBITY_LEDGER_ALLOW_NO_AOF);
  if (persistence) log.warn({ persistence }, 'ledger persistence');

  const store = new RedisStore(ledger, s.PROBITY_LEDGER_PREFIX);
  const authKv = new RedisKv(ledger, s.PROBITY_AUTH_PREFIX);
  watch = new CredentialWatch({
    log,
    kv: authKv,
    ...watchDeps,
    ...(sso ? { sso } : {}),
    addinWithoutSso: Boolean(addin && !sso),
    intervalMs: CREDENTIAL_CHECK_MS,
  });
  const channels = new ChannelHealth(ledger, s.PROBITY_LEDGER_PREFIX);
  const dispatcher = new NoticeDispatcher({
    connection: queue,
    prefix: s.PROBITY_QUEUE_PREFIX,
    store,
    clock,
    backoffMs: s.NOTICE_BACKOFF_MS,
    attempts: s.NOTICE_ATTEMPTS,
  });
  const service = new BriefingService({
    council: directory,
    store,
    clock,
    newId: randomId,
    // Move queued notices to BullMQ right after the commit; the worker also sweeps the outbox, so a failure
    // here delays notices but never loses them.
    onOutbox: () =>
      void dispatcher.flush().catch((err: Error) => log.warn({ error: err.name, message: err.message }, 'outbox flush failed; the worker will retry')),
    // What the notice workers say they are sending on: approval waits until every party can be told.
    workingChannels: () => channels.working(),
    // Every head signed with a key Redis never holds, and checkpointed to a file outside Redis.
    ledgerKey,
    checkpoints: new CheckpointFile(s.PROBITY_LEDGER_CHECKPOINTS),
    onCheckpointError: (err) => log.error({ error: err.name, message: err.message, file: s.PROBITY_LEDGER_CHECKPOINTS }, 'ledger checkpoint not written'),
  });
  const answers = new LinkAnswers({ service, keys: linkKeys, nonces: redisNonceStore(ledger, s.PROBITY_LEDGER_PREFIX), clock });
  // Member enquiries: the pages at /enquiries/ and the API at /v1/enquiries (src/enquiries/routes.ts).
  const enquiries = enquiryService({
    council: directory,
    redis: ledger,
    queue,
    prefix: s.PROBITY_ENQUIRIES_PREFIX,
    queuePrefix: s.PROBITY_QUEUE_PREFIX,
    clock,
  });
  const app = await buildApp({
    service,
    linter,
    ...(addin ? { addin } : {}),
    answers,
    auth: { keys, revoked: new RevocationList(authKv), ...(sso ? { sso } : {}), onToken: watch.sawToken },
    signIn: { sessions: new SessionStore(authKv, s.PROBITY_SESSION_HOURS * 3600), publicUrl, ...(oidcSettings ? { oidc: new OidcClient(oidcSettings) } : {}) },
    logger: loggerOptions('api', s.LOG_LEVEL),
    rateLimit: { max: s.PROBITY_RATE_LIMIT, timeWindow: '1 minute' },
    // The reads that grow with the ledger answer 503 + Retry-After while the process lags (src/http/overload.ts).
    overload: DEFAULT_SHEDDING,
    // 503 with the reason while either Redis is away: the ledger's connection fails fast, the queue's waits.
    health: [
      { name: "the ledger's Redis", check: () => ledger.ping() },
      { name: "the notice queue's Redis", check: () => connectionReady(queue) },
    ],
    ...(s.PROBITY_TRUST_PROXY ? { trustProxy: s.PROBITY_TRUST_PROXY === 'true' ? true : s.PROBITY_TRUST_PROXY } : {}),
    // The one-click links in reminders are signed with the current token key.
    plugins: [enquiryPlugin({ service: enquiries.service, linkSecret: keys.current.secret, clock })],
  });
  await app.listen({ port: s.PORT, host: s.HOST });
  watch.start();

  return {
    async stop() {
      watch?.stop();
      await app.close();
      await dispatcher.close().catch(() => undefined);
      await enquiries.scheduler.close().catch(() => undefined);
    },
    // council.yaml again, for the briefing service and /v1/check alike; a group that has formed since a round
    // opened gets a late offer in it.
    async reload() {
      const next = council();
      const nextLinter = loadLinter({ council: next });
      service.setCouncil(next);
      reloadEnquiries(enquiries.service, next);
      linter.replace(nextLinter);
      const lateOffers = await service.refreshOpenRounds();
      return { council: next.council, lateOffers };
    },
  };
});
