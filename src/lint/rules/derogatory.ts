import type { SentenceView } from '../context.js';
import type { Hit } from '../../lexicon/lexicon.js';
import type { Rule } from '../rule.js';
import { capitalName, familyEvidence } from '../../nlp/judgement.js';
import { aboutWriter, aimedAtPerson } from '../../nlp/targets.js';

/** Disrespectful, abusive or belittling remarks about people, bullying, and criticism of officers in public. */
export const rule: Rule = {
  meta: {
    id: 'derogatory',
    severity: 'error',
    description:
      'Disrespectful, abusive or belittling remarks about or to officers or members, bullying or hectoring, or criticising an officer in public or to the media.',
    messages: {
      insult: 'This is a belittling remark about a person ("{{word}}"): treat officers and members with respect.',
      bullying: 'This reads as bullying or hectoring ("{{word}}").',
      public: 'This threatens to criticise an officer in public or to the media, where they cannot answer back.',
    },
    yieldsTo: ['personal-matter', 'discrimination'],
    suggestion:
      'Criticise the work, not the person: say what is wrong and what you need ("The report does not address the flood risk; could it cover…"). Concerns about an officer\'s conduct go privately to their chief officer.',
  },
  examples: {
    valid: [
      { from: 'cllr-webb', to: ['o-patel'], text: 'Could you copy in the dangerous structures officer on the reply?' },
      { from: 'cllr-webb', to: ['o-hughes'], text: 'The underpass is a disgrace and residents deserve better.' },
      { from: 'cllr-webb', to: ['o-hughes'], text: 'The pavilion rugs could do with a good beating before the fete.' },
      { from: 'cllr-doyle', to: ['o-nowak'], text: 'The old form was useless, so thank you for the new one.' },
      { from: 'cllr-evans', to: ['o-hughes'], text: 'I found the report hard to follow and the flood section is weak.' },
      { from: 'cllr-evans', to: ['o-hughes'], text: 'Could you check the consultation dates in the notice before it goes to the Echo?' },
      // "Least" before a word of criticism praises.
      { from: 'cllr-evans', to: ['o-murray'], text: 'Of the three routes, the Mill Lane one is the least disruptive for residents.' },
      // What someone else called people, reported without quotation marks, is theirs.
      {
        from: 'cllr-byrne',
        to: ['o-murray'],
        text: 'A tenant rang me this morning calling the repairs team useless cowboys. Could someone look at the damp at 3 Ash Court?',
      },
      // A simile describes its clause's subject: here the writer.
      { from: 'cllr-doyle', to: ['o-ahmed'], text: "Could you resend the new template? I've still got the old one saved like a numpty." },
      // Someone else going public is theirs to do.
      { from: 'cllr-byrne', to: ['o-murray'], text: 'Mrs Kaur says she will go to the papers about the damp. When is the surveyor booked?' },
    ],
    invalid: [
      { from: 'cllr-webb', to: ['o-patel'], text: 'You are completely incompetent.', messageId: 'insult' },
      { from: 'cllr-ashworth', to: ['cllr-webb'], text: 'The planning team are a bunch of clowns.', messageId: 'insult' },
      { from: 'cllr-khan', to: ['o-reid'], text: 'Who do you think you are?', messageId: 'bullying' },
      { from: 'cllr-khan', to: ['cllr-webb'], text: 'The revenues lot? Honestly, they need a good kicking.', messageId: 'bullying' },
      { from: 'cllr-khan', to: ['o-reid'], text: 'You handled that like a complete numpty.', messageId: 'insult' },
      // The writer's own calling: the insult follows in another clause, aimed at the reader.
      { from: 'cllr-khan', to: ['o-reid'], text: 'Stop calling me every morning, you useless clown.', messageId: 'insult' },
      // "Least" before a word of praise judges; a rebuke says how someone ought to feel about themselves.
      { from: 'cllr-khan', to: ['o-murray'], text: 'Your head of revenues is the least competent officer I have dealt with.', messageId: 'insult' },
      { from: 'cllr-khan', to: ['o-murray'], text: 'Whoever signed off that contract ought to be ashamed of themselves.', messageId: 'insult' },
      // A report the writer joins in with is theirs.
      { from: 'cllr-khan', to: ['o-murray'], text: 'The tenants call the repairs team cowboys, and frankly so do I.', messageId: 'insult' },
      { from: 'cllr-khan', to: ['o-reid'], text: 'If this is not fixed I will name and shame you on Facebook.', messageId: 'public' },
      { from: 'cllr-khan', to: ['o-reid'], text: 'Fix the lights this week or the residents and I will go to the press.', messageId: 'public' },
    ],
  },
  check(ctx) {
    // The subject line is read too ("Your useless head of comms" can sit above a polite body), unless it is the
    // subject of the message being answered or passed on.
    const ownSubject = !/^\s*(re|fw|fwd|aw|sv)\s*:/i.test(ctx.message.subject ?? '');
    for (const s of ownSubject ? [ctx.subjectView, ...ctx.sentences] : ctx.sentences) {
      const inSubject = s === ctx.subjectView;
      const bullying = s.of('bullying')[0];
      if (bullying) {
        ctx.report({ messageId: 'bullying', at: bullying, data: { word: bullying.text }, inSubject });
        continue;
      }
      // Naming a newspaper or a Facebook group is not criticism by itself ("thank you for your response to the
      // journalist"); the frame that takes someone there is ("I will name and shame you").
      const pub = s.of('public-criticism')[0];
      if (pub && ctx.senderRole !== 'officer' && !someoneElseGoesPublic(s, pub)) {
        ctx.report({ messageId: 'public', at: pub, inSubject });
        continue;
      }
      const judgement = s.judgements.find((j) => !aboutWriter(s, j) && !quoted(s, s.tokens[j.from]!.start) && !calledBySomeoneElse(s, j.from));
      if (judgement) {
        const at = { start: s.tokens[judgement.from]!.start, end: s.tokens[judgement.to - 1]!.end };
        ctx.report({
          messageId: 'insult',
          at,
          data: { word: s.text.slice(at.start - s.start, at.end - s.start) },
          inSubject,
          evidence: {
            kind: judgement.kind,
            score: judgement.score,
            count: judgement.count,
            profane: judgement.profane,
            secondPerson: judgement.secondPerson,
            abuse: s.abuse,
            ...familyEvidence(judgement.word, ctx.resources),
          },
        });
        continue;
      }
      for (const hit of s.of('insult')) {
        if (aboutWriter(s, hit)) continue; // "What an idiot I am"
        if (quoted(s, hit.start) || calledBySomeoneElse(s, hit.from)) continue; // reported speech: the message said 'utterly useless'
        if (hit.entry.kind === 'insult' && aimedAtThing(s, hit)) continue;
        // A name ("The Crooked Spoon café"), as for judging words.
        if (s.tokens.slice(hit.from, hit.to).every((_, k) => capitalName(s, hit.from + k))) continue;
        // A name-calling noun needs a person in view: "you", a name, a team, or the message's own recipient.
        const standalone = s.tokens.length <= 4 && ctx.recipients.some((r) => r.person);
        // A name-calling noun that refers to someone is aimed at them: "the buffoon now appointed", "Elect Muppets".
        const referring = /^(the|that|this|a|an|those|these|you|such|of)$/.test(s.tokens[hit.from - 1]?.word ?? '') || /s$/.test(s.tokens[hit.to - 1]!.word);
        if (hit.entry.kind === 'insult' && !standalone && !referring && !aimedAtPerson(s, hit)) continue;
        ctx.report({
          messageId: 'insult',
          at: hit,
          data: { word: hit.text },
          inSubject,
          evidence: { kind: hit.entry.kind ?? 'insult', lexicon: true, abuse: s.abuse },
        });
        break;
      }
    }
  },
};

