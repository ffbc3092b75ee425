// The chief executive's office page. Plain ES module, no framework. Every piece of text that came from a user
// (matters, details, notes, names, venues, answers) is put in the page with textContent, never as HTML.
// Times are shown in the council's time zone (from /v1/office), labelled, whatever the browser's own zone is.

// The shell (element building, the status line, API calls, sign-in state) is the enquiry page's too: /shell/shell.js.
import { $, api, currentSession, el, endSession, say, showSignedIn, useAuth } from '/shell/shell.js';

/** Who is signed in (GET /auth/session): name, roles and the CSRF token every change must carry. */
let session = null;
/** The council, its groups and people (GET /v1/office). */
let office = { timezone: 'Europe/London', groups: [], people: [], requesters: [], officers: [] };
let names = new Map();
const nameOf = (id) => names.get(id) ?? id;
/** What the page last loaded, for re-rendering when a filter changes. */
let loaded = { requests: [], rounds: [], audit: [], delivery: null };

const tz = () => office.timezone;
const zoneLabel = (iso = new Date().toISOString()) => {
  const city = tz().split('/').at(-1).replace(/_/g, ' ');
  const abbr = new Intl.DateTimeFormat('en-GB', { timeZone: tz(), timeZoneName: 'short' }).formatToParts(new Date(iso)).find((p) => p.type === 'timeZoneName')?.value;
  return abbr && abbr !== city ? `${city} time, ${abbr}` : `${city} time`;
};
/** "3 Dec 2026, 14:05", in the council's zone (the page says which zone once, in the header). */
const when = (iso) =>
  iso
    ? new Intl.DateTimeFormat('en-GB', { timeZone: tz(), day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso))
    : '—';

/** The instant at a wall-clock time in the council's zone ("2026-12-03T14:05" → ISO), whatever the browser's zone. */
function zonedToIso(local) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return undefined;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  const offsetAt = (instant) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', { timeZone: tz(), hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
        .formatToParts(new Date(instant))
        .map((x) => [x.type, x.value]),
    );
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - instant;
  };
  let guess = wall - offsetAt(wall);
  guess = wall - offsetAt(guess);
  return new Date(guess).toISOString();
}

/** Now as a wall-clock value for a datetime-local input, in the council's zone. */
function nowLocal() {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: tz(), hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(new Date())
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** An instant as a wall-clock value for a datetime-local input, in the council's zone. */
/**
 * A session's end, given as a time of day: on the start's day, or on the next day when that time is before the start
 * (a session that runs past midnight, 23:30 to 00:30). The same time as the start stays on its day, and is refused.
 */
function endAfter(startsAt, startDay, endTime) {
  const sameDay = zonedToIso(`${startDay}T${endTime}`);
  if (!sameDay || Date.parse(sameDay) >= Date.parse(startsAt)) return sameDay;
  const next = new Date(Date.UTC(+startDay.slice(0, 4), +startDay.slice(5, 7) - 1, +startDay.slice(8, 10) + 1)).toISOString().slice(0, 10);
  return zonedToIso(`${next}T${endTime}`);
}

function isoToLocal(iso) {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: tz(), hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

useAuth({ onUnauthorised: () => showSignIn('Your session has ended. Sign in again.') });

/** The roles council.yaml gives the signed-in person, in words (the linter's `checker` is not shown). */
const ROLE_WORDS = { 'ce-office': "Chief Executive's office", authoriser: 'authoriser', 'monitoring-officer': 'Monitoring Officer', 'group-leader': 'group leader', officer: 'officer' };
const has = (...roles) => session?.roles.some((r) => roles.includes(r));
const badge = (text, kind) => el('span', { class: `badge ${kind ?? ''}` }, text);
const field = (label, control, hint) => el('label', { class: 'field' }, el('span', {}, label), control, hint ? el('span', { class: 'hint' }, hint) : null);
/** A table cell that stacks on a phone: its label (data-label) and one block of content beside it. */
const cell = (label, attrs, ...children) => el('td', { 'data-label': label, ...attrs }, el('div', { class: 'cell' }, ...children));
const plural = (k, word) => `${k} ${word}${k === 1 ? '' : 's'}`;

/** Run a change, say what happened, reload. */
async function act(work, done) {
  try {
    const result = await work();
    say(typeof done === 'function' ? done(result) : done, 'ok');
    await load();
    return true;
  } catch (err) {
    say(err.message, 'error');
    return false;
  }
}

// ---------- record a written request ----------

function recordForm() {
  const form = $('record-form');
  const member = form.elements.requestedBy;
  member.replaceChildren(
    el('option', { value: '' }, 'Choose the member who wrote'),
    ...office.requesters.map((p) => el('option', { value: p.id }, `${p.name} (${p.groupName})`)),
  );
  form.elements.receivedAt.value = nowLocal();
  form.elements.receivedAt.max = nowLocal();
  $('received-zone').textContent = `in ${zoneLabel()}`;
  $('record-officers').replaceChildren(
    ...office.officers.map((o) => el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'officers', value: o.id }), ` ${o.name}${o.title ? `, ${o.title}` : ''}`)),
  );
}

