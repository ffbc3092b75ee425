/**
 * Renders what a councillor sees in Slack just after posting a risky message: the real engine's findings for the
 * canonical example, through the real Block Kit renderer (src/slack/blocks.ts), drawn by a small HTML renderer
 * of the Block Kit subset Probity uses, and screenshotted in headless Chromium.
 *
 *   npx tsx scripts/slack-screenshot.ts        → docs/screenshots/slack-warning.png, slack-draft-check.png
 *
 * Needs Debian's chromium at /usr/bin/chromium (or CHROMIUM_PATH). Never downloads a browser.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { loadLinter, PACKAGE_ROOT } from '../src/lint/load.js';
import type { Finding } from '../src/lint/types.js';
import { draftModal, warningMessage } from '../src/slack/blocks.js';
import { fromSlackMarkup } from '../src/slack/message-text.js';

const OUT = join(PACKAGE_ROOT, 'docs', 'screenshots');
const CHANNELS: Record<string, string> = { C0PLANNING: 'planning' };

// ---------------------------------------------------------------------------------------------------------------
// A Block Kit → HTML renderer for the blocks Probity sends (section, context, divider, actions, input).

/** Emoji as small drawn badges (the machine has no colour-emoji font). */
const EMOJI: Record<string, string> = {
  red_circle: '<span class="dot" style="background:#e01e5a"></span>',
  large_orange_circle: '<span class="dot" style="background:#f2952f"></span>',
  large_blue_circle: '<span class="dot" style="background:#1d9bd1"></span>',
  shield: '<span class="badge" style="background:#1d3557">P</span>',
  blue_book: '<span class="book"></span>',
  white_check_mark: '<span class="badge" style="background:#2eb67d">✓</span>',
  ballot_box_with_check: '<span class="badge" style="background:#616061">✓</span>',
  hourglass_flowing_sand: '<span class="badge" style="background:#ecb22e">…</span>',
  warning: '<span class="badge" style="background:#ecb22e">!</span>',
};

/**
 * mrkdwn → HTML. The text is already mrkdwn-escaped (&amp; &lt; &gt;), which is also valid HTML, so user text
 * stays inert; the only `<…>` left are Probity's own channel mentions and links.
 */
