// The chief executive's office page. Plain ES module, no framework. Every piece of text that came from a user
// (matters, details, notes, names) is put in the page with textContent, never as HTML.

const $ = (id) => document.getElementById(id);

/** Build an element; string children become text nodes (never parsed as HTML). */
function el(tag, attrs = {}, ...children) {
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

const when = (iso) =>
  iso ? new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(new Date(iso)) : '—';

/** Who is signed in (GET /auth/session): name, roles and the CSRF token every change must carry. */
let session = null;
/** Names by id, from /v1/office (ids are shown until they arrive). */
let names = new Map();
const nameOf = (id) => names.get(id) ?? id;

function say(message, kind = 'info') {
  const status = $('status');
  status.textContent = message;
  status.dataset.kind = kind;
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { ...(method !== 'GET' && session ? { 'x-csrf-token': session.csrf } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 401) {
    showSignIn('Your session has ended. Sign in again.');
    throw new Error('Your session has ended. Sign in again.');
  }
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  const data = isJson ? await res.json() : await res.text();
  if (!res.ok) throw new Error(isJson && data.message ? data.message : `Request failed (${res.status})`);
  return data;
}

// ---------- awaiting decision ----------

function badge(text, kind) {
  return el('span', { class: `badge ${kind ?? ''}` }, text);
}

function decisionForm(request, canDecide, delivery) {
  const title = el('input', { type: 'text', name: 'offerTitle', maxlength: 200, placeholder: 'Neutral title for other groups (optional)', 'aria-label': 'Neutral title for other groups' });
  title.value = '';
  const reason = el('select', { name: 'reason', 'aria-label': 'Reason for declining' });
  reason.append(...$('decline-reasons').content.cloneNode(true).childNodes);
  const note = el('input', { type: 'text', name: 'note', maxlength: 1000, placeholder: 'Note (optional)', 'aria-label': 'Note' });
  const decide = (decision) => async () => {
    const body = { decision };
    if (decision === 'approve' && title.value.trim()) body.offerTitle = title.value.trim();
    if (decision === 'approve' && request.autoDeferred) body.overridePreElection = confirm('This request falls in a pre-election period. Approve anyway?');
    if (decision === 'approve' && request.autoDeferred && !body.overridePreElection) return;
    if (decision === 'decline') body.reason = reason.value;
    if (note.value.trim()) body.note = note.value.trim();
    try {
      await api('POST', `/v1/briefings/${encodeURIComponent(request.id)}/decision`, body);
      say(`“${request.matter}”: ${decision === 'approve' ? 'approved; the round is open, and each group’s notices show their delivery below' : decision === 'decline' ? 'declined' : 'deferred'}.`, 'ok');
      await load();
    } catch (err) {
      say(err.message, 'error');
    }
  };
  const disabled = canDecide ? undefined : true;
  // A round cannot open while a group cannot be told: say which and why before anyone presses Approve.
  const unreachable = (delivery?.parties ?? []).filter((p) => !p.reachable);
  return el(
    'div',
    { class: 'decide' },
    unreachable.length
      ? el(
          'div',
          { class: 'blocked', role: 'note' },
          el('strong', {}, 'Approval will be refused until every group can be told:'),
          el('ul', {}, unreachable.map((p) => el('li', {}, `${p.name}: ${p.problems.join('; ')}`))),
        )
      : null,
    el('div', { class: 'row' }, title, el('button', { type: 'button', class: 'approve', onclick: decide('approve'), disabled: disabled ?? (unreachable.length ? true : undefined) }, 'Approve')),
    el('div', { class: 'row' }, reason, el('button', { type: 'button', class: 'decline', onclick: decide('decline'), disabled }, 'Decline')),
    el('div', { class: 'row' }, note, el('button', { type: 'button', class: 'defer', onclick: decide('defer'), disabled }, 'Defer')),
    canDecide ? null : el('p', { class: 'hint' }, 'Only the designated authoriser can decide.'),
  );
}

/** The group's confidential details, fetched when asked for: every read is recorded in the audit trail. */
function detailsBlock(request) {
  const out = el('p', { class: 'details', hidden: true });
  const button = el('button', { type: 'button', class: 'quiet read-details' }, 'Read the details');
  button.addEventListener('click', async () => {
    try {
      const full = await api('GET', `/v1/briefings/${encodeURIComponent(request.id)}`);
      out.textContent = full.details;
      out.hidden = false;
      button.remove();
    } catch (err) {
      say(err.message, 'error');
    }
  });
  return el('div', { class: 'details-block' }, button, el('span', { class: 'hint' }, ' Confidential to the group; reading them is recorded in the audit trail.'), out);
}

function requestCard(request, role, delivery) {
  const flags = [
    request.status === 'deferred' ? badge(request.autoDeferred ? `deferred: ${request.autoDeferred.period}` : 'deferred', 'warn') : badge('pending', 'info'),
    request.premises && !request.premises.councilControlled ? badge('not council premises', 'warn') : null,
    request.nonMembersPresent ? badge('non-members present', 'warn') : null,
  ];
  return el(
    'article',
    { class: 'card request', 'data-id': request.id },
    el('div', { class: 'head' }, el('h3', { class: 'matter' }, request.matter), el('div', { class: 'badges' }, flags)),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'Group'), el('dd', {}, nameOf(request.group)),
      el('dt', {}, 'Requested by'), el('dd', {}, nameOf(request.requestedBy)),
      el('dt', {}, 'Received'), el('dd', {}, when(request.requestedAt)),
      request.preferredDate ? [el('dt', {}, 'Preferred date'), el('dd', {}, request.preferredDate)] : null,
      request.officers?.length ? [el('dt', {}, 'Officers asked for'), el('dd', {}, request.officers.map(nameOf).join(', '))] : null,
      request.premises?.description ? [el('dt', {}, 'Premises'), el('dd', {}, request.premises.description)] : null,
    ),
    detailsBlock(request),
    decisionForm(request, role === 'authoriser', delivery),
  );
}

