/**
 * The signed-in Outlook user's own credential for the check API: Office single sign-on. Outlook asks the
 * council's identity provider for a token for the add-in's app registration (the manifest's
 * WebApplicationInfo) and caches it; the add-in never stores it (Microsoft's advice) and asks again for each
 * check. Nothing in the add-in's files is a credential.
 */
import { CheckFailed } from './check-client.js';
import { officeAuth } from './office.js';

/** What Office's error codes mean to the person writing (docs: "Troubleshoot error messages for SSO"). */
function signInProblem(code: unknown): string {
  switch (code) {
    case 13000:
      return 'single sign-on is not set up for the add-in (13000)';
    case 13001:
      return 'you are not signed in to Office (13001)';
    case 13002:
      return 'consent to Probity was not given (13002)';
    case 13003:
      return 'this kind of account cannot sign in to Probity (13003)';
    default:
      return `Outlook could not sign you in to Probity${typeof code === 'number' ? ` (${code})` : ''}`;
  }
}

/** The user's token, or a CheckFailed('sign-in') saying why not, within `timeoutMs`. */
export function userToken(timeoutMs: number, interactive: boolean): Promise<string> {
  const auth = officeAuth();
  if (!auth) return Promise.reject(new CheckFailed('sign-in', 'this version of Outlook has no single sign-on'));
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CheckFailed('sign-in', 'Outlook took too long to sign you in')), timeoutMs);
    let pending: Promise<string>;
    try {
      pending = auth.getAccessToken({ allowSignInPrompt: interactive, allowConsentPrompt: interactive });
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (token) => {
        clearTimeout(timer);
        if (typeof token === 'string' && token) resolve(token);
        else reject(new CheckFailed('sign-in', 'Outlook gave no sign-in'));
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(new CheckFailed('sign-in', signInProblem((error as { code?: unknown } | null)?.code)));
      },
    );
  });
}
