/**
 * Credentials that fail, or are about to, are said out loud: an error in the API's log and an email to the
 * administrators (PROBITY_ADMIN_EMAILS, through the notices' SMTP sender), before users notice. Watched:
 *
 * - the Outlook add-in's single sign-on: the council's identity provider must be discoverable and serve its
 *   signing keys (src/auth/addin-sso.ts). Probed at start and every `intervalMs`, and reported the moment a
 *   check finds it unreachable. While it is down every check from Outlook says "Probity could not check this
 *   message".
 * - the add-in's configuration: served, but with no app registration (PROBITY_ADDIN_CLIENT_ID), so every check
 *   from Outlook is refused.
 * - machine tokens in use (`probity token`, for scripts and integrations): a token seen on a request in the last
 *   week that expires within `warnDays` is reported, once a day, with who holds it and how to issue the next.
 *
 * Each problem is mailed at most once a day (a marker in Redis, so several API processes send one), and logged as
 * an error each time it is seen. Nothing here carries message text.
 */
import type { AddinSso } from '../auth/addin-sso.js';
import type { Kv } from '../auth/kv.js';
import type { VerifiedClaims } from '../auth/tokens.js';
import type { EmailSender } from '../notices/email.js';
import type { Logger } from '../process/log.js';

export const DAY_MS = 24 * 3600 * 1000;
/** A token is "in use" if it was seen this recently. */
const IN_USE_MS = 7 * DAY_MS;

export interface CredentialWatchOptions {
  log: Pick<Logger, 'error' | 'warn' | 'info'>;
  /** Markers of problems already mailed today. */
  kv: Kv;
  /** The administrators' addresses; none: the problems are logged only (and that is logged too). */
  admins: string[];
  email?: EmailSender;
  /** For the Message-ID (council.yaml's domain). */
  domain: string;
  sso?: AddinSso;
  /** The add-in is served but has no app registration. */
  addinWithoutSso?: boolean;
  /** Report a token this many days before it expires (default 14). */
  warnDays?: number;
  intervalMs?: number;
  now?: () => number;
}

interface SeenToken {
  sub: string;
  role: string;
  exp: number;
  lastSeen: number;
}

export interface Problem {
  /** Stable id: one email a day per id. */
  id: string;
  subject: string;
  text: string;
}

export class CredentialWatch {
  private readonly tokens = new Map<string, SeenToken>();
  private timer?: NodeJS.Timeout;
  private lastTrouble = 0;
  private readonly now: () => number;

  constructor(private readonly options: CredentialWatchOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Every verified machine token goes through here (auth.ts's onToken). */
  sawToken = (claims: VerifiedClaims): void => {
    this.tokens.set(claims.jti, { sub: claims.sub, role: claims.role, exp: claims.exp * 1000, lastSeen: this.now() });
  };

  /** The add-in's single sign-on found the provider unreachable during a check. */
  ssoTrouble = (problem: string): void => {
    // Every check fails while the provider is away: one line a minute is enough.
    if (this.now() - this.lastTrouble < 60_000) return;
    this.lastTrouble = this.now();
    void this.raise(ssoProblem(problem));
  };

  start(): void {
    void this.check();
    if (this.options.intervalMs) {
      this.timer = setInterval(() => void this.check(), this.options.intervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Look at everything once; resolves with the problems found (each logged, and mailed once a day). */
  async check(): Promise<Problem[]> {
    const problems: Problem[] = [];
    if (this.options.addinWithoutSso) {
      problems.push({
        id: 'addin-no-sso',
        subject: 'Probity: the Outlook add-in has no single sign-on, so nothing sent from Outlook is checked',
        text: 'The Outlook add-in is served (PROBITY_PUBLIC_URL is set) but PROBITY_ADDIN_CLIENT_ID is not, so Outlook cannot sign anyone in to Probity and every check says "Probity could not check this message". Register the add-in with your identity provider and set PROBITY_ADDIN_CLIENT_ID and OIDC_ISSUER (docs/outlook.md, Install, step 3).',
      });
    }
    if (this.options.sso) {
      try {
        await this.options.sso.probe();
      } catch (err) {
        problems.push(ssoProblem((err as Error).message));
      }
    }
    const now = this.now();
    const warnMs = (this.options.warnDays ?? 14) * DAY_MS;
    for (const [jti, t] of this.tokens) {
      if (now - t.lastSeen > IN_USE_MS) {
        this.tokens.delete(jti);
        continue;
      }
      if (t.exp - now > warnMs) continue;
      const when = new Date(t.exp).toISOString().slice(0, 16).replace('T', ' ');
      const expired = t.exp <= now;
      problems.push({
        id: `token-${jti}`,
        subject: `Probity: the ${t.role} token held by ${t.sub} ${expired ? 'has expired' : `expires on ${when} UTC`}`,
        text: `A Probity token (id ${jti}, role ${t.role}, held by ${t.sub}) was last used on ${new Date(t.lastSeen).toISOString().slice(0, 10)} and ${expired ? `expired on ${when} UTC: whatever uses it is being refused` : `expires on ${when} UTC`}. Issue its successor and put it where the old one is used: probity token --role ${t.role} --sub ${t.sub}. Then revoke the old one: probity token revoke ${jti}.`,
      });
    }
    for (const p of problems) await this.raise(p);
    return problems;
  }

  private async raise(problem: Problem): Promise<void> {
    const { log, kv, admins, email, domain } = this.options;
    log.error({ problem: problem.id, detail: problem.subject }, 'credential problem');
    const day = new Date(this.now()).toISOString().slice(0, 10);
    const marker = `alert:${problem.id}:${day}`;
    try {
      if (await kv.get(marker)) return;
      await kv.set(marker, '1', 2 * 24 * 3600);
    } catch {
      // Without Redis the marker cannot be kept: mail anyway (a duplicate beats silence).
    }
    if (!email || admins.length === 0) {
      log.error({ problem: problem.id }, 'credential problem not mailed: set PROBITY_ADMIN_EMAILS and the SMTP relay (SMTP_URL) for the API');
      return;
    }
    try {
      await email.sendPlain({
        to: admins,
        subject: problem.subject,
        text: `${problem.text}\n\n(Probity sends this at most once a day while the problem lasts.)`,
        messageId: `<${problem.id}.${day}@${domain}>`,
      });
      log.info({ problem: problem.id, to: admins.length }, 'credential problem mailed to the administrators');
    } catch (err) {
      await kv.del(marker).catch(() => undefined);
      log.error({ problem: problem.id, error: (err as Error).message }, 'credential problem could not be mailed');
    }
  }
}

function ssoProblem(detail: string): Problem {
  return {
    id: 'addin-sso-provider',
    subject: 'Probity: the Outlook add-in cannot verify sign-ins, so messages sent from Outlook go unchecked',
    text: `Probity cannot reach the identity provider that signs Outlook users in to the add-in: ${detail}. Until it can, every check from Outlook says "Probity could not check this message" and people may send unchecked. Check OIDC_ISSUER, and that the API can reach the provider's discovery document and its signing keys (jwks_uri) over HTTPS.`,
  };
}