// ---------- notices that need action ----------

function actionItem(item) {
  const who = item.to.map((t) => t.name).join(', ');
  return el(
    'article',
    { class: 'card action', 'data-notice': item.noticeId },
    el('div', { class: 'head' }, el('h3', {}, `${item.channel === 'email' ? 'Email' : 'Slack'} to ${item.partyName}`), el('div', { class: 'badges' }, badge(item.state, 'bad'))),
    el('p', {}, `${item.kind} notice${who ? ` for ${who}` : ''}: ${item.reason}.`),
    el('p', { class: 'meta' }, `Queued ${when(item.createdAt)}${item.attempts ? ` · ${item.attempts} attempt${item.attempts === 1 ? '' : 's'}` : ''}`),
  );
}

// ---------- rounds ----------

function noticeChips(notices) {
  if (!notices.length) return el('span', { class: 'muted' }, '—');
  return el(
    'span',
    { class: 'chips' },
    notices.map((n) =>
      el(
        'span',
        { class: `chip ${n.state}`, title: `${n.id}${n.lastError ? ` — ${n.lastError}` : ''}` },
        `${n.kind} ${n.channel}: ${n.state === 'queued' && n.lastError ? 'retrying' : n.state}${n.lastError && n.state !== 'sent' ? ` (${n.lastError})` : ''}`,
      ),
    ),
  );
}

function roundCard(round) {
  const rows = round.offers.map((o) =>
    el(
      'tr',
      { 'data-party': o.party.id },
      el('td', { 'data-label': 'Group' }, o.party.name, o.kind === 'requester' ? el('span', { class: 'tag' }, 'requested') : o.kind === 'late' ? el('span', { class: 'tag' }, 'late offer') : null),
      el('td', { 'data-label': 'Offer' }, el('span', { class: `state ${o.status}` }, o.status)),
      el('td', { 'data-label': 'Expires' }, when(o.expiresAt)),
      el('td', { 'data-label': 'Sessions' }, String(o.sessionIds.length)),
      el('td', { 'data-label': 'Notices' }, noticeChips(o.notices)),
    ),
  );
  return el(
    'article',
    { class: 'card round', 'data-id': round.id },
    el('div', { class: 'head' }, el('h3', {}, round.title), el('div', { class: 'badges' }, badge(round.status, round.status === 'open' ? 'info' : 'done'), round.materialConsistent ? null : badge('material differs between groups', 'bad'))),
    el('p', { class: 'meta' }, `Opened ${when(round.openedAt)} by ${nameOf(round.openedBy)} · request ${round.requestId}${round.noticesSettledAt ? ` · first notices settled ${when(round.noticesSettledAt)}` : ''}`),
    el(
      'div',
      { class: 'table-wrap' },
      el('table', { class: 'stack' }, el('thead', {}, el('tr', {}, ['Group', 'Offer', 'Expires', 'Sessions', 'Notices'].map((h) => el('th', {}, h)))), el('tbody', {}, rows)),
    ),
  );
}

// ---------- audit and register ----------

function auditRows(events) {
  return [...events].reverse().map((e) =>
    el(
      'tr',
      {},
      el('td', { 'data-label': '#', class: 'seq' }, String(e.seq)),
      el('td', { 'data-label': 'When', class: 'when' }, when(e.at)),
      el('td', { 'data-label': 'Who' }, nameOf(e.actor)),
      el('td', { 'data-label': 'What' }, e.action, e.note ? el('span', { class: 'muted' }, ` — ${e.note}`) : null),
      el('td', { 'data-label': 'Record' }, `${e.entity.kind} ${e.entity.id}`),
      el('td', { 'data-label': 'Hash', class: 'hash', title: e.hash }, e.hash.slice(0, 12)),
    ),
  );
}

