import type { Person } from '../../directory/council.js';
import { resolve } from '../../directory/council.js';
import type { RuleContext, SentenceView } from '../context.js';
import type { Rule } from '../rule.js';

/**
 * An officer copying one member's correspondence to another member without saying so (North East Derbyshire
 * 9.1): a Bcc, an undisclosed Cc on a reply, a forward, or a pasted quote.
 */
export const rule: Rule = {
  meta: {
    id: 'silent-copy',
    severity: 'error',
    description: "An officer copies one member's correspondence to another member (cc, bcc, forward or pasted quote) without saying so in the message.",
    messages: {
      bcc: "This blind-copies {{copied}} on correspondence with {{author}}; a member's correspondence must not be copied to another member without saying so.",
      cc: 'This copies {{copied}} into a reply to {{author}} without saying why; the copy is visible, but the protocol asks that {{author}} be told plainly when their correspondence goes to another member.',
      forward: "This passes {{author}}'s correspondence to {{copied}} without saying so.",
    },
    suggestion: 'Say who you are copying and why ("I have copied in Cllr X as ward member"), or ask the member first; do not use Bcc for members.',
  },
  examples: {
    valid: [
      {
        from: 'o-hughes',
        to: ['cllr-hale'],
        cc: ['cllr-okafor'],
        subject: 'Re: Northgate parking',
        text: 'I have copied in Cllr Okafor as the other ward member.',
      },
      { from: 'o-hughes', to: ['o-murray'], text: "Forwarding Cllr Hale's query below for your advice." },
      { from: 'cllr-hale', to: ['cllr-okafor'], bcc: ['cllr-price'], text: 'See you at group tonight.' },
    ],
    invalid: [
      {
        from: 'o-hughes',
        to: ['cllr-hale'],
        bcc: ['cllr-webb'],
        subject: 'Re: Northgate parking',
        text: 'Thank you, the survey will start next week.',
        messageId: 'bcc',
      },
      {
        from: 'o-hughes',
        to: ['cllr-hale'],
        cc: ['cllr-webb'],
        subject: 'Re: Northgate parking',
        text: 'Thank you, the survey will start next week.',
        messageId: 'cc',
      },
    ],
  },
  check(ctx) {
    if (ctx.senderRole !== 'officer') return;
    const membersIn = (fields: ('to' | 'cc' | 'bcc')[]) => ctx.members(fields);
    const disclosed = ctx.anywhere('copy-disclosure').length > 0 || ctx.subjectView.has('copy-disclosure');
    const at = ctx.sentences[0] ?? { start: 0, end: 0 };

    // 1. Bcc to a member on correspondence with another member.
    const bcc = membersIn(['bcc']);
    const open = membersIn(['to', 'cc']);
    const authors = correspondents(ctx);
    // On correspondence (a reply or forward of a member's message) a Bcc to another member is a silent copy; on
    // a fresh message to a member it still hides one member from another, so it is worth a warning.
    const isCorrespondence = authors.length > 0 || /^\s*(re|aw|sv|fw|fwd)\s*:/i.test(ctx.message.subject ?? '');
    const bccAuthor = [...open, ...authors].find((a) => !bcc.some((b) => b.id === a.id));
    const bccNamed = ctx.sentences.some((s) => s.hits.some((h) => h.category === 'blind-copy'));
    if (bcc.length > 0 && bccAuthor && !bccNamed) {
      ctx.report({ messageId: 'bcc', at, data: { copied: names(bcc), author: bccAuthor.name }, ...(isCorrespondence ? {} : { severity: 'warning' as const }) });
      return;
    }

    // 2. Forwarded or pasted member correspondence going to a different member, unless its author knows.
    const permitted = ctx.anywhere('permission').length > 0;
    const passedOn = [...ctx.normalised.quoted.filter((b) => b.kind !== 'reply').map((b) => authorOf(ctx, b.fromAddress, b.from)), ...relayedFrom(ctx)];
    for (const author of passedOn) {
      if (!author || author.role !== 'councillor') continue;
      const others = [...open, ...bcc].filter((m) => m.id !== author.id);
      if (others.length === 0 || open.some((m) => m.id === author.id)) continue;
      if (permitted && mentions(ctx, author)) continue;
      ctx.report({ messageId: 'forward', at, data: { copied: names(others), author: author.name } });
      return;
    }

    // 3. A reply to a member's correspondence with another member in Cc, not mentioned.
    const to = membersIn(['to']);
    const cc = membersIn(['cc']).filter((m) => !to.some((t) => t.id === m.id));
    const isReply = /^\s*(re|aw|sv)\s*:/i.test(ctx.message.subject ?? '') || ctx.normalised.quoted.some((q) => q.kind === 'reply');
    if (isReply && to.length > 0 && cc.length > 0 && !disclosed) {
      const unmentioned = cc.filter((m) => !mentions(ctx, m));
      // A visible Cc is not silent in the way a Bcc or a forward is: the member who wrote can see it. It is advice
      // (say why), not a warning; copying the other ward members is often exactly what the protocol wants.
      if (unmentioned.length > 0) ctx.report({ messageId: 'cc', at, data: { copied: names(unmentioned), author: to[0]!.name }, severity: 'info' });
    }
  },
};

