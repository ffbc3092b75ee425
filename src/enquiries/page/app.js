// The member-enquiry page. Plain ES module, no framework. Every piece of text that came from a person (subject
// lines, names) is put in the page with textContent, never as HTML.

// The shell (element building, the status line, API calls, sign-in state) is the office page's too: /shell/shell.js.
import { $, api, currentSession, el, endSession, say, showSignedIn, useAuth } from '/shell/shell.js';

const TOKEN_KEY = 'probity.token';

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

const when = (iso) => (iso ? new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' }).format(new Date(iso)) : '—');

let me = null;
let dash = null;
useAuth({ token: sessionStorage.getItem(TOKEN_KEY) ?? '', onUnauthorised: () => void signOut() });

// ---------- an enquiry ----------

function item(e, actions) {
  const cls = e.status === 'answered' || e.status === 'closed' ? 'is-done' : e.overdue ? 'is-overdue' : '';
  return el(
    'article',
    { class: `item ${cls}`, 'data-id': e.id },
    el('h4', {}, e.subject),
    el('p', { class: 'meta' }, `${e.councillor.name} → ${e.officer ? e.officer.name : 'member services'}${e.service ? ` · ${e.service}` : ''}${e.ward ? ` · ${e.ward}` : ''} · ${e.channel} · received ${e.received}`),
    el('p', { class: `state ${e.overdue ? 'overdue' : ''}` }, e.state),
    el('p', { class: 'meta' }, e.citation),
    e.steps && e.steps.length ? el('ol', { class: 'steps' }, e.steps.map((s) => el('li', {}, `${when(s.at)} · ${s.what} · ${s.by}`))) : null,
    actions ? el('div', { class: 'actions' }, actions) : null,
  );
}

async function act(path, body, done) {
  try {
    await api('POST', path, body);
    say(done);
    await load();
  } catch (err) {
    say(err.message, 'error');
  }
}

function officerActions(e) {
  if (e.status === 'answered' || e.status === 'closed') return null;
  const date = el('input', { type: 'date', 'aria-label': 'New date for the response' });
  const reason = el('input', { type: 'checkbox', 'aria-label': 'The reply gave the reason for the delay' });
  const action = el('input', { type: 'checkbox', 'aria-label': 'The reply said what action is being taken' });
  return [
    e.status === 'open' ? el('button', { type: 'button', onclick: () => act(`/v1/enquiries/${e.id}/acknowledge`, undefined, 'Acknowledged.') }, 'Acknowledge') : null,
    el('button', { type: 'button', onclick: () => act(`/v1/enquiries/${e.id}/answered`, undefined, 'Marked answered.') }, 'Mark answered'),
    el('span', { class: 'meta' }, 'Holding reply:'),
    date,
    el('label', {}, reason, ' reason'),
    el('label', {}, action, ' action'),
    el('button', { type: 'button', class: 'quiet', onclick: () => (date.value ? act(`/v1/enquiries/${e.id}/holding`, { newDay: date.value, reason: reason.checked, action: action.checked }, 'Holding reply recorded; the date has moved.') : say('Choose the new date first.', 'error')) }, 'Record holding reply'),
    el('button', { type: 'button', class: 'danger', onclick: () => act(`/v1/enquiries/${e.id}/close`, undefined, 'Closed: not an enquiry.') }, 'Not an enquiry'),
  ];
}

// ---------- member services ----------

function rows(tbody, list, name) {
  tbody.replaceChildren(
    ...(list.length ? list.map((r) => el('tr', {}, el('td', { 'data-label': 'Name' }, name(r)), el('td', { class: 'num' }, String(r.open)), el('td', { class: `num ${r.overdue ? 'overdue' : ''}` }, String(r.overdue)))) : [el('tr', {}, el('td', { class: 'empty', colspan: 3 }, 'None open'))]),
  );
}

const COLOURS = ['#1f5fa8', '#b3261e', '#1e7a3d', '#8a4fbf', '#c26a00', '#00838f', '#6d4c41', '#5b6775'];

function chart() {
  const metric = document.querySelector('input[name="metric"]:checked').value;
  const box = $('chart');
  const series = dash.medians.map((m, i) => ({ name: m.name, values: m[metric], colour: COLOURS[i % COLOURS.length] }));
  const months = dash.months;
  const all = series.flatMap((s) => s.values).filter((v) => v !== null);
  if (all.length === 0) {
    box.replaceChildren(el('p', { class: 'empty' }, 'No enquiries acknowledged or answered in these months yet.'));
    return;
  }
  const W = 720, H = 260, L = 44, B = 28, T = 10, R = 10;
  const max = Math.max(...all) * 1.1 || 1;
  const x = (i) => L + (i * (W - L - R)) / Math.max(1, months.length - 1);
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'presentation' });
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    g.append(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: '#d9dee5' }), svg('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11, fill: '#5b6775' }, v.toFixed(v < 10 ? 1 : 0)));
  }
  months.forEach((m, i) => {
    if (months.length > 8 && i % 2) return;
    g.append(svg('text', { x: x(i), y: H - 8, 'text-anchor': 'middle', 'font-size': 11, fill: '#5b6775' }, m.slice(2)));
  });
  for (const s of series) {
    const pts = s.values.map((v, i) => (v === null ? null : [x(i), y(v)])).filter(Boolean);
    if (pts.length > 1) g.append(svg('polyline', { points: pts.map((p) => p.join(',')).join(' '), fill: 'none', stroke: s.colour, 'stroke-width': 2 }));
    for (const p of pts) g.append(svg('circle', { cx: p[0], cy: p[1], r: 3, fill: s.colour }));
  }
  box.replaceChildren(g, el('div', { class: 'legend' }, series.map((s) => el('span', {}, svg('svg', { width: 12, height: 12, class: 'swatch', 'aria-hidden': 'true' }, svg('rect', { width: 12, height: 12, rx: 2, fill: s.colour })), ' ', s.name))));
}

