/**
 * Slack's message markup → the plain text the engine reads, plus the people it addresses. Pure.
 *
 * Slack sends `<@U0PATEL>` for a mention, `<#C123|planning>` for a channel, `<!channel>`, `<https://x|label>` for
 * links, and escapes `&`, `<`, `>` as entities. The engine should read what the author saw: "@Amir Patel".
 */
import { resolve, type Council } from '../directory/council.js';

export interface EngineText {
  text: string;
  /** Slack user ids mentioned, in order of first mention. */
  mentions: string[];
}

const TOKEN = /<([^<>]*)>/g;

export function fromSlackMarkup(markup: string, council?: Council): EngineText {
  const mentions: string[] = [];
  const text = markup.replace(TOKEN, (_whole, inner: string) => {
    const [target = '', label] = splitLabel(inner);
    if (target.startsWith('@')) {
      const id = target.slice(1);
      if (/^[UW][A-Z0-9]+$/.test(id) && !mentions.includes(id)) mentions.push(id);
      const person = council ? resolve(council, id) : undefined;
      return `@${person?.name ?? label ?? id}`;
    }
    if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
    if (target.startsWith('!')) {
      const special = target.slice(1).split('^')[0];
      return label ?? `@${special}`;
    }
    return label ?? target.replace(/^mailto:/, '');
  });
  return { text: unescapeEntities(text), mentions };
}

function splitLabel(inner: string): [string, string | undefined] {
  const bar = inner.indexOf('|');
  return bar < 0 ? [inner, undefined] : [inner.slice(0, bar), inner.slice(bar + 1) || undefined];
}

export function unescapeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Slack's ts ("1714560000.123456", seconds) → ISO 8601. */
export function tsToIso(ts: string): string | undefined {
  const seconds = Number(ts);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(Math.round(seconds * 1000)).toISOString() : undefined;
}
