/**
 * The certificate parser and verifier under fuzzing (PROTOCOL.md section 3). They are given
 * any bytes up to 20 KB, real certificates of the test PKI with their lines replaced,
 * dropped, doubled, swapped or given other line endings, and real certificates with their
 * bytes mutated. Parsing either succeeds or throws the project's CertificateError with
 * decode_error, never another error; what parses is exactly its input, the to-be-signed
 * part followed by one canonical signature line. Verifying throws only CertificateError,
 * with one of the alerts of the checks' table; and a changed certificate never verifies:
 * whatever the change, it is caught (decode_error, unknown_ca, bad_certificate or
 * certificate_expired), while the genuine certificate verifies.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Certificate, CertificateError, parseCertificate, verifyCertificate } from '../../source/crypto/certificate.js';
import { anyBytes, CI_PARSER_RUNS, fuzzParameters, fuzzRuns, fuzzTimeout } from '../support/fuzz.js';
import { NOW, type TestPki, testPki } from '../support/identities.js';
import { mutate, mutations } from '../support/message-arbitraries.js';

const VERIFY_ALERTS = ['decode_error', 'unknown_ca', 'bad_certificate', 'certificate_expired'];

let pki: TestPki;
let genuine: Certificate[];

beforeAll(async () => {
  pki = await testPki();
  genuine = [pki.server.certificate, pki.client.certificate, pki.ca.certificate, pki.rogueCa.certificate];
}, 60_000);

type LineEdit =
  | { readonly kind: 'replace'; readonly line: number; readonly text: string }
  | { readonly kind: 'value'; readonly line: number; readonly text: string }
  | { readonly kind: 'drop' | 'double'; readonly line: number }
  | { readonly kind: 'swap'; readonly line: number; readonly other: number }
  | { readonly kind: 'ending'; readonly ending: string }
  | { readonly kind: 'space'; readonly line: number; readonly where: 'before' | 'after' };

const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('', ' ', 'server', 'client', 'ca', 'tls-tui Demo CA', '2026-11-26T16:00:00Z', 'AAAA', '=', '\u0000'));
const lineEdit: fc.Arbitrary<LineEdit> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), line: fc.nat(9), text }),
  fc.record({ kind: fc.constant('value' as const), line: fc.nat(9), text }),
  fc.record({ kind: fc.constantFrom('drop' as const, 'double' as const), line: fc.nat(9) }),
  fc.record({ kind: fc.constant('swap' as const), line: fc.nat(9), other: fc.nat(9) }),
  fc.record({ kind: fc.constant('ending' as const), ending: fc.constantFrom('\r\n', '\r', '', '\n\n') }),
  fc.record({ kind: fc.constant('space' as const), line: fc.nat(9), where: fc.constantFrom('before' as const, 'after' as const) }),
);

function editLines(bytes: Uint8Array, edits: readonly LineEdit[]): Uint8Array {
  let lines = Buffer.from(bytes).toString('utf8').split('\n').slice(0, -1);
  let ending = '\n';
  for (const edit of edits) {
    const at = 'line' in edit ? edit.line % Math.max(1, lines.length) : 0;
    switch (edit.kind) {
      case 'replace':
        lines[at] = edit.text;
        break;
      case 'value': {
        const line = lines[at] ?? '';
        const colon = line.indexOf(': ');
        lines[at] = colon < 0 ? edit.text : `${line.slice(0, colon + 2)}${edit.text}`;
        break;
      }
      case 'drop':
        lines = lines.filter((_, index) => index !== at);
        break;
      case 'double':
        lines.splice(at, 0, lines[at] ?? '');
        break;
      case 'swap': {
        const other = edit.other % Math.max(1, lines.length);
        [lines[at], lines[other]] = [lines[other] ?? '', lines[at] ?? ''];
        break;
      }
      case 'ending':
        ending = edit.ending;
        break;
      case 'space':
        lines[at] = edit.where === 'before' ? ` ${lines[at] ?? ''}` : `${lines[at] ?? ''} `;
        break;
    }
  }
  return new Uint8Array(Buffer.from(lines.map((line) => `${line}${ending}`).join(''), 'utf8'));
}

/** Which genuine certificate, and how it is changed. */
const changedCertificate = fc.record({
  which: fc.nat(3),
  change: fc.oneof(
    fc.array(lineEdit, { minLength: 1, maxLength: 3 }).map((edits) => ({ kind: 'lines' as const, edits })),
    mutations.map((changes) => ({ kind: 'bytes' as const, changes })),
  ),
});