async function loadServices() {
  dash = await api('GET', '/v1/enquiries/dashboard');
  $('open-n').textContent = String(dash.open);
  $('overdue-n').textContent = String(dash.overdue);
  $('periods').textContent = `${dash.periods.acknowledge.split(' ')[0]} / ${dash.periods.answer.split(' ')[0]} days`;
  rows($('by-service').tBodies[0], dash.byService, (r) => r.name);
  rows($('by-officer').tBodies[0], dash.byOfficer, (r) => r.name);
  rows($('by-ward').tBodies[0], dash.byWard, (r) => r.name);
  chart();
  const share = (on, all) => (all ? `${Math.round((100 * on) / all)}% (${on}/${all})` : '—');
  $('on-time').tBodies[0].replaceChildren(
    ...(dash.onTime.length
      ? dash.onTime.map((r) => el('tr', {}, el('td', {}, r.name), el('td', { class: 'num' }, share(r.acknowledgedOnTime, r.acknowledged)), el('td', { class: 'num' }, share(r.answeredOnTime, r.answered))))
      : [el('tr', {}, el('td', { class: 'empty', colspan: 3 }, 'Nothing acknowledged or answered yet.'))]),
  );
  $('overdue-list').replaceChildren(...(dash.overdueList.length ? dash.overdueList.map((e) => item(e)) : [el('p', { class: 'empty' }, 'Nothing overdue.')]));
}

// ---------- load ----------

async function load() {
  me = await api('GET', '/v1/enquiries/whoami');
  showSignedIn(true);
  $('who-text').textContent = me.name;
  $('council-line').textContent = `${me.council} · councillors' enquiries, acknowledged and answered on time`;
  $('services').hidden = !me.memberServices;
  $('due').hidden = !me.officer;
  $('mine').hidden = !me.councillor;
  if (me.memberServices) {
    const opts = (list, blank) => [...(blank ? [el('option', { value: '' }, blank)] : []), ...list.map((p) => el('option', { value: p.id }, p.name))];
    if (!$('phone-councillor').options.length) {
      $('phone-councillor').replaceChildren(...opts(me.councillors));
      $('phone-officer').replaceChildren(...opts(me.officers, '— not yet with an officer —'));
    }
    await loadServices();
  }
  if (me.officer) {
    const { enquiries } = await api('GET', '/v1/enquiries/due');
    $('due-list').replaceChildren(...(enquiries.length ? enquiries.map((e) => item(e, officerActions(e))) : [el('p', { class: 'empty' }, 'Nothing due from you.')]));
  }
  if (me.councillor) {
    const { enquiries } = await api('GET', '/v1/enquiries/mine');
    $('mine-list').replaceChildren(
      ...(enquiries.length
        ? enquiries.map((e) => item(e, e.status === 'open' || e.status === 'acknowledged' ? [el('button', { type: 'button', class: 'danger', onclick: () => act(`/v1/enquiries/${e.id}/close`, undefined, 'Closed: not an enquiry.') }, 'Not an enquiry')] : null))
        : [el('p', { class: 'empty' }, 'No enquiries yet.')]),
    );
  }
}

async function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  await endSession();
  showSignedIn(false);
}

$('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $('token').value.trim();
  sessionStorage.setItem(TOKEN_KEY, token);
  useAuth({ token });
  $('token').value = '';
  load().catch((err) => say(err.message, 'error'));
});
$('sign-out').addEventListener('click', () => void signOut());
$('refresh').addEventListener('click', () => load().then(() => say('Up to date.')).catch((err) => say(err.message, 'error')));
for (const r of document.querySelectorAll('input[name="metric"]')) r.addEventListener('change', () => dash && chart());
$('download-csv').addEventListener('click', async () => {
  try {
    const text = await api('GET', '/v1/enquiries/export.csv');
    const a = el('a', { href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })), download: 'enquiries.csv' });
    document.body.append(a);
    a.click();
    a.remove();
  } catch (err) {
    say(err.message, 'error');
  }
});
$('phone-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = { councillor: $('phone-councillor').value, subject: $('phone-subject').value.trim() };
  if ($('phone-officer').value) body.officer = $('phone-officer').value;
  await act('/v1/enquiries', body, 'Telephone enquiry recorded; the clock has started.');
  $('phone-subject').value = '';
});

// A signed-in session (the council's identity provider) first; a pasted token otherwise.
(async () => {
  const s = await currentSession();
  if (s && s.csrf) useAuth({ csrf: s.csrf });
  if ((s && s.csrf) || sessionStorage.getItem(TOKEN_KEY)) await load();
  else $('sign-in').hidden = false;
})().catch((err) => {
  say(err.message, 'error');
  $('sign-in').hidden = false;
});
