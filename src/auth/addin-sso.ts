/**
 * Each Outlook user's own credential for `POST /v1/check`: Office single sign-on. The add-in asks Outlook for the
 * signed-in user's token (`Office.auth.getAccessToken()`), which the council's identity provider (Microsoft Entra
 * ID) issues for the add-in's app registration, and sends it as a bearer. Here it is checked against that
 * provider: its issuer (OIDC_ISSUER, discovered by openid-client as sign-in does), its signing keys (the
 * provider's JWKS, by jose, fetched again when a key rolls over), the add-in's client id or Application ID URI
 * as audience, and its expiry. The person is found in council.yaml by object id, then address
 * (personForIdentity, as for sign-in); someone the directory does not name may still check a message, as
 * themselves (`sso:<object id>`), and nothing else.
 *
 * Nothing is shared between users, so each is rate-limited on their own (auth.ts's rateLimitKey), and a token
 * that does not verify costs its sender's address. When the provider cannot be reached (discovery, or the keys
 * when a token names a key not yet fetched), checks answer 503 and `onTrouble` is told (the API logs an error and
 * writes to the administrators: src/http/addin-health.ts).
 */
import * as client from 'openid-client';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Identity } from '../briefings/access.js';

export interface AddinSsoSettings {
  /** The council's identity provider (OIDC_ISSUER): Entra ID's `https://login.microsoftonline.com/<tenant>/v2.0`. */
  issuer: string;
  /** The add-in's app registration (PROBITY_ADDIN_CLIENT_ID): the manifest's WebApplicationInfo Id. */
  clientId: string;
  /** Its Application ID URI (`api://<host>/<client id>`), also accepted as the audience. */
  appIdUri?: string;
}

export type SsoOutcome = { ok: true; identity: Identity; subject: string; expiresAt: number } | { ok: false; status: 401 | 503; message: string };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Signature algorithms identity providers use for these tokens; never `none`, never a shared-secret HMAC. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
/** Clock skew allowed between the provider and this server. */
const CLOCK_TOLERANCE_S = 60;

export class ProviderUnreachable extends Error {}

/** Whether a bearer token is one an identity provider signed (not one of Probity's own HS256 tokens). */
export function isProviderToken(token: string): boolean {
  try {
    const { alg } = decodeProtectedHeader(token);
    return typeof alg === 'string' && ALGORITHMS.includes(alg);
  } catch {
    return false;
  }
}

export class AddinSso {
  private meta?: Promise<{ issuer: string; jwks: ReturnType<typeof createRemoteJWKSet> }>;

  constructor(
    readonly settings: AddinSsoSettings,
    private readonly onTrouble: (problem: string) => void = () => undefined,
  ) {}

  get audiences(): string[] {
    return [this.settings.clientId, ...(this.settings.appIdUri ? [this.settings.appIdUri] : [])];
  }

  /** The provider's issuer and keys, discovered on first use and again after a failure. */
  private metadata() {
    if (!this.meta) {
      const server = new URL(this.settings.issuer);
      const insecure = server.protocol === 'http:' && LOOPBACK.has(server.hostname);
      this.meta = client
        .discovery(server, this.settings.clientId, undefined, client.None(), { ...(insecure ? { execute: [client.allowInsecureRequests] } : {}), timeout: 5 })
        .then((config) => {
          const m = config.serverMetadata();
          if (!m.jwks_uri) throw new ProviderUnreachable(`the identity provider at ${this.settings.issuer} publishes no jwks_uri`);
          return { issuer: m.issuer, jwks: createRemoteJWKSet(new URL(m.jwks_uri), { timeoutDuration: 5000, cooldownDuration: 30_000 }) };
        })
        .catch((err: unknown) => {
          this.meta = undefined;
          throw err instanceof ProviderUnreachable
            ? err
            : new ProviderUnreachable(`the identity provider at ${this.settings.issuer} cannot be reached (${describe(err)})`);
        });
    }
    return this.meta;
  }

  /** Can the provider be reached, and does it serve keys? Resolves, or rejects with why not (for the health check). */
  async probe(): Promise<void> {
    const { jwks } = await this.metadata();
    try {
      await jwks.reload();
    } catch (err) {
      throw new ProviderUnreachable(`the identity provider's signing keys cannot be fetched (${describe(err)})`);
    }
  }

  async verify(token: string, nowMs = Date.now()): Promise<SsoOutcome> {
    let meta;
    try {
      meta = await this.metadata();
    } catch (err) {
      this.onTrouble((err as Error).message);
      return { ok: false, status: 503, message: 'single sign-on cannot be checked just now; try again shortly' };
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, meta.jwks, {
        issuer: meta.issuer,
        audience: this.audiences,
        algorithms: ALGORITHMS,
        currentDate: new Date(nowMs),
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      if (err instanceof errors.JWKSTimeout || (err instanceof Error && !(err instanceof errors.JOSEError))) {
        this.onTrouble(`the identity provider's signing keys cannot be fetched (${describe(err)})`);
        return { ok: false, status: 503, message: 'single sign-on cannot be checked just now; try again shortly' };
      }
      return { ok: false, status: 401, message: reason(err) };
    }
    const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
    const email = str(payload.email);
    const username = str(payload.preferred_username) ?? str(payload.upn);
    const oid = str(payload.oid);
    return {
      ok: true,
      identity: {
        ...(oid ? { oid } : {}),
        ...(email ? { email } : {}),
        ...(payload.email_verified === false ? { emailVerified: false } : {}),
        ...(username ? { username } : {}),
      },
      subject: oid ?? payload.sub!,
      expiresAt: payload.exp! * 1000,
    };
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; cause?: { code?: string }; message?: string };
  return e?.cause?.code ?? e?.code ?? e?.message ?? 'error';
}

/** Why a token was refused, in words (never the token). */
function reason(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'your sign-in has expired; Outlook will renew it';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return "this sign-in is not for Probity's add-in";
    if (err.claim === 'iss') return "this sign-in is not from the council's identity provider";
    return `this sign-in's ${err.claim} is not acceptable`;
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWSSignatureVerificationFailed)
    return "this sign-in is not signed by the council's identity provider";
  if (err instanceof errors.JOSEAlgNotAllowed) return 'this sign-in is signed in a way Probity does not accept';
  return 'this sign-in cannot be read';
}