/**
 * Members whose message is pasted in ("Janet sent me this: > …", "Cllr Webb sent me this: “…”"): a sentence
 * that names a member and relays, with a quotation in the message.
 */
function relayedFrom(ctx: RuleContext): Person[] {
  const quotation = ctx.normalised.quoted.some((q) => q.kind === 'slack-quote' || q.kind === 'reply') || /["“][^"”]{12,}["”]/.test(ctx.normalised.text);
  if (!quotation) return [];
  // Names in lower-case Slack count here ("webb just sent me this:"), and "this is what he sent" points back to
  // the member named in the sentence before.
  const named = (s: SentenceView) => [
    ...s.of('person-name').map((h) => ctx.council.byId.get(h.entry.kind!)),
    ...s.tokens.map((t) => councillorByName(ctx, t.word)),
  ];
  return ctx.sentences
    .flatMap((s, i) => (s.has('relay') ? [...named(s), ...(i > 0 ? named(ctx.sentences[i - 1]!) : [])] : []))
    .filter((p): p is Person => p !== undefined && p.id !== ctx.sender?.id);
}

/** A councillor whose first name or surname is this word, when only one councillor has it. */
function councillorByName(ctx: RuleContext, word: string): Person | undefined {
  const matches = ctx.council.people.filter(
    (p) =>
      p.role === 'councillor' &&
      p.name
        .toLowerCase()
        .replace(/^cllr\s+/, '')
        .split(/\s+/)
        .includes(word),
  );
  return matches.length === 1 ? matches[0] : undefined;
}

/** Members whose own words are quoted in the message (the correspondence being answered or passed on). */
function correspondents(ctx: RuleContext): Person[] {
  return ctx.normalised.quoted.map((q) => authorOf(ctx, q.fromAddress, q.from)).filter((p): p is Person => p?.role === 'councillor');
}

function authorOf(ctx: RuleContext, address: string | undefined, name: string | undefined): Person | undefined {
  if (address) {
    const p = resolve(ctx.council, address);
    if (p) return p;
  }
  if (!name) return undefined;
  const wanted = name
    .toLowerCase()
    .replace(/^(cllr|councillor)\s+/, '')
    .trim();
  return ctx.council.people.find((p) => p.name.toLowerCase().replace(/^cllr\s+/, '') === wanted);
}

function mentions(ctx: RuleContext, person: Person): boolean {
  const surname = person.name.split(/\s+/).at(-1)!.toLowerCase();
  const text = ctx.normalised.text.toLowerCase();
  return text.includes(surname);
}

function names(people: Person[]): string {
  return people.map((p) => p.name).join(', ');
}
