import type { Person } from '../../directory/council.js';
import type { Rule } from '../rule.js';

/**
 * Employment words that are about the writer ("my regrading", "put in a word", "I've been acting up… the regrading"),
 * not a conservation area appraisal.
 */
function ownEmploymentMatter(kinds: string[]): boolean {
  const has = (k: string) => kinds.includes(k);
  return has('own') || has('plea') || has('grievance') || (has('self') && (has('topic') || has('personal') || has('manager')));
}

/** Advisory: a ward matter that reaches some but not all of the ward's members. */
export const rule: Rule = {
  meta: {
    id: 'ward-members',
    severity: 'info',
    description: 'A message about a ward matter, public meeting or consultation that does not reach every member for that ward.',
    messages: {
      missing: 'This is about a matter in {{ward}} but does not include every member for the ward (missing: {{missing}}).',
    },
    suggestion: 'Copy in every member for the ward on local matters, public meetings and consultations, so all of them are kept informed.',
  },
  examples: {
    valid: [
      { from: 'o-hughes', to: ['cllr-hale', 'cllr-okafor'], text: 'There will be a public meeting on the Northgate regeneration on 3 May.' },
      { from: 'o-hughes', to: ['cllr-hale'], text: 'Thank you for your comments on the budget.' },
      { from: 'o-hughes', to: ['cllr-okafor'], text: 'As portfolio holder, here is the draft release for the Northgate consultation.' },
    ],
    invalid: [{ from: 'o-hughes', to: ['cllr-hale'], text: 'There will be a public meeting on the Northgate regeneration on 3 May.', messageId: 'missing' }],
  },
  check(ctx) {
    if (ctx.senderRole !== 'officer') return;
    const members = ctx.members();
    if (members.length === 0) return;
    // A reply to a member's own casework goes to that member: copying the others would itself be a silent copy.
    if (/^\s*(re|aw|sv|fw|fwd)\s*:/i.test(ctx.message.subject ?? '') || ctx.normalised.quoted.length > 0) return;
    // An officer's own employment matter is not a ward matter (personal-matter speaks to it), and a cabinet
    // member's portfolio business goes to that member ("As portfolio holder, here's the draft release…").
    if (ownEmploymentMatter(ctx.anywhere('employment-matter').map((h) => h.entry.kind ?? '')) || ctx.anywhere('portfolio').length > 0) return;
    // The ward must be named, on its own or in a place in it ("Northgate Library").
    const wardHits = [...ctx.anywhere('ward-name'), ...ctx.subjectView.of('ward-name')];
    const wards = [...new Set(wardHits.map((h) => h.entry.kind!))];
    if (wards.length === 0) return;
    const matter = [
      ...ctx.sentences.flatMap((s) => s.of('ward-matter')),
      ...wardHits.filter((h) => h.end <= ctx.normalised.text.length && ctx.normalised.text.slice(h.start, h.end) === h.text),
    ];
    for (const ward of wards) {
      const wardMembers = ctx.council.people.filter((p) => p.role === 'councillor' && p.ward === ward);
      const reached = wardMembers.filter((p) => members.some((m) => m.id === p.id));
      if (reached.length === 0) continue; // not written to this ward's members at all
      const missing: Person[] = wardMembers.filter((p) => !reached.includes(p));
      if (missing.length === 0) continue;
      const at = matter[0] ?? ctx.sentences[0];
      if (!at) return;
      ctx.report({ messageId: 'missing', at, data: { ward, missing: missing.map((p) => p.name).join(', ') } });
      return;
    }
  },
};
