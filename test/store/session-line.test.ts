/**
 * A stored session in one line, as `tls-tui history` and the dashboard's history
 * list print it: how it ended reads by its symbol, and a session whose client did
 * not verify the server is not shown as a plain "ok".
 */
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../source/protocol/units.js';
import { SESSION_COLUMNS, sessionColumns, sessionHeading, sessionLine } from '../../source/store/session-line.js';
import type { SessionSummary } from '../../source/store/session-store.js';
import type { TranscriptOutcome } from '../../source/store/transcript.js';

function summary(verify: boolean | undefined, outcome?: Partial<TranscriptOutcome>): SessionSummary {
  return {
    id: '20261127-024638123-dashboard-abcdef',
    path: '/store/x.jsonl',
    meta: {
      type: 'meta', id: '20261127-024638123-dashboard-abcdef', version: '0.1.0', kind: 'dashboard', startedAt: '2026-11-27T02:46:38.123Z',
      roles: ['client', 'server'], request: { op: 'GET', name: 'hello.txt' }, mode: 'off', ...(verify === undefined ? {} : { verify }),
    },
    ...(outcome ? { outcome: { type: 'outcome', ok: true, durationMs: 35, bytes: 254, omitted: {}, streams: {}, ...outcome } } : {}),
    complete: outcome !== undefined,
  };
}

describe('sessionLine', () => {
  it('ends a verified session with ✔ ok, a failed one with ✘ and its reason, an unfinished one as incomplete', () => {
    expect(sessionLine(summary(true, {}))).toMatch(/ ✔ ok$/);
    expect(sessionLine(summary(undefined, {}))).toMatch(/ ✔ ok$/);
    expect(sessionLine(summary(true, { ok: false, reason: 'unknown_ca: not trusted' }))).toMatch(/ ✘ unknown_ca: not trusted$/);
    // With no reason of its own, the alert says why.
    expect(sessionLine(summary(true, { ok: false, alert: { level: 'fatal', description: 48, reason: 'not trusted' } }))).toMatch(/ ✘ unknown_ca: not trusted$/);
    expect(sessionLine(summary(true))).toMatch(/ incomplete$/);
  });

  it('says when an unverified client took an attacker\'s content', () => {
    const base = summary(false, {});
    const attacked: SessionSummary = { ...base, meta: { ...base.meta, mode: 'rogue-ca' } };
    expect(sessionLine(attacked)).toMatch(/ ⚠ attacker's content accepted \(NOT verified\)$/);
  });

  it('warns when the client accepted the response without verifying the server', () => {
    expect(sessionLine(summary(false, {}))).toMatch(/ ⚠ ok, server NOT verified$/);
    expect(sessionLine(summary(false, { ok: false, reason: 'stopped' }))).toMatch(/ ✘ stopped$/);
    expect(sessionLine(summary(true, { ok: false, reason: 'stopped: bad_certificate: forged' }))).toMatch(/ {2}✘ bad_certificate: forged$/);
  });
});

describe('the request column', () => {
  const asking = (name: string): SessionSummary => {
    const base = summary(true, {});
    return { ...base, meta: { ...base.meta, request: { op: 'GET', name } } };
  };

  it('quotes a name whose spaces at either end would not show, and escapes what a terminal would obey', () => {
    expect(sessionLine(asking('hello.txt ')).split(/ {2,}/)[2]).toBe('GET "hello.txt "');
    // A server's transcript keeps the name a client sent, which may carry an escape sequence.
    const line = sessionLine(asking('\u001b[2Jx'));
    expect(line).not.toContain('\u001b');
    expect(line).toContain('GET "\\u001b[2Jx"');
  });
});

describe('a relay session', () => {
  const relay = (mode: string, outcome: Partial<TranscriptOutcome>): SessionSummary => {
    const base = summary(undefined, outcome);
    return { ...base, meta: { ...base.meta, kind: 'relay', roles: ['attacker'], mode } };
  };

  it('says what the attack came to: caught, fallen for, or nothing (with the attacker off)', () => {
    expect(sessionLine(relay('rogue-ca', { ok: false, reason: 'caught: the client sent unknown_ca: x' }))).toMatch(/ ✘ caught: the client sent unknown_ca: x$/);
    expect(sessionLine(relay('rogue-ca', { ok: true, reason: "the client accepted the attacker's content as the server's" }))).toMatch(/ ⚠ the client accepted the attacker's content as the server's$/);
    expect(sessionLine(relay('off', { ok: true, reason: 'relayed untouched' }))).toMatch(/ ok$/);
  });
});

describe('sessionColumns', () => {
  it('keeps every column where the outcome has room, and leaves some out, least telling first, as the width shrinks', () => {
    expect(sessionColumns()).toBe(SESSION_COLUMNS);
    expect(sessionHeading(sessionColumns(200))).toMatch(/^started \(UTC\) +program +request +attacker +duration +size +outcome$/);
    const at78 = sessionColumns(78);
    expect(sessionHeading(at78)).toMatch(/^started \(UTC\) +request +attacker +duration +outcome$/);
    const line = sessionLine(summary(false, {}), at78);
    // The outcome starts where at least 16 of the 78 columns are left for it.
    expect(line.indexOf('⚠')).toBeLessThanOrEqual(78 - 16);
    expect(line).toMatch(/^11-27 02:46:38 {2}GET hello\.txt +off +35 ms {2}⚠ ok, server NOT verified$/);
    expect(sessionHeading(sessionColumns(40))).not.toContain('attacker');
  });
});

describe('columns in terminal cells', () => {
  it('keeps every column under its heading when a name is in wide characters, cut or not', () => {
    const named = (name: string): SessionSummary => {
      const base = summary(true, {});
      return { ...base, meta: { ...base.meta, request: { op: 'GET', name } } };
    };
    const heading = sessionHeading();
    const attackerAt = stringWidth(heading.slice(0, heading.indexOf('attacker')));
    for (const name of ['hello.txt', 'résumé 文件.txt', '文件文件文件文件文件文件.txt', 'ａ'.repeat(30)]) {
      const line = sessionLine(named(name));
      expect(stringWidth(line.slice(0, line.indexOf('off  '))), name).toBe(attackerAt);
    }
  });
});

describe('durations', () => {
  it('read as a person reads them: ms under a second, seconds with a tenth under ten, minutes beyond', () => {
    expect([35, 999, 1_000, 1_234, 9_950, 12_400, 59_400, 75_000, 3_600_000].map(formatDuration)).toEqual(['35 ms', '999 ms', '1.0 s', '1.2 s', '9.9 s', '12 s', '59 s', '1m 15s', '60m 00s']);
  });

  it('stand in the history formatted, not as raw milliseconds', () => {
    expect(sessionLine(summary(true, { durationMs: 1_605 }))).toMatch(/ {2}1\.6 s {2}/);
    expect(sessionLine(summary(true, { durationMs: 35 }))).toMatch(/ {2}35 ms {2}/);
  });
});