function changed(which: number, change: { kind: 'lines'; edits: readonly LineEdit[] } | { kind: 'bytes'; changes: Parameters<typeof mutate>[1] }): { original: Certificate; bytes: Uint8Array } {
  const original = genuine[which]!;
  const bytes = change.kind === 'lines' ? editLines(original.bytes, change.edits) : mutate(original.bytes, change.changes);
  return { original, bytes };
}

/** Parses; anything thrown but a CertificateError with decode_error fails the property. */
function parsed(bytes: Uint8Array): Certificate | undefined {
  try {
    return parseCertificate(bytes);
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error;
    expect(error.alert).toBe('decode_error');
    expect(error.message).toMatch(/^certificate does not parse: /);
    return undefined;
  }
}

function expectCanonical(certificate: Certificate, bytes: Uint8Array): void {
  expect(Buffer.from(certificate.bytes).equals(bytes)).toBe(true);
  const signatureLine = Buffer.from(`signature: ${Buffer.from(certificate.signature).toString('base64')}\n`);
  expect(Buffer.concat([certificate.tbs, signatureLine]).equals(bytes)).toBe(true);
}

/** The verifier's refusal, or undefined when it accepts; anything but a CertificateError fails. */
function verifyRefusal(bytes: Uint8Array, role: 'server' | 'client', subject?: string): string | undefined {
  try {
    verifyCertificate(bytes, { trustedCa: pki.ca.certificate, now: NOW, expectedRole: role, ...(subject ? { expectedSubject: subject } : {}) });
    return undefined;
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error;
    return error.alert;
  }
}

const tally = { parsed: 0, verifiedAlerts: new Set<string>() };

describe('parseCertificate, fuzzed', () => {
  it(`parses exactly its input or refuses with decode_error, on any bytes up to 20 KB (${fuzzRuns(CI_PARSER_RUNS)} inputs)`, () => {
    fc.assert(
      fc.property(anyBytes(), (bytes) => {
        const certificate = parsed(bytes);
        if (certificate !== undefined) expectCanonical(certificate, bytes);
        const refusal = verifyRefusal(bytes, 'server');
        expect(refusal).toBeDefined();
        expect(VERIFY_ALERTS).toContain(refusal);
      }),
      fuzzParameters(CI_PARSER_RUNS),
    );
  }, fuzzTimeout(10_000));

  it(`parses exactly its input or refuses with decode_error, on changed genuine certificates (${fuzzRuns(CI_PARSER_RUNS)} inputs)`, () => {
    fc.assert(
      fc.property(changedCertificate, ({ which, change }) => {
        const { bytes } = changed(which, change);
        const certificate = parsed(bytes);
        if (certificate === undefined) return;
        tally.parsed += 1;
        expectCanonical(certificate, bytes);
      }),
      fuzzParameters(CI_PARSER_RUNS),
    );
    expect(tally.parsed).toBeGreaterThan(100);
  }, fuzzTimeout(10_000));
});

describe('verifyCertificate, fuzzed', () => {
  it('verifies the genuine server and client certificates (the property below is not vacuous)', () => {
    expect(verifyRefusal(pki.server.certificate.bytes, 'server', 'server')).toBeUndefined();
    expect(verifyRefusal(pki.client.certificate.bytes, 'client')).toBeUndefined();
  });

  it(`never accepts a changed certificate, and refuses only with an alert of the table (${fuzzRuns(CI_PARSER_RUNS)} inputs)`, () => {
    fc.assert(
      fc.property(changedCertificate, ({ which, change }) => {
        const { original, bytes } = changed(which, change);
        const role = original.role === 'client' ? 'client' : 'server';
        const refusal = verifyRefusal(bytes, role);
        if (Buffer.from(bytes).equals(original.bytes)) return;
        expect(refusal).toBeDefined();
        expect(VERIFY_ALERTS).toContain(refusal);
        tally.verifiedAlerts.add(refusal!);
      }),
      fuzzParameters(CI_PARSER_RUNS),
    );
    for (const alert of ['bad_certificate', 'decode_error', 'unknown_ca']) expect(tally.verifiedAlerts).toContain(alert);
  }, fuzzTimeout(15_000));
});
