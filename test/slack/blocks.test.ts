/** The Block Kit renderer: escaping, limits, and what the buttons carry. Pure. */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/lint/types.js';
import {
  acknowledgeModal,
  checkResultMessage,
  decodeAcknowledgeMeta,
  decodeWarningRef,
  draftModal,
  escapeMrkdwn,
  warningMessage,
} from '../../src/slack/blocks.js';
import { fromSlackMarkup } from '../../src/slack/message-text.js';
import { loadLinter } from '../../src/lint/load.js';
import { blockText } from './harness.js';

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'political-request',
    messageId: 'work',
    severity: 'error',
    message: 'This asks an officer for party-political work.',
    span: { start: 0, end: 10, line: 1, column: 1 },
    excerpt: 'print 500 leaflets',
    clause: {
      protocol: 'north-east-derbyshire',
      title: 'Protocol for Councillor – Officer relations',
      ref: '5.7',
      quote: 'never be used in connection with party political or campaigning activities',
    },
    suggestion: 'Use your group’s own resources.',
    confidence: 0.9,
    ...overrides,
  };
}

/** Every mrkdwn text object in the blocks. */
function mrkdwnObjects(blocks: unknown): { text: string; verbatim?: boolean }[] {
  const out: { text: string; verbatim?: boolean }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'mrkdwn') out.push(o as { text: string; verbatim?: boolean });
      Object.values(o).forEach(walk);
    }
  };
  walk(blocks);
  return out;
}

describe('escaping user text for mrkdwn', () => {
  it('escapes &, < and >', () => {
    expect(escapeMrkdwn('a & b <c> d')).toBe('a &amp; b &lt;c&gt; d');
  });

  it('a message with <!channel>, <@U…>, a disguised link and <script> renders inert', () => {
    const hostile = 'Hi <!channel> and <@U0CARTER>, see <https://evil.example|the agenda> <script>alert(1)</script> & more';
    const { blocks } = warningMessage([finding({ excerpt: hostile, message: 'msg <b>', suggestion: 'do <!here>' })], { channel: 'C0X', ts: '1.2' });
    const text = blockText(blocks);
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('&lt;@U0CARTER&gt;');
    expect(text).toContain('&lt;https://evil.example|the agenda&gt;');
    expect(text).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(text).toContain('do &lt;!here&gt;');
    expect(text).not.toMatch(/<!channel>|<!here>|<@U0CARTER>|<https:\/\/evil|<script>/);
    for (const object of mrkdwnObjects(blocks)) expect(object.verbatim).toBe(true);
  });

  it('quotes every line of a multi-line excerpt and truncates long text', () => {
    const { blocks } = warningMessage([finding({ excerpt: `line one\nline two\n${'x'.repeat(1000)}` })], { channel: 'C0X', ts: '1.2' });
    const quote = mrkdwnObjects(blocks).find((o) => o.text.startsWith('> line one'))!;
    expect(quote.text.split('\n').every((line) => line.startsWith('>'))).toBe(true);
    expect(quote.text.length).toBeLessThan(400);
  });

  it('turns Slack markup into what the author saw, with the people addressed', () => {
    const council = loadLinter().council;
    const { text, mentions } = fromSlackMarkup('<@U0PATEL> see <#C0PLAN|planning> &amp; <https://x.test|this> <!here> <mailto:a@b.test|a@b.test>', council);
    expect(text).toBe('@Amir Patel see #planning & this @here a@b.test');
    expect(mentions).toEqual(['U0PATEL']);
  });
});

