/** Who a Slack message addresses: @mentions, names used as an address among the channel's members, else the channel. Pure. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCouncil } from '../../src/directory/council.js';
import { addressedByName, addressees, MAX_ADDRESSEES } from '../../src/slack/addressees.js';

const council = parseCouncil(readFileSync('examples/council.yaml', 'utf8'));
const AUTHOR = 'U0OKAFOR';
/** #planning: the author, Amir Patel (junior), Lisa Hughes, Cllr Tom Webb, Mark Ford, and someone not in the directory. */
const PLANNING = ['U0OKAFOR', 'U0PATEL', 'U0HUGHES', 'U0WEBB', 'U0FORD', 'U0STRANGER'];
/** In the directory's order. */
const everyoneElse = ['U0WEBB', 'U0HUGHES', 'U0FORD', 'U0PATEL'];

function to(text: string, options: { mentions?: string[]; members?: string[] | null; direct?: boolean } = {}): string[] {
  const members = options.members === null ? undefined : (options.members ?? PLANNING);
  return addressees({ text, author: AUTHOR, mentions: options.mentions ?? [], direct: options.direct ?? false, council, ...(members ? { members } : {}) });
}

describe('a name used as an address', () => {
  it.each([
    ['Amir, I want you to send me the planning figures tonight.', ['U0PATEL']],
    ['Hi Amir, could you send the figures?', ['U0PATEL']],
    ['Dear Amir Patel\nPlease find attached…', ['U0PATEL']],
    ['@amir can you pick this up?', ['U0PATEL']],
    ['cc @amir.patel for the figures', ['U0PATEL']],
    ['thanks Lisa — that is really helpful', ['U0HUGHES']],
    ['That is great, thank you Lisa for the quick turnaround.', ['U0HUGHES']],
    ['Cllr Webb, the figures are attached.', ['U0WEBB']],
    ['Councillor Webb: the figures are attached.', ['U0WEBB']],
    ['Could you send me the figures by Friday, Amir?', ['U0PATEL']],
    ['Amir, could you check this? Lisa, please sign it off.', ['U0PATEL', 'U0HUGHES']],
  ])('%s', (text, expected) => {
    expect(to(text).sort()).toEqual([...expected].sort());
  });

  it.each([
    'Mark the date in your diaries, everyone.',
    "Amir's report is excellent.",
    'I spoke to Amir about it yesterday and he agreed.',
    'The Lisa Hughes review is out.',
  ])('"%s" names nobody, so it is to the channel', (text) => {
    expect(to(text)).toEqual(everyoneElse);
  });

  it('adds the people named to the @mentions, once each, never the author', () => {
    expect(to('<@U0HUGHES> thanks. Amir, please look too. Daniel, note this.', { mentions: ['U0HUGHES', 'U0OKAFOR'] })).toEqual(['U0HUGHES', 'U0PATEL']);
  });

  it('a name is someone in the channel first, else someone in the directory', () => {
    const withoutAmir = PLANNING.filter((id) => id !== 'U0PATEL');
    expect(to('Amir, I want you to send me the planning figures tonight.', { members: withoutAmir })).toEqual(['U0PATEL']);
    expect(to('Kasia, please send the figures.')).toEqual(['U0NOWAK']);
  });

  it('without the member list (Slack would not give it) names and mentions still count', () => {
    expect(to('Amir, I want you to send me the planning figures tonight.', { members: null })).toEqual(['U0PATEL']);
    expect(to('Thanks all, see you on Tuesday.', { members: null })).toEqual([]);
  });

  it('in a DM only the @mentions count', () => {
    expect(to('Amir, I want you to send me the figures.', { direct: true })).toEqual([]);
    expect(to('<@U0PATEL> send me the figures.', { direct: true, mentions: ['U0PATEL'] })).toEqual(['U0PATEL']);
  });

  it('keeps the channel audience to directory people, at most 50', () => {
    const people = Array.from({ length: 80 }, (_, i) => `  - { id: p-${i}, name: Person ${i}, slack: U0P${i}, role: officer, grade: junior }`).join('\n');
    const big = parseCouncil(`council: Big\nprotocol: model\npeople:\n${people}\n`);
    const members = [...Array.from({ length: 80 }, (_, i) => `U0P${i}`), 'U0OUTSIDER'];
    const audience = addressees({ text: 'Morning all.', author: 'U0P0', mentions: [], direct: false, council: big, members });
    expect(audience).toHaveLength(MAX_ADDRESSEES);
    expect(audience).not.toContain('U0P0');
    expect(audience).not.toContain('U0OUTSIDER');
  });

  it('matches names as words: "Amiria," is not Amir', () => {
    expect(addressedByName('Amiria, could you help?', { name: 'Amir Patel' })).toBe(false);
    expect(addressedByName('@amirpatel could you help?', { name: 'Amir Patel' })).toBe(true);
    expect(addressedByName('email@amir.example', { name: 'Amir Patel' })).toBe(false);
  });
});
