/**
 * The API app as the API process builds it (buildApp, sign-in with cookie sessions, roles from council.yaml), with
 * the enquiry plugin, over a real Redis store.
 */
import type { Redis } from 'ioredis';
import { accessOf } from '../../src/briefings/access.js';
import { MemoryStore } from '../../src/briefings/memory-store.js';
import { BriefingService } from '../../src/briefings/service.js';
import { briefingSettings } from '../../src/briefings/settings.js';
import { enquiryPlugin } from '../../src/enquiries/routes.js';
import { buildApp } from '../../src/http/app.js';
import { issueToken, type Role } from '../../src/http/auth.js';
import { cookieNames } from '../../src/http/sign-in.route.js';
import { testSignIn } from '../helpers/sign-in.js';
import { world } from './world.js';

export const SECRET = 'enquiry-app-test-secret-0123456789abcdefghij';

export async function enquiryApp(redis: Redis, prefix: string, now = new Date('2026-04-09T10:00:00+01:00'), given?: ReturnType<typeof world>) {
  const w = given ?? world(redis, prefix, { now });
  const clock = () => w.clock.now;
  const briefings = new BriefingService({ council: w.council, store: new MemoryStore(), clock, newId: () => `r-${Math.random().toString(16).slice(2, 12)}` });
  const signIn = testSignIn();
  const access = (id: string) => accessOf(w.council, briefingSettings(w.council), id);
  const app = await buildApp({
    service: briefings,
    auth: { secret: SECRET },
    signIn,
    docs: false,
    plugins: [
      enquiryPlugin({
        service: w.service,
        auth: { secret: SECRET, access, sessions: signIn.sessions, cookieName: cookieNames(signIn.publicUrl).session },
        linkSecret: SECRET,
        clock,
      }),
    ],
  });
  const token = (sub: string, role: Role) => issueToken(SECRET, { sub, role, exp: Math.floor(Date.now() / 1000) + 3600, aud: ['briefings', 'check'] });
  return { ...w, app, signIn, token };
}