/**
 * Going public is someone else's when the clause's subject is another person and the writer is nowhere in the
 * sentence: "she's entitled to go to the papers", "the fella on Abbey Rise says he'll go to the press". The writer's
 * own ("I'll go to the press"), the writer joining in ("they'll go to the press with me", "I told her I'd do the same")
 * and the writer sending others ("I have told the residents to go to the papers") remain the writer's.
 */
function someoneElseGoesPublic(s: SentenceView, pub: Hit): boolean {
  if (s.tokens.some((t) => /^(i|we|me|us|my|our|myself|ourselves)$/.test(t.word))) return false;
  for (let k = pub.from - 1; k >= Math.max(0, pub.from - 10); k--) {
    const w = s.tokens[k]!.word;
    if (w === 'you') return false;
    if (/^(he|she|they|resident|residents|constituent|constituents|tenant|tenants|family|neighbours|people)$/.test(w))
      return !/^(told|urged|asked|encouraged|advised|get|got)$/.test(s.tokens[k - 1]?.word ?? '');
  }
  return false;
}

function aimedAtThing(s: SentenceView, hit: Hit): boolean {
  // "what a joke of a process": an insult noun used of a thing right before it.
  return s.of('thing-target').some((t) => t.from > hit.from && t.from - hit.to <= 2) && !aimedAtPerson(s, hit);
}