async function recordRequest(event) {
  event.preventDefault();
  const f = event.target.elements;
  const receivedAt = zonedToIso(f.receivedAt.value);
  if (!f.requestedBy.value) return say('Choose the member the written request came from.', 'error');
  if (!receivedAt) return say('Give the date and time the request arrived.', 'error');
  const body = {
    requestedBy: f.requestedBy.value,
    received: { at: receivedAt, via: f.via.value },
    matter: f.matter.value.trim(),
    details: f.details.value.trim(),
    officers: [...event.target.querySelectorAll('input[name=officers]:checked')].map((c) => c.value),
    premises: { councilControlled: !f.notCouncilPremises.checked, ...(f.premises.value.trim() ? { description: f.premises.value.trim() } : {}) },
    nonMembersPresent: f.nonMembers.checked,
    ...(f.preferredDate.value ? { preferredDate: f.preferredDate.value } : {}),
  };
  const ok = await act(() => api('POST', '/v1/briefings', body), (r) => `Recorded: “${r.matter}” from ${nameOf(r.requestedBy)}. It waits for the authoriser’s decision.`);
  if (ok) {
    event.target.reset();
    event.target.closest('details').open = false;
  }
}

// ---------- requests, whatever their state ----------

const STATUS_WORDS = { pending: 'awaiting decision', deferred: 'deferred', approved: 'approved', declined: 'declined', withdrawn: 'withdrawn' };
const STATUS_KIND = { pending: 'info', deferred: 'warn', approved: 'ok', declined: 'bad', withdrawn: 'done' };
const REASON_WORDS = {
  'not-council-business': 'not council business',
  'non-council-premises': 'premises the council does not own or control',
  'non-members-present': 'people who are not members would be present',
  'pre-election': 'the pre-election period',
  duplicate: 'a duplicate of another request',
};

