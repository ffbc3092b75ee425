/**
 * Fuzzing the audit's readers with fast-check: whatever bytes an mbox holds and whatever JSON a Slack export day
 * holds, the audit ends, accounts for every entry as a message or as unreadable, and fails with nothing but a
 * one-line InputError.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymKey } from '../../src/audit/pseudonym.js';
import { runAudit } from '../../src/audit/run.js';
import { mboxEntries, mboxSource } from '../../src/audit/sources/mbox.js';
import { slackExportMessage, slackExportSource } from '../../src/audit/sources/slack-export.js';
import type { AuditSource } from '../../src/audit/types.js';
import type { Linter } from '../../src/lint/engine.js';
import { EXAMPLE_COUNCIL, loadLinter } from '../../src/lint/load.js';
import { InputError } from '../../src/mail/errors.js';
import { exampleCouncil, toEml, examples, variant } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'probity-audit-fuzz-'));
let linter: Linter;
beforeAll(() => {
  linter = loadLinter();
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const audit = (source: AuditSource) =>
  runAudit({
    source,
    linter,
    councilFile: EXAMPLE_COUNCIL,
    statePath: join(tmp, 'state.json'),
    resume: false,
    names: false,
    excerpts: false,
    key: pseudonymKey('k', {}),
  });

/** Pieces an mbox is made of, shuffled into any order: separators, headers, blank lines, junk, real messages. */
const mboxPiece = fc.oneof(
  fc.constant('From someone@example.test Mon May 12 10:00:00 2026\n'),
  fc.constant('\n'),
  fc.constant('\r\n'),
  fc.constant('>From escaped\n'),
  fc.constant('Subject: hello\n'),
  fc.constant(toEml(variant(examples(), 2), exampleCouncil()).replace(/\r\n/g, '\n')),
  fc.string({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

describe('fuzzing the audit readers', () => {
  it('an mbox of anything: every entry is a message or unreadable, and the audit ends', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mboxPiece, { maxLength: 12 }), async (pieces) => {
        const path = join(tmp, `fuzz-${n++}.mbox`);
        writeFileSync(path, Buffer.from(pieces.join(''), 'latin1'));
        let entries = 0;
        for await (const e of mboxEntries(path)) {
          entries++;
          expect(e.end).toBeGreaterThanOrEqual(e.start);
        }
        const result = await audit(await mboxSource(path));
        expect(result.complete).toBe(true);
        expect(result.tally.messages + result.tally.unreadable).toBe(entries);
      }),
      { numRuns: 40 },
    );
  });

  it('a Slack day of any JSON: each element is a message, skipped, or an InputError', () => {
    const council = exampleCouncil();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record(
            { type: fc.constant('message'), user: fc.oneof(fc.string(), fc.constant('U0WEBB')), text: fc.string(), ts: fc.string() },
            { requiredKeys: ['type'] },
          ),
        ),
        (value) => {
          try {
            const message = slackExportMessage(value, 'general', council, new Map());
            if (message) expect(typeof message.text).toBe('string');
          } catch (err) {
            expect(err).toBeInstanceOf(InputError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a Slack export whose day files hold any text: the audit ends and counts bad days as unreadable', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.jsonValue().map((v) => JSON.stringify(v)),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        async (days) => {
          const dir = join(tmp, `slack-${n++}`);
          mkdirSync(join(dir, 'general'), { recursive: true });
          writeFileSync(join(dir, 'users.json'), '[]');
          days.forEach((text, i) => writeFileSync(join(dir, 'general', `2026-05-${String(i + 1).padStart(2, '0')}.json`), text));
          const result = await audit(await slackExportSource(dir, exampleCouncil()));
          expect(result.complete).toBe(true);
          const bad = days.filter((text) => {
            try {
              return !Array.isArray(JSON.parse(text));
            } catch {
              return true;
            }
          }).length;
          expect(result.tally.unreadableReasons['not a valid Slack export day (a JSON array)'] ?? 0).toBe(bad);
        },
      ),
      { numRuns: 30 },
    );
  });
});