function mrkdwn(text: string): string {
  // \u0001 and \u0002 stand for < and > of the tags made here while the text's own are escaped.
  /* eslint-disable no-control-regex */
  let html = text
    .replace(
      /<#([A-Z0-9]+)(?:\|([^>]*))?>/g,
      (_m, id: string, name?: string) => `\u0001span class="mention"\u0002#${name ?? CHANNELS[id] ?? id}\u0001/span\u0002`,
    )
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, (_m, _url: string, label: string) => `\u0001a\u0002${label}\u0001/a\u0002`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\u0001/g, '<')
    .replace(/\u0002/g, '>');
  /* eslint-enable no-control-regex */
  const lines = html.split('\n');
  html = lines.map((line) => (line.startsWith('&gt;') ? `<div class="quote">${line.replace(/^&gt; ?/, '')}</div>` : `<div>${line || '&nbsp;'}</div>`)).join('');
  return html
    .replace(/(^|[\s(>])\*([^*\n]+)\*/g, '$1<b>$2</b>')
    .replace(/(^|[\s(>])_([^_\n]+)_/g, '$1<i>$2</i>')
    .replace(/`([^`\n]+)`/g, '<code>$1</code>')
    .replace(/:([a-z_]+):/g, (m, name: string) => EMOJI[name] ?? m);
}

type Block = Record<string, unknown> & { type: string };
type TextObject = { type: string; text: string };

function textObject(t: TextObject | undefined): string {
  if (!t) return '';
  return t.type === 'mrkdwn' ? mrkdwn(t.text) : t.text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function renderBlocks(blocks: Block[]): string {
  return blocks
    .map((block) => {
      switch (block.type) {
        case 'section':
          return `<div class="section">${textObject(block.text as TextObject)}</div>`;
        case 'context':
          return `<div class="context">${(block.elements as TextObject[]).map(textObject).join(' ')}</div>`;
        case 'divider':
          return '<hr>';
        case 'actions':
          return `<div class="actions">${(block.elements as (TextObject & { text: TextObject; style?: string; url?: string })[])
            .map((b) => `<span class="button ${b.style ?? ''}">${b.url ? '↗ ' : ''}${textObject(b.text)}</span>`)
            .join('')}</div>`;
        case 'input': {
          const element = block.element as { type: string; initial_value?: string; initial_users?: string[]; multiline?: boolean };
          const value =
            element.type === 'multi_users_select'
              ? (element.initial_users ?? []).map((u) => `<span class="chip">@${u === 'U0PATEL' ? 'Amir Patel' : u}</span>`).join('')
              : (element.initial_value ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;');
          return `<div class="input"><label>${textObject(block.label as TextObject)}${block.optional ? ' <span class="optional">(optional)</span>' : ''}</label><div class="field ${element.multiline ? 'multi' : ''}">${value}</div></div>`;
        }
        default:
          return '';
      }
    })
    .join('');
}

const STYLE = `
  * { box-sizing: border-box; }
  body { margin: 0; background: #fff; font: 15px/1.47 "Liberation Sans", "DejaVu Sans", Arial, sans-serif; color: #1d1c1d; }
  .channel { width: 760px; padding: 0 0 16px; }
  .topbar { height: 49px; border-bottom: 1px solid #ddd; padding: 12px 20px; font-weight: 700; font-size: 18px; }
  .msg { display: flex; padding: 8px 20px; }
  .msg.ephemeral { background: #f8f8f8; }
  .avatar { width: 36px; height: 36px; border-radius: 6px; flex: none; margin-right: 8px; color: #fff; font-weight: 700; display: flex; align-items: center; justify-content: center; font-size: 15px; }
  .body { flex: 1; min-width: 0; }
  .name { font-weight: 900; }
  .app { background: #ddd; color: #616061; font-size: 10px; font-weight: 700; padding: 1px 3px; border-radius: 2px; margin-left: 4px; vertical-align: 2px; }
  .time { color: #616061; font-size: 12px; margin-left: 6px; }
  .only { color: #616061; font-size: 13px; margin-bottom: 4px; }
  .section { margin: 4px 0; }
  .context { color: #616061; font-size: 13px; margin: 6px 0; }
  .quote { border-left: 4px solid #ddd; padding-left: 10px; color: #1d1c1d; }
  hr { border: 0; border-top: 1px solid #e8e8e8; margin: 10px 0; }
  .actions { margin-top: 10px; display: flex; gap: 8px; flex-wrap: wrap; }
  .button { border: 1px solid #bbb; border-radius: 4px; padding: 4px 12px; font-weight: 700; font-size: 14px; background: #fff; }
  .button.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
  .mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
  a { color: #1264a3; text-decoration: none; }
  code { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; background: #f6f6f6; border: 1px solid #ddd; border-radius: 3px; padding: 1px 3px; color: #e01e5a; }
  .dot { display: inline-block; width: 12px; height: 12px; border-radius: 50%; vertical-align: -1px; margin-right: 2px; }
  .badge { display: inline-flex; align-items: center; justify-content: center; width: 16px; height: 16px; border-radius: 4px; color: #fff; font-size: 11px; font-weight: 700; vertical-align: -2px; margin-right: 2px; }
  .book { display: inline-block; width: 11px; height: 14px; background: #1d9bd1; border-radius: 1px 3px 3px 1px; border-left: 3px solid #12648a; vertical-align: -2px; margin-right: 3px; }
  .modal { width: 520px; margin: 24px; border-radius: 8px; box-shadow: 0 4px 24px rgba(0,0,0,.25); overflow: hidden; }
  .modal header { padding: 18px 24px; font-size: 20px; font-weight: 900; border-bottom: 1px solid #ddd; }
  .modal main { padding: 12px 24px 4px; }
  .modal footer { padding: 16px 24px; border-top: 1px solid #ddd; display: flex; justify-content: flex-end; gap: 8px; }
  .input { margin: 12px 0; }
  .input label { font-weight: 700; display: block; margin-bottom: 6px; }
  .optional { color: #616061; font-weight: 400; }
  .field { border: 1px solid #bbb; border-radius: 4px; padding: 8px 10px; min-height: 36px; white-space: pre-wrap; }
  .field.multi { min-height: 80px; }
  .chip { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 1px 6px; margin-right: 4px; }
`;

function page(inner: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><style>${STYLE}</style></head><body>${inner}</body></html>`;
}

function channelView(author: string, postedMarkup: string, warning: { blocks: Block[] }): string {
  const posted = mrkdwn(postedMarkup.replace(/<@U0PATEL>/g, '\u0001span class="mention"\u0002@Amir Patel\u0001/span\u0002'));
  return page(`<div class="channel">
    <div class="topbar"># planning</div>
    <div class="msg"><div class="avatar" style="background:#b35d2f">DO</div><div class="body">
      <span class="name">${author}</span><span class="time">10:42</span>${posted}</div></div>
    <div class="msg ephemeral"><div class="avatar" style="background:#1d3557">P</div><div class="body">
      <span class="name">Probity</span><span class="app">APP</span><span class="time">10:42</span>
      <div class="only">Only visible to you</div>${renderBlocks(warning.blocks)}</div></div>
  </div>`);
}

function modalView(view: { title: TextObject; submit?: TextObject; close?: TextObject; blocks: Block[] }): string {
  return page(`<div class="modal"><header>${textObject(view.title)}</header><main>${renderBlocks(view.blocks)}</main>
    <footer><span class="button">${textObject(view.close)}</span><span class="button primary">${textObject(view.submit)}</span></footer></div>`);
}

// ---------------------------------------------------------------------------------------------------------------

const POSTED = '<@U0PATEL> I want you to print 500 leaflets for our Labour campaign by Friday.';
const DRAFT = 'Amir, I want you to print 500 leaflets for our Labour campaign by Friday.';

async function main(): Promise<void> {
  const linter = loadLinter();
  const { text, mentions } = fromSlackMarkup(POSTED, linter.council);
  const findings: Finding[] = linter.lint({ channel: 'slack', from: 'U0OKAFOR', to: mentions, cc: [], bcc: [], text }).findings;
  if (findings.length === 0) throw new Error('the engine found nothing in the example; nothing to screenshot');
  const warning = warningMessage(findings, {
    channel: 'C0PLANNING',
    ts: '1715510520.000100',
    permalink: 'https://ashcombe.slack.com/archives/C0PLANNING/p1715510520000100',
  });
  const draft = linter.lint({ channel: 'slack', from: 'U0OKAFOR', to: ['U0PATEL'], cc: [], bcc: [], text: DRAFT }).findings;
  const modal = draftModal({ status: 'result', draft: DRAFT, to: ['U0PATEL'], findings: draft, councilName: linter.council.council });

  mkdirSync(OUT, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const context = await browser.newContext({ deviceScaleFactor: 2, viewport: { width: 760, height: 400 } });
    const tab = await context.newPage();
    const shots: [string, string, string][] = [
      ['slack-warning.png', channelView('Cllr Daniel Okafor', POSTED, warning as unknown as { blocks: Block[] }), '.channel'],
      ['slack-draft-check.png', modalView(modal as never), '.modal'],
    ];
    for (const [file, html, selector] of shots) {
      await tab.setContent(html);
      await tab.locator(selector).screenshot({ path: join(OUT, file) });
      console.log(`wrote docs/screenshots/${file}`);
    }
  } finally {
    await browser.close();
  }
  console.log(`findings shown: ${findings.map((f) => f.rule).join(', ')}`);
  console.log('reproduce: npx tsx scripts/slack-screenshot.ts');
}

await main();
