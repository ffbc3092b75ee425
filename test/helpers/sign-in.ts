/**
 * A signed-in browser for page tests that are not about signing in: a session made in the app's session store
 * and its cookie put in the browser context, as the sign-in callback would. The sign-in itself, through a real
 * OpenID Connect provider, is tested in test/security/sign-in.test.ts.
 */
import type { BrowserContext } from 'playwright-core';
import { MemoryKv } from '../../src/auth/kv.js';
import { SessionStore } from '../../src/auth/sessions.js';
import { cookieNames } from '../../src/http/sign-in.route.js';

/** For buildApp's `signIn`: sessions in memory, served over plain HTTP on loopback. */
export function testSignIn(publicUrl = 'http://127.0.0.1') {
  return { sessions: new SessionStore(new MemoryKv()), publicUrl };
}

export async function signInAs(context: BrowserContext, base: string, signIn: ReturnType<typeof testSignIn>, personId: string): Promise<void> {
  const { id } = await signIn.sessions.create(personId, { issuer: 'test', subject: personId }, Date.now());
  await context.clearCookies();
  await context.addCookies([{ name: cookieNames(signIn.publicUrl).session, value: id, url: base, httpOnly: true, sameSite: 'Lax' }]);
}