function decisionForm(request, delivery) {
  const canDecide = has('authoriser');
  const recordedIt = session.person.id === request.recordedBy || session.person.id === request.requestedBy;
  const title = el('input', { type: 'text', name: 'offerTitle', maxlength: 200, placeholder: 'Neutral title for other groups (optional)', 'aria-label': 'Neutral title for other groups' });
  const reason = el('select', { name: 'reason', 'aria-label': 'Reason for declining' });
  reason.append(...$('decline-reasons').content.cloneNode(true).childNodes);
  const note = el('input', { type: 'text', name: 'note', maxlength: 1000, placeholder: 'Note (optional)', 'aria-label': 'Note' });
  const until = el('input', { type: 'date', name: 'until', 'aria-label': 'Deferred until (optional)', title: 'Deferred until (optional)' });
  const decide = (decision) => async () => {
    const body = { decision };
    if (decision === 'approve' && title.value.trim()) body.offerTitle = title.value.trim();
    if (decision === 'approve' && request.autoDeferred) {
      body.overridePreElection = confirm('This request falls in a pre-election period. Approve anyway?');
      if (!body.overridePreElection) return;
    }
    if (decision === 'decline') body.reason = reason.value;
    if (note.value.trim()) body.note = note.value.trim();
    if (decision === 'defer' && until.value) body.until = until.value;
    await act(
      () => api('POST', `/v1/briefings/${encodeURIComponent(request.id)}/decision`, body),
      `“${request.matter}”: ${decision === 'approve' ? 'approved; the round is open, and each group’s notices show their delivery under Offer rounds' : decision === 'decline' ? 'declined; the group is told why' : 'deferred'}.`,
    );
  };
  const disabled = !canDecide || recordedIt ? true : undefined;
  // A round cannot open while a group cannot be told: say which and why before anyone presses Approve.
  const unreachable = (delivery?.parties ?? []).filter((p) => !p.reachable);
  return el(
    'div',
    { class: 'decide' },
    unreachable.length
      ? el('div', { class: 'blocked', role: 'note' }, el('strong', {}, 'Approval will be refused until every group can be told:'), el('ul', {}, unreachable.map((p) => el('li', {}, `${p.name}: ${p.problems.join('; ')}`))))
      : null,
    el('div', { class: 'row' }, title, el('button', { type: 'button', class: 'approve', onclick: decide('approve'), disabled: disabled ?? (unreachable.length ? true : undefined) }, 'Approve')),
    el('div', { class: 'row' }, reason, el('button', { type: 'button', class: 'decline', onclick: decide('decline'), disabled }, 'Decline')),
    el('div', { class: 'row' }, note, el('label', { class: 'until' }, el('span', {}, 'until'), until), el('button', { type: 'button', class: 'defer', onclick: decide('defer'), disabled }, 'Defer')),
    !canDecide
      ? el('p', { class: 'hint' }, `Only the designated authoriser (${office.authorisers.map(nameOf).join(', ')}) can decide.`)
      : recordedIt
        ? el('p', { class: 'hint separation' }, 'You recorded this request, so another authoriser must decide it.')
        : null,
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

function requestCard(request, delivery) {
  const open = request.status === 'pending' || request.status === 'deferred';
  const flags = [
    badge(request.status === 'deferred' && request.autoDeferred ? `deferred: ${request.autoDeferred.period}` : STATUS_WORDS[request.status], STATUS_KIND[request.status]),
    request.premises && !request.premises.councilControlled ? badge('not council premises', 'warn') : null,
    request.nonMembersPresent ? badge('non-members present', 'warn') : null,
  ];
  const d = request.decision;
  const withdraw = has('ce-office') && request.status !== 'declined' && request.status !== 'withdrawn'
    ? el('button', {
        type: 'button',
        class: 'quiet withdraw',
        onclick: () => {
          if (!confirm(`Withdraw “${request.matter}” for ${nameOf(request.group)}? Other groups keep any offers they have.`)) return;
          void act(() => api('POST', `/v1/briefings/${encodeURIComponent(request.id)}/withdraw`), `“${request.matter}” withdrawn; other groups keep their offers.`);
        },
      }, 'Withdraw the request')
    : null;
  return el(
    'article',
    { class: `card request ${request.status}`, 'data-id': request.id, 'data-status': request.status },
    el('div', { class: 'head' }, el('h3', { class: 'matter' }, request.matter), el('div', { class: 'badges' }, flags)),
    el(
      'dl',
      { class: 'facts' },
      el('dt', {}, 'Group'), el('dd', {}, nameOf(request.group)),
      el('dt', {}, 'Requested by'), el('dd', {}, nameOf(request.requestedBy)),
      request.received
        ? [el('dt', {}, 'Received'), el('dd', {}, `by ${request.received.via}, ${when(request.received.at)}; recorded by ${nameOf(request.recordedBy)}`)]
        : [el('dt', {}, 'Received'), el('dd', {}, when(request.requestedAt))],
      request.preferredDate ? [el('dt', {}, 'Preferred date'), el('dd', {}, request.preferredDate)] : null,
      request.officers?.length ? [el('dt', {}, 'Officers asked for'), el('dd', {}, request.officers.map(nameOf).join(', '))] : null,
      request.premises?.description ? [el('dt', {}, 'Premises'), el('dd', {}, request.premises.description)] : null,
      d
        ? [
            el('dt', {}, 'Decision'),
            el(
              'dd',
              { class: 'decision' },
              `${d.kind === 'approve' ? 'Approved' : d.kind === 'decline' ? 'Declined' : 'Deferred'} by ${nameOf(d.by)}, ${when(d.at)}`,
              d.kind === 'decline' ? ` — ${REASON_WORDS[d.reason] ?? d.reason}` : '',
              d.until ? ` until ${d.until}` : '',
              d.note ? ` (“${d.note}”)` : '',
            ),
          ]
        : null,
      request.withdrawnAt ? [el('dt', {}, 'Withdrawn'), el('dd', {}, when(request.withdrawnAt))] : null,
    ),
    detailsBlock(request),
    open ? decisionForm(request, delivery) : null,
    withdraw,
  );
}

function renderRequests() {
  const status = $('filter-status').value;
  const group = $('filter-group').value;
  const text = $('filter-text').value.trim().toLowerCase();
  const shown = loaded.requests.filter(
    (r) =>
      (status === 'all' || (status === 'open' ? r.status === 'pending' || r.status === 'deferred' : r.status === status)) &&
      (!group || r.group === group) &&
      (!text || r.matter.toLowerCase().includes(text) || nameOf(r.requestedBy).toLowerCase().includes(text)),
  );
  $('requests').replaceChildren(...(shown.length ? shown.map((r) => requestCard(r, loaded.delivery)) : [el('p', { class: 'empty' }, loaded.requests.length ? 'No request matches these filters.' : 'No requests yet.')]));
  $('filter-count').textContent = `${plural(shown.length, 'request')} shown of ${loaded.requests.length}`;
}

// ---------- needs action ----------

function actionItem(item) {
  const who = item.to.map((t) => t.name).join(', ');
  const channel = item.channel === 'email' ? 'Email' : 'Slack';
  // An officer's invitation is about a group's session but goes to the officer: say so.
  const officer = item.kind === 'invitation';
  return el(
    'article',
    { class: 'card action', 'data-notice': item.noticeId },
    el('div', { class: 'head' }, el('h3', {}, officer ? `${channel} to ${who}` : `${channel} to ${item.partyName}`), el('div', { class: 'badges' }, badge(item.state, 'bad'))),
    el('p', {}, officer ? `invitation to brief ${item.partyName}: ${item.reason}.` : `${item.kind} notice${who ? ` for ${who}` : ''}: ${item.reason}.`),
    el('p', { class: 'meta' }, `Queued ${when(item.createdAt)}${item.attempts ? ` · ${plural(item.attempts, 'attempt')}` : ''}`),
  );
}

function refusalItem(item) {
  return el(
    'article',
    { class: 'card action refusal', 'data-invitation': item.invitationId },
    el('div', { class: 'head' }, el('h3', {}, item.text), el('div', { class: 'badges' }, badge('same matter', 'bad'))),
    el('p', {}, `The officer’s reason: ${item.reason ? `“${item.reason}”` : 'none given'}.`),
    el('p', { class: 'meta' }, `“${item.title}” · refused ${when(item.refusedAt)} · the chief executive has been told. The protocol asks for the same information to each group: talk to ${item.officer.name}, or change the session’s officers.`),
    has('ce-office', 'authoriser') ? dealtWithForm(item) : null,
  );
}

/** Once the office has taken a refused decline up with the officer: a one-line note, kept in the audit trail. */
function dealtWithForm(item) {
  const note = el('input', { type: 'text', name: 'note', maxlength: 300, required: true });
  const form = el(
    'form',
    { class: 'dealt-with' },
    field('How it was dealt with', note, 'One line; it is kept in the audit trail.'),
    el('button', { type: 'submit' }, 'Mark as dealt with'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = note.value.trim();
    if (!text) return say('Say in one line how the refused decline was dealt with.', 'error');
    await act(
      () => api('POST', `/v1/action-items/refusals/${encodeURIComponent(item.invitationId)}/dealt-with`, { note: text, refusedDeclines: item.refusedDeclines }),
      `${item.officer.name}’s refused decline is marked as dealt with; the audit trail keeps your note.`,
    );
  });
  return el('details', { class: 'tool dealt-with' }, el('summary', {}, 'Mark as dealt with'), form);
}

// ---------- rounds ----------

const NOTICE_STATE = { sent: 'sent', queued: 'on its way', failed: 'NOT SENT', undeliverable: 'cannot be sent' };

function noticeChips(notices) {
  if (!notices.length) return el('span', { class: 'muted' }, '—');
  return el(
    'span',
    { class: 'chips' },
    notices.map((n) =>
      el(
        'span',
        { class: `chip ${n.state}`, title: n.lastError ?? '' },
        `${n.kind === 'invitation' ? 'officer invitation' : n.kind} by ${n.channel}: ${n.state === 'queued' && n.lastError ? 'trying again' : NOTICE_STATE[n.state] ?? n.state}${n.problem && n.state !== 'sent' ? ` — ${n.problem}` : ''}`,
      ),
    ),
  );
}

const OFFER_WORDS = { agreed: 'asked for it', open: 'no answer yet', accepted: 'taken up', declined: 'declined', expired: 'expired', withdrawn: 'withdrawn' };

function offerCell(o) {
  return cell(
    'Answer',
    {},
    el('span', { class: `state ${o.status}` }, OFFER_WORDS[o.status] ?? o.status),
    o.respondedByName && o.status !== 'agreed' ? el('span', { class: 'muted' }, ` by ${o.respondedByName}, ${when(o.respondedAt)}`) : null,
    o.proposedTimes?.length ? el('div', { class: 'muted' }, `Times that suit: ${o.proposedTimes.map(when).join('; ')}`) : null,
    o.answerNote ? el('div', { class: 'muted' }, `“${o.answerNote}”`) : null,
  );
}

function dueCell(o) {
  // Only an open offer has time left; an answered one shows its answer, an expired one that it closed.
  if (!o.due || (o.status !== 'open' && o.status !== 'expired')) return cell('Time left', {}, el('span', { class: 'muted' }, '—'));
  return cell('Time left', { class: 'due' }, el('strong', {}, o.due.text), el('div', { class: 'muted' }, `closes ${o.due.deadline}`));
}

/** Change a scheduled session (the group and its officers get the new version) or cancel it. */
function changeSessionForm(o, s) {
  const starts = el('input', { type: 'datetime-local', name: 'startsAt', value: isoToLocal(s.startsAt) });
  const ends = el('input', { type: 'time', name: 'endsAt', value: isoToLocal(s.endsAt).slice(11) });
  const venue = el('input', { type: 'text', name: 'venue', maxlength: 200, value: s.venue });
  const version = el('input', { type: 'text', name: 'version', maxlength: 50, value: s.material.version });
  const sha = el('input', { type: 'text', name: 'sha256', pattern: '[0-9a-fA-F]{64}', value: s.material.sha256, class: 'mono' });
  const form = el(
    'form',
    { class: 'change-session' },
    el('div', { class: 'grid' }, field(`Starts (${zoneLabel()})`, starts), field('Ends at', ends), field('Venue', venue), field('Material version', version)),
    field('Material SHA-256', sha),
    el(
      'div',
      { class: 'bar' },
      el('button', { type: 'submit' }, 'Save the change'),
      el('button', {
        type: 'button',
        class: 'decline cancel-session',
        onclick: () => {
          if (!confirm(`Cancel ${o.party.name}’s session of ${s.when}? The group and the officers are told.`)) return;
          void act(() => api('PATCH', `/v1/sessions/${encodeURIComponent(s.id)}`, { cancel: true }), `${o.party.name}’s session is cancelled; the group and the officers are told.`);
        },
      }, 'Cancel the session'),
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const change = {};
    const startsAt = zonedToIso(starts.value);
    const endsAt = startsAt ? endAfter(startsAt, starts.value.slice(0, 10), ends.value) : undefined;
    if (!startsAt || !endsAt) return say('Give the session’s start and end time.', 'error');
    if (startsAt !== s.startsAt) change.startsAt = startsAt;
    if (endsAt !== s.endsAt) change.endsAt = endsAt;
    if (venue.value.trim() !== s.venue) change.venue = venue.value.trim();
    if (version.value.trim() !== s.material.version || sha.value.trim().toLowerCase() !== s.material.sha256) change.material = { version: version.value.trim(), sha256: sha.value.trim() };
    if (!Object.keys(change).length) return say('Nothing was changed.', 'info');
    await act(() => api('PATCH', `/v1/sessions/${encodeURIComponent(s.id)}`, change), `${o.party.name}’s session is changed; the group and the officers are sent the new version.`);
  });
  return el('details', { class: 'tool' }, el('summary', {}, 'Change or cancel'), form);
}

function sessionList(o) {
  if (!o.sessions.length) return null;
  return el(
    'ul',
    { class: 'sessions' },
    o.sessions.map((s) =>
      el(
        'li',
        { 'data-session': s.id, class: s.status },
        el('strong', {}, s.status === 'cancelled' ? `Cancelled: ${s.when}` : s.when),
        `, ${s.venue} · material version ${s.material.version}`,
        el(
          'div',
          { class: 'muted' },
          `Officers: ${s.officers
            .map((x) => `${x.name} (${x.answer === 'refused-decline' ? `tried to decline: refused, same matter${x.dealtWith ? '; dealt with' : ''}` : x.answer === 'pending' ? 'not answered yet' : x.answer}${x.reason ? `: “${x.reason}”` : ''})`)
            .join(', ')}`,
        ),
        s.status === 'scheduled' && has('ce-office') ? changeSessionForm(o, s) : null,
      ),
    ),
  );
}

/** Schedule a session for a group that took the briefing up, and invite its officers. */
function scheduleForm(round, offer) {
  const last = round.offers.flatMap((o) => o.sessions).filter((s) => s.status === 'scheduled').at(-1);
  const form = el('form', { class: 'schedule', 'data-offer': offer.id });
  const starts = el('input', { type: 'datetime-local', name: 'startsAt', required: true });
  const ends = el('input', { type: 'time', name: 'endsAt', required: true, value: '' });
  const venue = el('input', { type: 'text', name: 'venue', maxlength: 200, required: true, value: last?.venue ?? '' });
  const version = el('input', { type: 'text', name: 'version', maxlength: 50, required: true, value: last?.material.version ?? '' });
  const sha = el('input', { type: 'text', name: 'sha256', pattern: '[0-9a-fA-F]{64}', required: true, value: last?.material.sha256 ?? '', placeholder: '64 hex characters', class: 'mono' });
  const file = el('input', { type: 'file', name: 'material', 'aria-label': 'The briefing material, to work out its SHA-256' });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f || !crypto.subtle) return;
    const digest = await crypto.subtle.digest('SHA-256', await f.arrayBuffer());
    sha.value = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  });
  const officers = el(
    'div',
    { class: 'checks' },
    office.officers.map((o) =>
      el('label', { class: 'check' }, el('input', { type: 'checkbox', name: 'officers', value: o.id, checked: last?.officers.some((x) => x.id === o.id) ? true : undefined }), ` ${o.name}${o.title ? `, ${o.title}` : ''}`),
    ),
  );
  form.append(
    el('h4', {}, `Schedule ${offer.party.name}’s session`),
    offer.proposedTimes?.length ? el('p', { class: 'hint' }, `${offer.party.name} said these times suit: ${offer.proposedTimes.map(when).join('; ')}`) : null,
    el('div', { class: 'grid' }, field(`Starts (${zoneLabel()})`, starts), field('Ends at', ends), field('Venue', venue), field('Material version', version)),
    field('Material SHA-256', sha, 'Choose the material file to work it out here, or paste it. Every group gets the same material.'),
    file,
    el('fieldset', {}, el('legend', {}, 'Officers to invite'), officers),
    el('button', { type: 'submit' }, 'Schedule and invite'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const startsAt = zonedToIso(starts.value);
    const endsAt = startsAt ? endAfter(startsAt, starts.value.slice(0, 10), ends.value) : undefined;
    const chosen = [...form.querySelectorAll('input[name=officers]:checked')].map((c) => c.value);
    if (!startsAt || !endsAt) return say('Give the session’s start and end time.', 'error');
    if (!chosen.length) return say('Invite at least one officer.', 'error');
    await act(
      () => api('POST', '/v1/sessions', { offerId: offer.id, officers: chosen, venue: venue.value.trim(), startsAt, endsAt, material: { version: version.value.trim(), sha256: sha.value.trim() } }),
      `${offer.party.name}’s session is scheduled; ${chosen.map(nameOf).join(', ')} ${chosen.length === 1 ? 'is' : 'are'} invited, and the group is sent the calendar invitation.`,
    );
  });
  return el('details', { class: 'tool' }, el('summary', {}, `Schedule a session for ${offer.party.name}`), form);
}

