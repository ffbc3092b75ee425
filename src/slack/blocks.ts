/**
 * Every Slack rendering of findings, in one place: the warning sent just after a message is posted, the answer to
 * an on-demand check, the draft and acknowledge modals, and the short confirmations. Pure: findings in, Block Kit
 * out.
 *
 * User text (excerpts, the draft) and engine text are escaped for mrkdwn (`&`, `<`, `>`), and every text object
 * that carries them is `verbatim`, so a message containing `<!channel>`, `<@U…>`, `<https://evil|click>` or
 * `<script>` shows as typed and cannot mention, link or notify anyone.
 */
import type { types } from '@slack/bolt';
import { confidenceSentence } from '../channels/confidence.js';
import type { Finding, Severity } from '../lint/types.js';
import { ACTION, BLOCK, CALLBACK } from './ids.js';

type KnownBlock = types.KnownBlock;
type ModalView = types.ModalView;
type MrkdwnElement = types.MrkdwnElement;

export interface SlackMessagePayload {
  /** Notification / fallback text: never contains the user's words. */
  text: string;
  blocks: KnownBlock[];
}

/** Slack's limits (section text 3000, button value 2000, plain_text_input 3000, private_metadata 3000). */
const MAX_FINDINGS_SHOWN = 5;
const MAX_EXCERPT = 300;
const MAX_QUOTE = 600;
const MAX_ENGINE_TEXT = 900;
const MAX_DRAFT = 3000;
export const MAX_REASON = 500;

// ---------------------------------------------------------------------------------------------------------------
// Escaping

/** Escape the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  const clean = text.trim();
  return clean.length <= max ? clean : `${clean.slice(0, max - 1).trimEnd()}…`;
}

/** A mrkdwn blockquote of user text: escaped, truncated, every line quoted. */
function blockquote(text: string, max: number): string {
  return escapeMrkdwn(truncate(text, max))
    .split(/\r?\n/)
    .map((line) => `>${line ? ` ${line}` : ''}`)
    .join('\n');
}

function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text, verbatim: true };
}

function plain(text: string, max = 75) {
  return { type: 'plain_text' as const, text: truncate(text, max), emoji: true };
}

// ---------------------------------------------------------------------------------------------------------------
// One finding

const BADGE: Record<Severity, string> = {
  error: ':red_circle: *Likely breach*',
  warning: ':large_orange_circle: *Worth a second look*',
  info: ':large_blue_circle: *Good practice*',
};

/** `political-request` → `Political request`. */
export function ruleTitle(rule: string): string {
  const words = rule.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function clauseLine(finding: Finding): string {
  const clause = finding.clause;
  if (!clause) return ':blue_book: No protocol clause is cited for this.';
  const source = `*${escapeMrkdwn(clause.title)}*, ${escapeMrkdwn(clause.ref)}`;
  const quote = clause.quote ? `: “${escapeMrkdwn(truncate(clause.quote, MAX_QUOTE))}”` : '';
  return finding.goodPractice
    ? `:blue_book: Your council's protocol does not cover this; it is good practice from ${source}${quote}`
    : `:blue_book: ${source}${quote}`;
}

export function findingBlocks(finding: Finding): KnownBlock[] {
  // How sure Probity is rides on the heading line: the warning stays as short as it was.
  const head =
    `${BADGE[finding.severity]} · ${escapeMrkdwn(ruleTitle(finding.rule))} · _${confidenceSentence(finding.confidence)}_\n` +
    escapeMrkdwn(truncate(finding.message, MAX_ENGINE_TEXT));
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(head) }];
  if (finding.excerpt.trim()) blocks.push({ type: 'section', text: mrkdwn(blockquote(finding.excerpt, MAX_EXCERPT)) });
  if (finding.suggestion.trim()) {
    blocks.push({ type: 'section', text: mrkdwn(`*Better:* ${escapeMrkdwn(truncate(finding.suggestion, MAX_ENGINE_TEXT))}`) });
  }
  blocks.push({ type: 'context', elements: [mrkdwn(clauseLine(finding))] });
  return blocks;
}