describe('the warning', () => {
  it('carries references, never the excerpt, in its button values; they decode back', () => {
    const { blocks, text } = warningMessage([finding({ excerpt: 'SECRET-WORDS here' })], {
      channel: 'C0X',
      ts: '1714560000.000100',
      permalink: 'https://x.slack.com/archives/C0X/p1',
    });
    expect(text).not.toContain('SECRET-WORDS');
    const actions = blocks.find((b) => b.type === 'actions') as { elements: { action_id: string; value?: string; url?: string }[] };
    for (const button of actions.elements) expect(button.value ?? '').not.toContain('SECRET');
    expect(actions.elements[0]!.url).toBe('https://x.slack.com/archives/C0X/p1');
    const ack = actions.elements.find((e) => e.action_id === 'probity_acknowledge')!;
    expect(decodeWarningRef(ack.value!)).toEqual({
      channel: 'C0X',
      ts: '1714560000.000100',
      findings: [{ rule: 'political-request', severity: 'error', protocol: 'north-east-derbyshire', ref: '5.7' }],
    });
  });

  it('shows at most five findings and stays within Slack limits', () => {
    const many = Array.from({ length: 12 }, (_, i) => finding({ rule: `rule-${i}` }));
    const { blocks } = warningMessage(many, { channel: 'C0X', ts: '1.2' });
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(blockText(blocks)).toContain('and 7 more');
    const actions = blocks.find((b) => b.type === 'actions') as { elements: { value?: string }[] };
    for (const button of actions.elements) expect((button.value ?? '').length).toBeLessThanOrEqual(2000);
  });

  it("says how sure Probity is, in words and a percentage, on the finding's heading line", () => {
    const { blocks } = warningMessage([finding({ confidence: 0.82 }), finding({ rule: 'derogatory', confidence: 0.955 })], { channel: 'C0X', ts: '1.2' });
    const heads = mrkdwnObjects(blocks).filter((o) => o.text.includes('Likely breach'));
    expect(heads[0]!.text.split('\n')[0]).toContain('Probity is fairly sure (82%)');
    expect(heads[1]!.text.split('\n')[0]).toContain('Probity is very sure (96%)');
    // Still one short warning: the confidence adds no block.
    const without = warningMessage([finding()], { channel: 'C0X', ts: '1.2' }).blocks.length;
    expect(without).toBe(warningMessage([finding({ confidence: 0.5 })], { channel: 'C0X', ts: '1.2' }).blocks.length);
  });

  it('labels a good-practice finding as outside the council protocol', () => {
    const { blocks } = warningMessage([finding({ severity: 'info', goodPractice: true })], { channel: 'C0X', ts: '1.2' });
    expect(blockText(blocks)).toContain('does not cover this');
  });

  it('rejects a tampered button value', () => {
    expect(decodeWarningRef('{"c":"C","t":"1","f":[["r","fatal","",""]]}')).toBeUndefined();
    expect(decodeWarningRef('not json')).toBeUndefined();
  });
});

describe('modals and answers', () => {
  it('the acknowledge modal round-trips its metadata without text', () => {
    const modal = acknowledgeModal({
      warning: { channel: 'C0X', ts: '1.2', findings: [{ rule: 'derogatory', severity: 'warning' }] },
      responseUrl: 'https://hooks.slack.com/x',
    });
    expect(decodeAcknowledgeMeta(modal.private_metadata!)).toEqual({
      warning: { channel: 'C0X', ts: '1.2', findings: [{ rule: 'derogatory', severity: 'warning' }] },
      responseUrl: 'https://hooks.slack.com/x',
    });
    expect(modal.title.text.length).toBeLessThanOrEqual(24);
  });

  it('the draft modal keeps the draft and the people it addresses', () => {
    const view = draftModal({ status: 'result', draft: 'hello', to: ['U0PATEL'], findings: [finding()], councilName: 'Ashcombe' });
    expect(JSON.stringify(view)).toContain('"initial_value":"hello"');
    expect(JSON.stringify(view)).toContain('"initial_users":["U0PATEL"]');
    expect(view.submit?.text).toBe('Check again');
  });

  it('an on-demand answer says how sure Probity is of each finding', () => {
    const { blocks } = checkResultMessage([finding({ confidence: 0.61 })], { subject: 'draft', councilName: 'Ashcombe' });
    expect(blockText(blocks)).toContain('Probity thinks it likely (61%)');
  });

  it('an answer with no findings says so, and escapes the council name', () => {
    const { blocks } = checkResultMessage([], { subject: 'draft', councilName: 'A <&> Council' });
    expect(blockText(blocks)).toContain("nothing to flag in your draft against A &lt;&amp;&gt; Council's protocol");
  });
});