function followUpForm(round) {
  const takers = round.offers.filter((o) => o.status === 'accepted' || o.status === 'agreed');
  const form = el('form', { class: 'follow-up' });
  const answer = el('textarea', { name: 'answer', rows: 4, maxlength: 10000, required: true });
  form.append(
    el('p', { class: 'hint' }, `Goes to every group that took the briefing up: ${takers.map((o) => o.party.name).join(', ') || 'none yet'}. Factual, and the same for each.`),
    field('The answer', answer),
    el('button', { type: 'submit', disabled: takers.length ? undefined : true }, 'Send to every group that took it up'),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await act(() => api('POST', `/v1/rounds/${encodeURIComponent(round.id)}/follow-ups`, { answer: answer.value.trim() }), (f) => `Follow-up sent to ${plural(f.offerIds.length, 'group')}.`);
  });
  return el('details', { class: 'tool' }, el('summary', {}, 'Send a follow-up answer'), form);
}

function roundCard(round) {
  const rows = round.offers.map((o) =>
    el(
      'tr',
      { 'data-party': o.party.id },
      cell('Group', {}, o.party.name, o.kind === 'requester' ? el('span', { class: 'tag' }, 'asked') : o.kind === 'late' ? el('span', { class: 'tag' }, 'late offer') : null, el('div', { class: 'muted' }, o.contactNames.join(', '))),
      offerCell(o),
      dueCell(o),
      cell('Sessions', {}, sessionList(o) ?? el('span', { class: 'muted' }, o.status === 'accepted' || o.status === 'agreed' ? 'none yet' : '—')),
      cell('Notices', {}, noticeChips(o.notices)),
    ),
  );
  const office_ = has('ce-office');
  const takers = round.offers.filter((o) => (o.status === 'accepted' || o.status === 'agreed') && !o.sessions.some((s) => s.status === 'scheduled'));
  return el(
    'article',
    { class: 'card round', 'data-id': round.id },
    el('div', { class: 'head' }, el('h3', {}, round.title), el('div', { class: 'badges' }, badge(round.status === 'open' ? 'open' : 'closed', round.status === 'open' ? 'info' : 'done'), round.materialConsistent ? null : badge('material differs between groups', 'bad'))),
    el('p', { class: 'meta' }, `Asked for by ${round.requestGroup} · approved by ${round.openedByName}, ${when(round.openedAt)}${round.noticesSettledAt ? ` · first notices settled ${when(round.noticesSettledAt)}` : ''}`),
    el('div', { class: 'table-wrap' }, el('table', { class: 'stack' }, el('thead', {}, el('tr', {}, ['Group', 'Answer', 'Time left', 'Sessions', 'Notices'].map((h) => el('th', {}, h)))), el('tbody', {}, rows))),
    round.followUps.length
      ? el('div', { class: 'follow-ups' }, el('h4', {}, 'Follow-ups sent'), el('ul', {}, round.followUps.map((f) => el('li', {}, `${when(f.at)}, by ${f.by}, to ${f.to.join(', ')}: `, el('q', {}, f.answer)))))
      : null,
    office_
      ? el(
          'div',
          { class: 'tools' },
          takers.map((o) => scheduleForm(round, o)),
          followUpForm(round),
          el(
            'div',
            { class: 'bar' },
            el('button', {
              type: 'button',
              class: 'quiet late-offers',
              onclick: () =>
                void act(
                  () => api('POST', `/v1/rounds/${encodeURIComponent(round.id)}/refresh`),
                  (r) => (r.lateOffers.length ? `Late offers made to ${r.lateOffers.map((o) => o.party.name).join(', ')}.` : 'Every group in council.yaml already has an offer in this round: no late offer needed.'),
                ),
            }, 'Make late offers to new groups'),
          ),
        )
      : null,
  );
}

