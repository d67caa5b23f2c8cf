/**
 * readEnvelope(): the renderer's reading of a host's answer. A success skips zod; every answer
 * must still read exactly as EnvelopeSchema alone reads it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopeSchema, readEnvelope, type Envelope } from '../../../shared/contract-kit';

const INTERNAL: Envelope<unknown> = {
  ok: false,
  error: { kind: 'internal', key: 'errors.internal', params: {} },
};

/** EnvelopeSchema alone, as the transports read answers before. */
function bySchema(raw: unknown): Envelope<unknown> {
  const parsed = EnvelopeSchema.safeParse(raw);
  return parsed.success ? (parsed.data as Envelope<unknown>) : INTERNAL;
}

/** Answers shaped like envelopes, right and wrong. */
const envelopes = fc.record(
  {
    ok: fc.oneof(fc.boolean(), fc.constant('true'), fc.constant(1), fc.constant(null)),
    value: fc.jsonValue(),
    error: fc.oneof(
      fc.record({
        kind: fc.constantFrom('internal', 'invalid_input', 'unavailable', 'nonsense'),
        key: fc.string(),
        params: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())),
      }),
      fc.jsonValue(),
    ),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe('readEnvelope', () => {
  it('reads every answer as EnvelopeSchema does', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), envelopes), (raw) => {
        const json: unknown = JSON.parse(JSON.stringify(raw ?? null));
        const read = readEnvelope(json);
        const expected = bySchema(json);
        expect(read.ok).toBe(expected.ok);
        if (read.ok && expected.ok) expect(read.value).toStrictEqual(expected.value);
        else expect(read).toStrictEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('passes a success on as it came, and turns anything unreadable into an internal error', () => {
    expect(readEnvelope({ ok: true, value: { kind: 'redeemable' } })).toStrictEqual({
      ok: true,
      value: { kind: 'redeemable' },
    });
    for (const raw of [undefined, null, 'ok', [], { ok: 'true', value: 1 }, { ok: false }]) {
      expect(readEnvelope(raw)).toStrictEqual(INTERNAL);
    }
  });
});