function findingsBlocks(findings: readonly Finding[]): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  findings.slice(0, MAX_FINDINGS_SHOWN).forEach((finding, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push(...findingBlocks(finding));
  });
  const more = findings.length - MAX_FINDINGS_SHOWN;
  if (more > 0) blocks.push({ type: 'context', elements: [mrkdwn(`…and ${more} more.`)] });
  return blocks;
}

function rulesSummary(findings: readonly Finding[]): string {
  const titles = [...new Set(findings.map((f) => ruleTitle(f.rule).toLowerCase()))];
  return titles.join(', ');
}

// ---------------------------------------------------------------------------------------------------------------
// The warning just after a message is posted

/** What the feedback buttons carry: references only, never the message text. */
export interface FindingRef {
  rule: string;
  severity: Severity;
  protocol?: string;
  ref?: string;
}

export interface WarningRef {
  channel: string;
  ts: string;
  findings: FindingRef[];
}

export function findingRef(finding: Finding): FindingRef {
  return {
    rule: finding.rule,
    severity: finding.severity,
    ...(finding.clause ? { protocol: finding.clause.protocol, ref: truncate(finding.clause.ref, 60) } : {}),
  };
}

/** Compact JSON for a button value (≤ 2000 chars: at most MAX_FINDINGS_SHOWN refs). */
export function encodeWarningRef(ref: WarningRef): string {
  return JSON.stringify({
    c: ref.channel,
    t: ref.ts,
    f: ref.findings.slice(0, MAX_FINDINGS_SHOWN).map((f) => [f.rule, f.severity, f.protocol ?? '', f.ref ?? '']),
  });
}

export function decodeWarningRef(value: string): WarningRef | undefined {
  try {
    const raw = JSON.parse(value) as { c?: unknown; t?: unknown; f?: unknown };
    if (typeof raw.c !== 'string' || typeof raw.t !== 'string' || !Array.isArray(raw.f)) return undefined;
    const findings: FindingRef[] = [];
    for (const item of raw.f) {
      if (!Array.isArray(item) || item.length !== 4 || !item.every((x) => typeof x === 'string')) return undefined;
      const [rule, severity, protocol, ref] = item as [string, string, string, string];
      if (severity !== 'error' && severity !== 'warning' && severity !== 'info') return undefined;
      findings.push({ rule, severity, ...(protocol ? { protocol } : {}), ...(ref ? { ref } : {}) });
    }
    return { channel: raw.c, ts: raw.t, findings };
  } catch {
    return undefined;
  }
}

export interface WarningOptions {
  channel: string;
  ts: string;
  /** From chat.getPermalink; without it the "open" button is left out. */
  permalink?: string;
  edited?: boolean;
}

export function warningMessage(findings: readonly Finding[], options: WarningOptions): SlackMessagePayload {
  const ref = encodeWarningRef({ channel: options.channel, ts: options.ts, findings: findings.map(findingRef) });
  const where = /^[CDG][A-Z0-9]+$/.test(options.channel) && !options.channel.startsWith('D') ? ` in <#${options.channel}>` : '';
  const what = options.edited ? 'Your edited message' : 'Your message';
  const intro =
    `:shield: *Probity* · only you can see this\n${what}${where} may not fit the council's protocol. ` +
    'You can edit or delete it; Probity cannot, and keeps no copy of it.';
  const buttons: types.Button[] = [];
  if (options.permalink) {
    buttons.push({
      type: 'button',
      action_id: ACTION.openMessage,
      text: plain('Open message to edit or delete'),
      url: options.permalink,
      style: 'primary',
    });
  }
  buttons.push(
    { type: 'button', action_id: ACTION.acknowledge, text: plain('Acknowledge…'), value: ref },
    { type: 'button', action_id: ACTION.falseAlarm, text: plain('False alarm'), value: ref },
    { type: 'button', action_id: ACTION.dismiss, text: plain('Dismiss'), value: 'dismiss' },
  );
  return {
    text: `Probity: ${what.toLowerCase()} may not fit the council's protocol (${rulesSummary(findings)}).`,
    blocks: [
      { type: 'section', text: mrkdwn(intro) },
      { type: 'divider' },
      ...findingsBlocks(findings),
      { type: 'divider' },
      { type: 'actions', block_id: 'probity_warning_actions', elements: buttons },
    ],
  };
}

