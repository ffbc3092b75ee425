/**
 * The answer page, rendered on the server: one small HTML page with no script, that reads on a 390 px phone as
 * well as on a desktop. Every value is escaped; the page's CSS is served beside it (`/answer/style.css`) under a
 * Content-Security-Policy that allows nothing else.
 */
import { escapeHtml } from '../mail/nudge.js';
import type { InvitationPage, LinkPage, OfferPage } from './link-answers.js';

type Html = { html: string };
const raw = (html: string): Html => ({ html });
/** A template tag that escapes every interpolated value unless it is already Html (or an array of it). */
function h(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    const one = (x: unknown): string =>
      x && typeof x === 'object' && 'html' in x ? (x as Html).html : x === undefined || x === null || x === false ? '' : escapeHtml(String(x));
    out += (Array.isArray(v) ? v.map(one).join('') : one(v)) + strings[i + 1]!;
  });
  return raw(out);
}

export interface Banner {
  kind: 'ok' | 'error';
  text: string;
}

function layout(title: string, council: string, body: Html): string {
  return `<!doctype html>${
    h`<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${title} · ${council}</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/answer/style.css"></head><body><main class="answer"><p class="council">${council} · Chief Executive's Office</p>${body}</main></body></html>`
      .html
  }`;
}

function banner(b: Banner | undefined): Html {
  return b ? h`<p class="banner ${b.kind}" role="${b.kind === 'error' ? 'alert' : 'status'}">${b.text}</p>` : raw('');
}

function facts(rows: [string, string | Html | undefined][]): Html {
  return h`<dl class="facts">${rows.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => h`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

function offerForm(page: OfferPage): Html {
  const we = page.party.individual ? 'I' : 'we';
  const times = [1, 2, 3].map(
    (i) => h`<label>Time ${i}<input type="datetime-local" name="time" step="900"${i === 1 ? raw(' aria-describedby="zone-hint"') : raw('')}></label>`,
  );
  return h`<form method="post" class="answer-form">
<h3>Your answer</h3>
<label class="note">A note for the office (optional)<input type="text" name="note" maxlength="300" autocomplete="off"></label>
<button type="submit" name="response" value="accept" class="primary">Yes, ${we} would like the briefing</button>
<details><summary>Yes, and suggest times that would suit</summary>
<div class="times">${times}<p class="hint" id="zone-hint">Times are ${page.zone}.</p>
<button type="submit" name="response" value="propose" class="primary">Yes, at one of these times</button></div></details>
<button type="submit" name="response" value="decline" class="secondary">No, thank you</button>
</form>`;
}

export function renderOfferPage(page: OfferPage, b?: Banner): string {
  const heading = page.party.individual ? 'A briefing offered to you' : `A briefing offered to the ${page.party.name}`;
  const forWhom = page.party.individual ? `For ${page.person.name}, as an independent member` : `For ${page.person.name}, on behalf of the ${page.party.name}`;
  const status = page.answered ?? (page.status === 'open' ? 'Open: waiting for your answer' : page.status);
  const body = h`<h1>${heading}</h1><p class="for">${forWhom}</p>${banner(b)}
<section class="card"><h2 class="title">${page.title}</h2>
${facts([
  ['Offered to', page.party.individual ? 'You' : page.party.name],
  ['Answer by', page.deadline],
  ['Time left', page.timeLeft],
  ['Status', status],
  ['Times suggested', page.proposedTimes.length ? page.proposedTimes.join('; ') : undefined],
])}
<p class="about">Officers of the council are giving a briefing on this matter of council business, and the same briefing is offered to every political group on the council${page.party.individual ? ' and to independent members' : ''}. Officers give factual information and professional advice only, and leave before ${page.party.individual ? 'any' : 'the group’s'} political discussion.</p></section>
${page.used ? h`<p class="banner ok used">This link was used to answer (“${page.used.answer}”) on ${page.used.when}. Each link gives one answer; the office can change it if needed.</p>` : raw('')}
${page.canAnswer ? offerForm(page) : raw('')}`;
  return layout(page.title, page.council, body);
}

function invitationForm(): Html {
  return h`<form method="post" class="answer-form">
<h3>Your answer</h3>
<button type="submit" name="response" value="accept" class="primary">Accept: I will give this briefing</button>
<label class="note">Reason, if you decline<input type="text" name="reason" maxlength="300" autocomplete="off"></label>
<button type="submit" name="response" value="decline" class="secondary">Decline</button>
</form>`;
}

export function renderInvitationPage(page: InvitationPage, b?: Banner): string {
  const status =
    page.sessionStatus === 'cancelled' ? 'The session is cancelled' : (page.answered ?? (page.status === 'pending' ? 'Waiting for your answer' : page.status));
  const body = h`<h1>You are invited to brief the ${page.partyName}</h1><p class="for">For ${page.person.name}</p>${banner(b)}
<section class="card"><h2 class="title">${page.title}</h2>
${facts([
  ['Group', page.partyName],
  ['When', page.when],
  ['Where', page.venue],
  ['Material', `version ${page.materialVersion}`],
  ['Other officers', page.otherOfficers.length ? page.otherOfficers.join(', ') : 'none: you are the only officer invited'],
  ['Status', status],
  ['Your reason', page.reason],
])}
<p class="about">Give factual information and professional advice on council business only, and leave before the group discusses its political line. The same material goes to every group that takes the briefing up; an officer who briefs one group on a matter cannot decline another group’s invitation on it.</p></section>
${page.used ? h`<p class="banner ok used">This link was used to answer (“${page.used.answer}”) on ${page.used.when}.</p>` : raw('')}
${page.canAnswer ? invitationForm() : raw('')}`;
  return layout(page.title || 'Briefing invitation', page.council, body);
}

export function renderLinkPage(page: LinkPage, b?: Banner): string {
  return page.kind === 'offer' ? renderOfferPage(page, b) : renderInvitationPage(page, b);
}

/** The page for a link that opens nothing (404) or has lapsed (410). */
export function renderRefusal(council: string, message: string): string {
  return layout('Briefing link', council, h`<h1>This link cannot be used</h1><p class="banner error" role="alert">${message}</p>`);
}

export const ANSWER_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1f24;background:#f4f5f7}
.answer{max-width:40rem;margin:0 auto;padding:1rem}
.council{margin:0 0 .75rem;color:#4a5563;font-size:.9rem}
h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0}
h2.title{font-size:1.25rem;margin:0 0 .75rem;overflow-wrap:anywhere}
h3{font-size:1.05rem;margin:0 0 .5rem}
.for{margin:0 0 1rem;color:#374151}
.card,.answer-form{background:#fff;border:1px solid #d6dae0;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
.facts{margin:0 0 .75rem}
.facts div{display:grid;grid-template-columns:9rem 1fr;gap:.5rem;padding:.35rem 0;border-top:1px solid #eef0f3}
.facts div:first-child{border-top:0}
.facts dt{font-weight:600;color:#374151}
.facts dd{margin:0;overflow-wrap:anywhere}
.about{margin:.5rem 0 0;color:#4a5563;font-size:.95rem}
.banner{padding:.75rem 1rem;border-radius:.5rem;margin:0 0 1rem;overflow-wrap:anywhere}
.banner.ok{background:#e7f5ec;border:1px solid #9fd3b0}
.banner.error{background:#fdecec;border:1px solid #f0a8a8}
button{display:block;width:100%;min-height:2.75rem;margin:.5rem 0;padding:.6rem 1rem;font:inherit;font-weight:600;border-radius:.4rem;border:1px solid #1d4ed8;cursor:pointer}
button.primary{background:#1d4ed8;color:#fff}
button.secondary{background:#fff;color:#1d4ed8}
details{margin:.5rem 0;border:1px solid #d6dae0;border-radius:.4rem;padding:.5rem .75rem}
summary{cursor:pointer;font-weight:600;min-height:2rem}
label{display:block;margin:.5rem 0;font-weight:600}
input{display:block;width:100%;min-height:2.5rem;margin-top:.25rem;padding:.4rem .5rem;font:inherit;border:1px solid #9aa3af;border-radius:.4rem;background:#fff}
.hint{color:#4a5563;font-size:.9rem;margin:.25rem 0}
@media (max-width:30rem){.facts div{grid-template-columns:1fr;gap:0}.answer{padding:.75rem}h1{font-size:1.3rem}}
`;
