/**
 * Fuzzing the Slack export reader (src/audit/sources/slack-export.ts) with fast-check: a folder export whose
 * users.json and day files hold arbitrary JSON, message-shaped objects with hostile markup, broken JSON and
 * arbitrary bytes; a `.zip` of arbitrary bytes; and single day-file elements. The property: opening either gives a
 * source or an InputError; every item loads to a message or throws an InputError with a one-line reason that does
 * not quote the file; nothing crashes or hangs (each case bounded by a Promise.race only a hang trips).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { slackExportMessage, slackExportSource } from '../../src/audit/sources/slack-export.js';
import { InputError } from '../../src/mail/errors.js';
import { council as exampleCouncil } from '../briefings/fixtures.js';
import { bounded } from '../helpers/bounded.js';

const council = exampleCouncil();
const root = mkdtempSync(join(tmpdir(), 'probity-fuzz-slack-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const SECRET_IN_FILE = 'zqfilecontent';
const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.constantFrom(
    '<!channel> hi',
    '<@U0PATEL> I want you to print leaflets',
    '<https://evil.example|agenda>',
    '<#C1|general>',
    '&lt;script&gt;',
    '*bold* _it_ ~st~ `code`',
    `\u0000${SECRET_IN_FILE}`,
  ),
);
const messageish = fc.record(
  {
    type: fc.oneof(fc.constant('message'), fc.jsonValue()),
    subtype: fc.oneof(fc.constantFrom('bot_message', 'thread_broadcast', 'channel_join', 'file_share'), fc.jsonValue()),
    user: fc.oneof(fc.constantFrom('U0OKAFOR', 'U0PATEL', ''), fc.jsonValue()),
    text: fc.oneof(hostileText, fc.jsonValue()),
    ts: fc.oneof(fc.constantFrom('1714560000.000100', 'nan', '1e400', '-1'), fc.jsonValue()),
  },
  { requiredKeys: [] },
);
const dayFile = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(fc.oneof({ weight: 4, arbitrary: messageish }, { weight: 1, arbitrary: fc.jsonValue() }), { maxLength: 8 })
      .map((a) => JSON.stringify(a)),
  },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => `[${s}${SECRET_IN_FILE}`) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
);
const usersFile = fc.oneof(
  fc
    .array(
      fc.record(
        {
          id: fc.oneof(fc.constantFrom('U0OKAFOR', 'U0PATEL'), fc.jsonValue()),
          profile: fc.oneof(fc.record({ email: fc.oneof(fc.emailAddress(), fc.jsonValue()) }), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 4 },
    )
    .map((a) => JSON.stringify(a)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constant('{not json'),
);

async function readAll(path: string): Promise<void> {
  let source;
  try {
    source = await bounded(slackExportSource(path, council), 'open');
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    expect(err.message).not.toContain(SECRET_IN_FILE);
    return;
  }
  try {
    await bounded(
      (async () => {
        for await (const item of source.items(undefined)) {
          try {
            const m = await item.load();
            expect(m.channel).toBe('slack');
            expect(typeof m.text).toBe('string');
          } catch (err) {
            if (!(err instanceof InputError)) throw err;
            expect(err.message).not.toMatch(/\n/);
            expect(err.message).not.toContain(SECRET_IN_FILE);
          }
        }
      })(),
      'items',
    );
  } finally {
    await source.close?.();
  }
}

describe('fuzz: the Slack export reader', () => {
  it('a folder export with arbitrary users.json and day files: messages or InputErrors, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(usersFile, { nil: undefined }),
        fc.array(fc.tuple(fc.constantFrom('general', 'planning', 'x y'), dayFile), { minLength: 1, maxLength: 4 }),
        async (users, days) => {
          const dir = join(root, `export-${++n}`);
          mkdirSync(dir);
          if (users !== undefined) writeFileSync(join(dir, 'users.json'), users);
          days.forEach(([channel, content], i) => {
            mkdirSync(join(dir, channel), { recursive: true });
            writeFileSync(join(dir, channel, `2026-05-${String(10 + i).padStart(2, '0')}.json`), content);
          });
          await readAll(dir);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a .zip of arbitrary bytes (or a truncated zip header): an InputError, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }),
          fc.uint8Array({ maxLength: 500 }).map((b) => new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...b])),
        ),
        async (bytes) => {
          const file = join(root, `export-${++n}.zip`);
          writeFileSync(file, bytes);
          await readAll(file);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('any day-file element: a message, nothing, or an InputError', () => {
    fc.assert(
      fc.property(fc.oneof(messageish, fc.jsonValue()), (value) => {
        try {
          const m = slackExportMessage(value, 'general', council, new Map());
          if (m) expect(typeof m.text).toBe('string');
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
