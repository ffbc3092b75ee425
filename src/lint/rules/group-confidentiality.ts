import type { Rule } from '../rule.js';
import type { SentenceView } from '../context.js';
import type { Hit } from '../../lexicon/lexicon.js';

/** An officer relaying one party group's discussions to another group, or a member asking them to. */
export const rule: Rule = {
  meta: {
    id: 'group-confidentiality',
    severity: 'error',
    description: "An officer relays one party group's discussions to another group or member, or a councillor asks an officer what another group discussed.",
    messages: {
      relay:
        "This relays what a party group discussed or plans ({{group}}) to someone outside that group; officers keep each group's discussions confidential.",
      ask: "This asks an officer what another party group discussed; officers keep each group's discussions confidential.",
    },
    suggestion:
      'Officers may say that a briefing was offered to every group and share the same factual information with all of them, but never what a group discussed, planned or asked.',
  },
  examples: {
    valid: [
      { from: 'o-carter', to: ['cllr-hale'], text: 'The same budget briefing has been offered to every group.' },
      { from: 'o-carter', to: ['o-murray'], text: 'At the Conservative group briefing they were worried about the car park charges.' },
      { from: 'o-carter', to: ['cllr-hale'], text: "I'm sorry, but I can't tell you what was discussed at the Conservative group briefing." },
      // The reader's own group, named by "your": telling a group about its own meeting.
      { from: 'o-bell', to: ['cllr-webb', 'cllr-ashworth'], text: 'The Civic Room is free on 12 April, so I have booked it for your group meeting.' },
      // Any group's meeting, in an offer made to every group.
      {
        from: 'o-walsh',
        to: ['cllr-hale', 'cllr-webb'],
        text: 'An officer will attend a group meeting of your choosing and leave before any political discussion.',
      },
    ],
    invalid: [
      { from: 'o-murray', to: ['cllr-hale'], text: 'At the Conservative group briefing they were worried about the car park charges.', messageId: 'relay' },
      { from: 'o-murray', to: ['cllr-hale'], text: 'The car park charges came up at their group meeting last night.', messageId: 'relay' },
      // "They" carries the group named in the sentence before.
      {
        from: 'o-murray',
        to: ['cllr-doyle'],
        text: 'I briefed the Conservative Group on the waste contract on Wednesday. They are minded to call in the Cabinet decision.',
        messageId: 'relay',
      },
      { from: 'cllr-hale', to: ['o-murray'], text: 'What did the Lib Dems say in their briefing yesterday?', messageId: 'ask' },
    ],
  },
  check(ctx) {
    if (ctx.senderRole === 'officer') {
      const members = ctx.members();
      if (members.length === 0) return;
      for (const s of ctx.sentences) {
        // A council body of several parties (a reference group, a working party) meets as the council, not a party group.
        const memberGroups = s.of('council-body', 'member-group');
        const discussion = s.of('group-discussion').filter((h) => h.entry.kind !== 'ask' && !memberGroups.some((m) => m.from < h.to && h.from < m.to));
        if (discussion.length === 0) continue;
        // Declining is the protocol working: "I can't tell you what was discussed at another group's briefing".
        if (declines(s)) continue;
        // "I briefed the Conservative Group on Wednesday. They're minded to call it in.": "they" is the group the
        // sentence before named.
        const previous = ctx.sentences[ctx.sentences.indexOf(s) - 1];
        let groups = groupsNamed(s);
        if (groups.length === 0 && previous && s.tokens.some((t) => t.word === 'they' || t.word === 'their')) groups = groupsNamed(previous);
        // With no party group named, a member group's meeting is all the sentence is about.
        if (groups.length === 0 && memberGroups.length > 0) continue;
        // "Your group meeting" is the reader's own group's; "a group meeting of your choosing", "any group's meeting" are
        // any group's. Neither points at another group.
        if (groups.length === 0 && !s.of('other-group').some((h) => !NOT_ANOTHER.has(s.tokens[h.from - 1]?.word ?? ''))) continue;
        // Telling a group about its own meeting is fine.
        const outsiders = members.filter((m) => groups.length === 0 || groups.some((g) => g.entry.kind !== m.group));
        if (outsiders.length === 0) continue;
        if (!discussion.some((h) => h.entry.kind === 'meeting') && !discussion.some((h) => h.entry.kind === 'content')) continue;
        ctx.report({ messageId: 'relay', at: discussion[0]!, data: { group: groups[0]?.text ?? 'another group' } });
      }
    } else if (ctx.senderRole === 'councillor' && ctx.officers(['to', 'cc']).length > 0) {
      for (const s of ctx.sentences) {
        const ask = s.of('group-discussion', 'ask')[0];
        if (!ask) continue;
        // The group and its meeting may be named in the sentence before ("You were at the Labour group's briefing.")
        const previous = ctx.sentences[ctx.sentences.indexOf(s) - 1];
        const scope = previous ? [s, previous, ctx.subjectView] : [s, ctx.subjectView];
        const other = scope.flatMap(groupsNamed).filter((g) => g.entry.kind !== ctx.sender?.group);
        const about = scope.some((v) => v.has('group-discussion', 'meeting') || v.has('group-discussion', 'content'));
        if (other.length === 0 || !about) continue;
        ctx.report({ messageId: 'ask', at: ask });
        break;
      }
    }
  },
};

/**
 * A verb of telling right after a modal that declines ("can't tell", "won't share", "I'm unable to pass that on"),
 * read on the tokens, where contractions are already expanded ("can't" is "can not", "I'm" is "i am").
 */
const DECLINING = /(?:^| )(?:(?:can|will|would|must) not|am not able to|am unable to)$/;

function declines(s: SentenceView): boolean {
  return s.hits.some(
    (h) =>
      h.category === 'disclosure' &&
      DECLINING.test(
        s.tokens
          .slice(Math.max(0, h.from - 4), h.from)
          .map((t) => t.word)
          .join(' '),
      ),
  );
}

/** Words before "group meeting" that make it the reader's or writer's own group's, or any group's: not another one. */
const NOT_ANOTHER = new Set(['your', 'our', 'a', 'an', 'any', 'each', 'every', 'no']);

/** Group names from council.yaml carry the group id as their kind; national party names are kept too. */

function groupsNamed(s: SentenceView): Hit[] {
  const local = s.of('group-name');
  const national = s.of('party', 'name').filter((p) => !local.some((g) => g.start < p.end && p.start < g.end));
  return [...local, ...national];
}