async function verify() {
  const out = $('verify-result');
  out.textContent = 'Checking…';
  try {
    const v = await api('GET', '/v1/audit/verify');
    out.textContent = v.ok
      ? `Intact: ${v.count} events, each linked to the one before; every record agrees with its events${v.checkpoint ? `; matches the checkpoint of ${when(v.checkpoint.at)}` : ''}.`
      : `BROKEN at event ${v.seq}: ${(v.problems ?? [v.problem]).join(' · ')}`;
    out.dataset.kind = v.ok ? 'ok' : 'error';
  } catch (err) {
    out.textContent = err.message;
    out.dataset.kind = 'error';
  }
}

async function downloadCsv() {
  try {
    const csv = await api('GET', '/v1/register?format=csv');
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const a = el('a', { href: url, download: `briefings-register-${new Date().toISOString().slice(0, 10)}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (err) {
    say(err.message, 'error');
  }
}

// ---------- loading ----------

async function load() {
  const role = session.roles.find((r) => ['ce-office', 'authoriser', 'monitoring-officer'].includes(r));
  $('who-text').textContent = `${session.person.name} · ${session.roles.filter((r) => r !== 'checker').join(', ')}`;
  try {
    const [office, requests, rounds, audit, register, delivery, actions] = await Promise.all([
      api('GET', '/v1/office'),
      api('GET', '/v1/briefings?status=pending,deferred'),
      api('GET', '/v1/rounds'),
      api('GET', '/v1/audit?last=100'),
      api('GET', '/v1/register'),
      api('GET', '/v1/delivery'),
      api('GET', '/v1/action-items'),
    ]);
    names = new Map([...office.groups, ...office.people].map((x) => [x.id, x.name]));
    document.querySelector('.top .sub').textContent = `${office.council} · Chief Executive's Office · every group offered the same briefing`;
    $('requests').replaceChildren(...(requests.requests.length ? requests.requests.map((r) => requestCard(r, role, delivery)) : [el('p', { class: 'empty' }, 'Nothing is waiting for a decision.')]));
    $('awaiting-count').textContent = String(requests.requests.length);
    $('round-list').replaceChildren(...(rounds.rounds.length ? rounds.rounds.map(roundCard) : [el('p', { class: 'empty' }, 'No rounds yet.')]));
    $('rounds-count').textContent = String(rounds.rounds.length);
    $('audit-table').tBodies[0].replaceChildren(...auditRows(audit.events));
    $('action-list').replaceChildren(...(actions.notices.length ? actions.notices.map(actionItem) : [el('p', { class: 'empty' }, 'Every notice so far was delivered or is on its way.')]));
    $('action-count').textContent = String(actions.notices.length);
    const groups = new Set(register.rows.map((r) => r.party)).size;
    const plural = (k, word) => `${k} ${word}${k === 1 ? '' : 's'}`;
    const roundCount = new Set(register.rows.map((r) => r.roundId)).size;
    $('register-summary').textContent = `${plural(register.rows.length, 'offer')} to ${plural(groups, 'group')} in ${plural(roundCount, 'round')}.`;
    document.body.dataset.loaded = 'true';
  } catch (err) {
    say(err.message, 'error');
  }
}

function showSignIn(message) {
  session = null;
  $('sign-in').hidden = false;
  $('main').hidden = true;
  $('who').hidden = true;
  delete document.body.dataset.loaded;
  if (message) say(message, 'error');
}

/** Ask who is signed in; show the page, or the way to sign in. */
async function start() {
  let s;
  try {
    s = await (await fetch('/auth/session', { credentials: 'same-origin' })).json();
  } catch {
    say('Probity cannot be reached. Try again shortly.', 'error');
    return;
  }
  if (!s.signedIn) {
    if (s.signIn) {
      $('sign-in-link').href = `${s.signIn.url}?return=/office/`;
      $('sign-in-link').textContent = s.signIn.label;
    } else {
      $('sign-in-text').textContent = "Single sign-on is not set up on this server (OIDC_ISSUER). Ask the council's IT team.";
      $('sign-in-link').hidden = true;
    }
    showSignIn();
    return;
  }
  session = s;
  $('sign-in').hidden = true;
  $('main').hidden = false;
  $('who').hidden = false;
  say('');
  await load();
}

async function signOut() {
  try {
    await api('POST', '/auth/logout');
  } catch {
    // Signed out already.
  }
  showSignIn();
  say('Signed out.');
  await start();
}

$('sign-out').addEventListener('click', () => void signOut());
$('refresh').addEventListener('click', () => void load());
$('verify').addEventListener('click', () => void verify());
$('download-csv').addEventListener('click', () => void downloadCsv());

void start();
