// The pages' one shell, served at /shell/ and shared by the office page (/office/) and the member-enquiry page
// (/enquiries/): building elements (text from people is always a text node, never HTML), the status line, the
// API call with the signed-in session's CSRF token (or a pasted bearer token), and the header's sign-in state.

export const $ = (id) => document.getElementById(id);

/** Build an element; string children become text nodes (never parsed as HTML). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** The status line under the header: `info`, `ok` or `error`. */
export function say(message, kind = 'info') {
  const status = $('status');
  status.textContent = message;
  status.dataset.kind = kind;
}

/** How the page speaks for its user: a session's CSRF token, or a pasted bearer token; and what a 401 does. */
const auth = { csrf: '', token: '', onUnauthorised: () => undefined };
export function useAuth(next) {
  Object.assign(auth, next);
}

/** Call the API: JSON in and out; a refusal becomes an Error with the API's own one-line message. */
export async function api(method, path, body) {
  const headers = {
    ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}),
    ...(auth.csrf && method !== 'GET' ? { 'x-csrf-token': auth.csrf } : {}),
    ...(body ? { 'content-type': 'application/json' } : {}),
  };
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(body ? { body: JSON.stringify(body) } : {}) });
  if (res.status === 401) {
    auth.onUnauthorised();
    throw new Error('Your session has ended. Sign in again.');
  }
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  const data = isJson ? await res.json() : await res.text();
  if (!res.ok) throw new Error(isJson && data.message ? data.message : `Request failed (${res.status})`);
  return data;
}

/** Who is signed in (GET /auth/session), or undefined when the server cannot be reached. */
export async function currentSession() {
  try {
    const res = await fetch('/auth/session', { credentials: 'same-origin' });
    return res.ok ? await res.json() : { signedIn: false };
  } catch {
    return undefined;
  }
}

/** The page's state in the shell: signed in (the page and who), or the sign-in card. */
export function showSignedIn(signedIn) {
  $('sign-in').hidden = signedIn;
  $('main').hidden = !signedIn;
  $('who').hidden = !signedIn;
}

/** End the session (cookie sign-in); a pasted token is simply forgotten by the page. */
export async function endSession() {
  if (auth.csrf) await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': auth.csrf } }).catch(() => undefined);
  useAuth({ csrf: '', token: '' });
}