/** Rounds come newest first, a page at a time. */
const ROUNDS_PAGE = 10;
let roundsNext;

async function olderRounds() {
  if (!roundsNext) return;
  try {
    const more = await api('GET', `/v1/rounds?limit=${ROUNDS_PAGE}&cursor=${encodeURIComponent(roundsNext)}`);
    $('round-list').append(...more.rounds.map(roundCard));
    roundsNext = more.next;
    $('older-rounds').hidden = !roundsNext;
    $('rounds-count').textContent = `${$('round-list').querySelectorAll('article.round').length}${roundsNext ? '+' : ''}`;
  } catch (err) {
    say(err.message, 'error');
  }
}

// ---------- audit and register ----------

/** Events before the ones loaded, 300 at a time. */
async function earlierEvents() {
  const first = loaded.audit[0]?.seq ?? 1;
  if (first <= 1) return;
  const from = Math.max(1, first - 300);
  try {
    const older = await api('GET', `/v1/audit?from=${from}&limit=${first - from}`);
    loaded.audit = [...older.events, ...loaded.audit];
    renderAudit();
  } catch (err) {
    say(err.message, 'error');
  }
}

function renderAudit() {
  const all = $('audit-all').checked;
  const events = [...loaded.audit].reverse().filter((e) => all || !e.minor);
  const first = loaded.audit[0]?.seq ?? 1;
  $('audit-earlier').hidden = first <= 1;
  $('audit-shown').textContent = loaded.audit.length ? `Events ${first} to ${loaded.audit.at(-1).seq}${all ? '' : ', bookkeeping hidden'}.` : 'No events yet.';
  $('audit-table').tBodies[0].replaceChildren(
    ...events.map((e) =>
      el(
        'tr',
        { class: e.minor ? 'minor' : '' },
        el('td', { 'data-label': 'When', class: 'when' }, when(e.at)),
        el('td', { 'data-label': 'What', class: 'what' }, e.text),
        el('td', { 'data-label': '#', class: 'seq', title: `${e.action} · ${e.entity.kind} ${e.entity.id} · hash ${e.hash}` }, String(e.seq)),
      ),
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

function renderRegister(rows) {
  const groups = new Set(rows.map((r) => r.party)).size;
  const roundCount = new Set(rows.map((r) => r.roundId)).size;
  $('register-summary').textContent = `${plural(rows.length, 'offer')} to ${plural(groups, 'group')} in ${plural(roundCount, 'round')}.`;
  $('register-table').tBodies[0].replaceChildren(
    ...rows.map((r) =>
      el(
        'tr',
        { 'data-party': r.party },
        el('td', { 'data-label': 'Briefing' }, r.title),
        el('td', { 'data-label': 'Group' }, r.partyName),
        el('td', { 'data-label': 'Offered' }, r.requester ? 'asked for it' : when(r.offeredAt)),
        el('td', { 'data-label': 'Answer' }, `${OFFER_WORDS[r.offerStatus] ?? r.offerStatus}${r.respondedAt && !r.requester ? `, ${when(r.respondedAt)}` : ''}`),
        el('td', { 'data-label': 'Sessions' }, r.sessions ? `${plural(r.sessions, 'session')}, material ${r.materialVersions}${r.materialConsistent ? '' : ' (differs between groups)'}` : '—'),
        el('td', { 'data-label': 'Told' }, r.delivery || '—'),
        el('td', { 'data-label': 'Follow-ups' }, r.offerStatus === 'accepted' || r.offerStatus === 'agreed' ? String(r.followUps) : '—'),
      ),
    ),
  );
}

// ---------- loading ----------

async function load() {
  $('who-text').textContent = `${session.person.name} · ${session.roles.filter((r) => ROLE_WORDS[r]).map((r) => ROLE_WORDS[r]).join(', ')}`;
  try {
    const [o, requests, rounds, audit, register, delivery, actions] = await Promise.all([
      api('GET', '/v1/office'),
      api('GET', '/v1/briefings'),
      api('GET', `/v1/rounds?limit=${ROUNDS_PAGE}`),
      api('GET', '/v1/audit?last=300'),
      api('GET', '/v1/register'),
      api('GET', '/v1/delivery'),
      api('GET', '/v1/action-items'),
    ]);
    office = o;
    names = new Map([...office.groups, ...office.people].map((x) => [x.id, x.name]));
    document.querySelector('.top .sub').textContent = `${office.council} · Chief Executive's Office · times in ${zoneLabel()}`;
    loaded = { requests: [...requests.requests].reverse(), rounds: rounds.rounds, audit: audit.events, delivery };

    const groupFilter = $('filter-group');
    const chosen = groupFilter.value;
    groupFilter.replaceChildren(el('option', { value: '' }, 'Every group'), ...office.groups.map((g) => el('option', { value: g.id }, g.name)));
    groupFilter.value = chosen;
    renderRequests();
    const awaiting = requests.requests.filter((r) => r.status === 'pending' || r.status === 'deferred').length;
    $('awaiting-count').textContent = awaiting ? String(awaiting) : '';
    $('record').hidden = !has('ce-office');
    if (has('ce-office') && !$('record-form').dataset.ready) {
      recordForm();
      $('record-form').dataset.ready = 'true';
    }

    $('round-list').replaceChildren(...(rounds.rounds.length ? rounds.rounds.map(roundCard) : [el('p', { class: 'empty' }, 'No rounds yet.')]));
    $('rounds-count').textContent = rounds.rounds.length ? `${rounds.rounds.length}${rounds.next ? '+' : ''}` : '';
    roundsNext = rounds.next;
    $('older-rounds').hidden = !roundsNext;
    renderAudit();
    const items = [...actions.refusals.map(refusalItem), ...actions.notices.map(actionItem)];
    $('action-list').replaceChildren(...(items.length ? items : [el('p', { class: 'empty' }, 'Nothing needs action. Every notice so far was delivered or is on its way, and no officer’s refused decline is waiting to be dealt with.')]));
    $('action-count').textContent = items.length ? String(items.length) : '';
    renderRegister(register.rows);
    document.body.dataset.loaded = 'true';
  } catch (err) {
    say(err.message, 'error');
  }
}

function showSignIn(message) {
  session = null;
  useAuth({ csrf: '' });
  showSignedIn(false);
  delete document.body.dataset.loaded;
  if (message) say(message, 'error');
}

/** Ask who is signed in; show the page, or the way to sign in. */
async function start() {
  const s = await currentSession();
  if (!s) {
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
  useAuth({ csrf: s.csrf });
  showSignedIn(true);
  say('');
  await load();
}

async function signOut() {
  await endSession();
  showSignIn();
  say('Signed out.');
  await start();
}

$('sign-out').addEventListener('click', () => void signOut());
$('refresh').addEventListener('click', () => void load());
$('verify').addEventListener('click', () => void verify());
$('download-csv').addEventListener('click', () => void downloadCsv());
$('record-form').addEventListener('submit', (e) => void recordRequest(e));
for (const id of ['filter-status', 'filter-group']) $(id).addEventListener('change', renderRequests);
$('filter-text').addEventListener('input', renderRequests);
$('audit-all').addEventListener('change', renderAudit);
$('audit-earlier').addEventListener('click', () => void earlierEvents());
$('older-rounds').addEventListener('click', () => void olderRounds());

void start();
