/** Bodies: HTML-only email to plain text, Slack markup to plain words. */
import { createRequire } from 'node:module';
import type * as HtmlToText from 'html-to-text';

// html-to-text and the HTML parser under it (some forty files) load only when an HTML-only body is read.
const require = createRequire(import.meta.url);

let htmlConverter: ((html: string) => string) | undefined;

/** HTML to plain text: no link targets, no images, paragraphs and line breaks kept, blockquotes as `> ` lines. */
export function htmlToPlain(html: string): string {
  htmlConverter ??= (require('html-to-text') as typeof HtmlToText).compile({
    wordwrap: false,
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
      // Outlook lays out signatures and headers in tables: one cell per line reads better than glued cells.
      { selector: 'table', format: 'block' },
      { selector: 'tr', format: 'block' },
      { selector: 'td', format: 'block' },
      { selector: 'th', format: 'block' },
    ],
  });
  return htmlConverter(html);
}

/** `<…>` tokens in Slack's message format (mentions, channels, special mentions, links). */
const SLACK_TOKEN = /<([^<>\n]{1,3000})>/g;
const SLACK_SPECIAL_MENTION = /^!(here|channel|everyone)\b/;
const SLACK_LINK = /^(?:[a-z][a-z0-9+.-]{0,20}:|www\.)/i;
/** `:thumbsup:`, `:+1:`, `:white_check_mark::skin-tone-3:`; not times like 10:30:00 (no letter) nor URLs. */
const SLACK_EMOJI = /(?<![\p{L}\p{N}_:/]):([a-z0-9_+'-]{1,60}):(?::skin-tone-[2-6]:)?(?![\p{L}\p{N}])/gu;
/** An emoji name has a letter (":thumbsup:"), or is one of the numeric ones (":+1:", ":-1:", ":100:"). */
const SLACK_EMOJI_NAME = /[a-z]|^(?:[+-]1|100)$/;
const SLACK_BOLD = /(?<![\p{L}\p{N}*\\])\*([^*\s](?:[^*\n]{0,998}[^*\s])?)\*(?![\p{L}\p{N}*])/gu;
const SLACK_ITALIC = /(?<![\p{L}\p{N}_\\])_([^_\s](?:[^_\n]{0,998}[^_\s])?)_(?![\p{L}\p{N}_])/gu;
const SLACK_STRIKE = /(?<![\p{L}\p{N}~\\])~([^~\s](?:[^~\n]{0,998}[^~\s])?)~(?![\p{L}\p{N}~])/gu;
const SLACK_CODE_FENCE = /```/g;
const SLACK_INLINE_CODE = /`([^`\n]{1,1000})`/g;

function slackToken(whole: string, inner: string): string {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : inner.slice(bar + 1);
  switch (inner[0]) {
    case '@':
      return '@' + target.slice(1); // keep the user id: the directory resolves it
    case '#':
      return '#' + (label ?? target.slice(1));
    case '!': {
      const special = SLACK_SPECIAL_MENTION.exec(inner);
      if (special) return '@' + special[1];
      if (label !== undefined) return label; // user groups ("@planning"), dates: Slack's fallback text
      return '@' + target.slice(1).split('^')[0];
    }
    default:
      if (!SLACK_LINK.test(target)) return whole; // not Slack markup: leave it alone
      if (label !== undefined && label !== '') return label;
      return target.replace(/^mailto:/i, '');
  }
}

/** Slack's message format to plain text. Entities are decoded after tokens, as Slack escapes a literal `<`. */
export function slackToPlain(text: string): string {
  return text
    .replace(SLACK_TOKEN, slackToken)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(SLACK_EMOJI, (whole: string, name: string) => (SLACK_EMOJI_NAME.test(name) ? ' ' : whole))
    .replace(SLACK_CODE_FENCE, '')
    .replace(SLACK_INLINE_CODE, '$1')
    .replace(SLACK_BOLD, '$1')
    .replace(SLACK_ITALIC, '$1')
    .replace(SLACK_STRIKE, '$1');
}