/**
 * The word is what someone else called somebody, reported without quotation marks: "a resident on the phone calling the
 * council useless clowns", "he called us a shower of idiots". The writer's own calling is still theirs: "I'd call
 * that incompetent", "we're calling you out".
 */
function calledBySomeoneElse(s: SentenceView, at: number): boolean {
  // The writer joining in makes it theirs: "residents call them idiots and frankly so do I", "they're right to call you
  // useless", "I agree".
  if (/\b(so do i|so would i|i agree|right to call|rightly call|i don'?t blame them)\b/i.test(s.text)) return false;
  for (let k = at - 1; k >= Math.max(0, at - 8); k--) {
    if (!/^(call|calls|calling|called)$/.test(s.tokens[k]!.word)) continue;
    // What is called follows in the same clause: "stop calling me, you useless clown" calls the reader a clown.
    if (/[,;:]/.test(s.text.slice(s.tokens[k]!.end - s.start, s.tokens[at]!.start - s.start))) return false;
    // "me calling them idiots", "blame me for calling them idiots": the writer is the one calling.
    const writer = /^(me|us|my|our)$/;
    if (writer.test(s.tokens[k - 1]?.word ?? '') || (s.tokens[k - 1]?.word === 'for' && writer.test(s.tokens[k - 2]?.word ?? ''))) return false;
    // Who is calling: the nearest subject word before the verb, within the clause.
    for (let j = k - 1; j >= Math.max(0, k - 4); j--) {
      const w = s.tokens[j]!.word;
      if (/^(i|we|i'm|we're|im)$/.test(w)) return false;
      if (/^(he|she|they|resident|residents|someone|somebody|people|tenant|tenants|caller|constituent|constituents|who|one|man|woman|fella|lad|lady)$/.test(w))
        return true;
    }
    // No subject in reach ("had a resident on the phone for 20 mins calling…"): a participle reports someone else.
    return s.tokens[k]!.word === 'calling' || s.tokens[k]!.word === 'called';
  }
  return false;
}

/**
 * The word is inside someone else's quoted words ("the message she received - 'utterly useless' and so on"):
 * an open quotation, introduced as what another person said or sent. The writer's own quote for the press is
 * still theirs.
 */
function quoted(s: SentenceView, start: number): boolean {
  const open = s.quotationOpenAt(start);
  return open >= 0 && s.hits.some((h) => h.category === 'reported-speech' && h.end - s.start <= open);
}