/** After an edit that fixed a warned message. */
export function resolvedMessage(): SlackMessagePayload {
  const text = ':white_check_mark: *Probity* · your edited message has nothing to flag now. Thank you.';
  return { text: 'Probity: your edited message has nothing to flag now.', blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

export type FeedbackKind = 'acknowledged' | 'false-alarm';

/** Replaces the warning once the author has acknowledged it or called it a false alarm. */
export function recordedMessage(kind: FeedbackKind, ref: WarningRef): SlackMessagePayload {
  const rules = [...new Set(ref.findings.map((f) => ruleTitle(f.rule).toLowerCase()))].join(', ');
  const done =
    kind === 'acknowledged'
      ? `:ballot_box_with_check: *Probity* · acknowledged (${escapeMrkdwn(rules)}), with your reason.`
      : `:ballot_box_with_check: *Probity* · marked as a false alarm (${escapeMrkdwn(rules)}). This helps the council tune the checks.`;
  return {
    text: kind === 'acknowledged' ? 'Probity: acknowledged.' : 'Probity: marked as a false alarm.',
    blocks: [
      { type: 'section', text: mrkdwn(done) },
      { type: 'context', elements: [mrkdwn('Recorded: the rule, the clause, you, the channel and the time. Not your message.')] },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// On-demand checks (slash command, message shortcut)

export interface CheckOptions {
  /** Whose words: "your draft" or "<name>'s message". */
  subject: 'draft' | 'message';
  authorName?: string;
  councilName: string;
  /** The text that was checked, for a short reminder quote (the asker's own draft or a message they can see). */
  checkedText?: string;
}

function checkHeading(findings: readonly Finding[], options: CheckOptions): string {
  const whose = options.subject === 'draft' ? 'your draft' : options.authorName ? `${escapeMrkdwn(options.authorName)}'s message` : 'this message';
  if (findings.length === 0) {
    return `:white_check_mark: *Probity* · nothing to flag in ${whose} against ${escapeMrkdwn(options.councilName)}'s protocol.`;
  }
  const n = findings.length === 1 ? '1 thing' : `${findings.length} things`;
  return `:shield: *Probity* · ${n} to look at in ${whose} before it goes anywhere.`;
}

export function checkResultMessage(findings: readonly Finding[], options: CheckOptions): SlackMessagePayload {
  const blocks: KnownBlock[] = [{ type: 'section', text: mrkdwn(checkHeading(findings, options)) }];
  if (findings.length === 0 && options.checkedText) {
    blocks.push({ type: 'section', text: mrkdwn(blockquote(options.checkedText, MAX_EXCERPT)) });
  }
  if (findings.length > 0) blocks.push({ type: 'divider' }, ...findingsBlocks(findings));
  blocks.push({ type: 'context', elements: [mrkdwn('Only you can see this. Probity keeps no copy of what it checked.')] });
  return {
    text:
      findings.length === 0
        ? 'Probity: nothing to flag.'
        : `Probity: ${findings.length} thing${findings.length === 1 ? '' : 's'} to look at (${rulesSummary(findings)}).`,
    blocks,
  };
}

export function usageMessage(): SlackMessagePayload {
  const text =
    "*Probity* checks a draft against the council's protocol, privately.\n" +
    '• `/probity <your draft>` here, or the *Check a draft* shortcut for a longer one\n' +
    "• *Check against protocol* from a message's ⋯ menu for a message already posted";
  return { text: 'How to use /probity', blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

export function unavailableMessage(): SlackMessagePayload {
  const text = ':warning: *Probity* could not check that just now. Please try again in a minute.';
  return { text: 'Probity could not check that just now.', blocks: [{ type: 'section', text: mrkdwn(text) }] };
}

// ---------------------------------------------------------------------------------------------------------------
// Modals

export interface DraftModalState {
  draft?: string;
  to?: string[];
  /** `checking` while the worker runs; `result` with findings. */
  status?: 'form' | 'checking' | 'result';
  findings?: readonly Finding[];
  councilName?: string;
}

export function draftModal(state: DraftModalState = {}): ModalView {
  const status = state.status ?? 'form';
  const blocks: KnownBlock[] = [];
  if (status === 'checking') {
    blocks.push({ type: 'section', text: mrkdwn(':hourglass_flowing_sand: Checking your draft…') });
  }
  if (status === 'result') {
    const findings = state.findings ?? [];
    blocks.push(
      { type: 'section', text: mrkdwn(checkHeading(findings, { subject: 'draft', councilName: state.councilName ?? 'the council' })) },
      ...(findings.length > 0 ? [{ type: 'divider' } as const, ...findingsBlocks(findings)] : []),
      { type: 'divider' },
    );
  }
  blocks.push(
    {
      type: 'input',
      block_id: BLOCK.draft,
      label: plain('Your draft'),
      element: {
        type: 'plain_text_input',
        action_id: BLOCK.draft,
        multiline: true,
        max_length: MAX_DRAFT,
        ...(state.draft ? { initial_value: state.draft.slice(0, MAX_DRAFT) } : {}),
        placeholder: plain('Paste the message you are about to send'),
      },
    },
    {
      type: 'input',
      block_id: BLOCK.to,
      optional: true,
      label: plain('Who is it to?'),
      element: {
        type: 'multi_users_select',
        action_id: BLOCK.to,
        ...(state.to && state.to.length > 0 ? { initial_users: state.to } : {}),
        placeholder: plain('People it addresses (optional)'),
      },
    },
    { type: 'context', elements: [mrkdwn('Only you see the result. Nothing is posted and Probity keeps no copy.')] },
  );
  return {
    type: 'modal',
    callback_id: CALLBACK.draftModal,
    title: plain('Probity check', 24),
    submit: plain(status === 'form' ? 'Check' : 'Check again', 24),
    close: plain('Close', 24),
    blocks,
  };
}

/** What the acknowledge modal carries between the button and the submission (no message text). */
export interface AcknowledgeMeta {
  warning: WarningRef;
  /** The warning's response_url, to replace it with a confirmation. */
  responseUrl?: string;
}

export function acknowledgeModal(meta: AcknowledgeMeta): ModalView {
  const rules = [...new Set(meta.warning.findings.map((f) => ruleTitle(f.rule).toLowerCase()))].join(', ');
  return {
    type: 'modal',
    callback_id: CALLBACK.acknowledgeModal,
    private_metadata: JSON.stringify({ w: encodeWarningRef(meta.warning), u: meta.responseUrl ?? '' }),
    title: plain('Acknowledge', 24),
    submit: plain('Record', 24),
    close: plain('Cancel', 24),
    blocks: [
      {
        type: 'section',
        text: mrkdwn(
          `You are acknowledging: *${escapeMrkdwn(rules)}*.\nSay briefly why the message stands (for example "agreed with the Director" or "a Cabinet decision").`,
        ),
      },
      {
        type: 'input',
        block_id: BLOCK.reason,
        label: plain('Reason'),
        element: { type: 'plain_text_input', action_id: BLOCK.reason, multiline: true, max_length: MAX_REASON },
      },
      { type: 'context', elements: [mrkdwn('Probity records your reason with the rule, the clause, you, the channel and the time. Not your message.')] },
    ],
  };
}

export function decodeAcknowledgeMeta(privateMetadata: string): AcknowledgeMeta | undefined {
  try {
    const raw = JSON.parse(privateMetadata) as { w?: unknown; u?: unknown };
    const warning = typeof raw.w === 'string' ? decodeWarningRef(raw.w) : undefined;
    if (!warning) return undefined;
    return { warning, ...(typeof raw.u === 'string' && raw.u ? { responseUrl: raw.u } : {}) };
  } catch {
    return undefined;
  }
}
