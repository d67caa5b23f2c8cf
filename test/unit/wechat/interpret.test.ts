/**
 * interpret()'s shortcut for the common answer (errcode 0 or none): it must skip Envelope only
 * where Envelope would have passed with errcode 0, so every other answer is read as before.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpret, isPlainSuccess } from '../../../electron/wechat/interpret';
import { CodeGetResponse, Envelope } from '../../../shared/wechat';

const valid = {
  card: { card_id: 'pFS7Fjg8kV1IdDz01r4SQwMkuCKc' },
  openid: 'oFS7Fjl0WsZ9AMZqrI80nbIq8xrA',
  can_consume: true,
  user_card_status: 'NORMAL',
};

const ctx = {
  call: 'card/code/get' as const,
  kind: 'read' as const,
  schema: CodeGetResponse,
  totalMs: 8000,
  secrets: ['TOKEN'],
  usesToken: true,
};
const answer = (body: unknown, status = 200) =>
  interpret(ctx, { type: 'response', status, text: JSON.stringify(body) });

/** Answers shaped like WeChat's, with errcode and errmsg of every type. */
const envelopes = fc.record(
  {
    errcode: fc.oneof(
      fc.constant(0),
      fc.integer(),
      fc.double(),
      fc.string(),
      fc.constant(null),
      fc.boolean(),
    ),
    errmsg: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.string())),
    card: fc.constant(valid.card),
  },
  { requiredKeys: [] },
);

describe('interpret', () => {
  it('takes the shortcut only where Envelope passes with errcode 0', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), envelopes), (json) => {
        if (!isPlainSuccess(json)) return;
        const envelope = Envelope.safeParse(json);
        expect(envelope.success).toBe(true);
        // === 0, not Object.is: JSON.parse reads "-0" as -0, and WeChat's 0 it is (fast-check
        // found {"errcode": -0}; both readers take it as success).
        expect((envelope.data?.errcode ?? 0) === 0).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the common answer, and every other kind as before', () => {
    expect(answer(valid)).toMatchObject({ type: 'ok', value: valid });
    const minusZero = `{"errcode":-0,${JSON.stringify(valid).slice(1)}`;
    expect(interpret(ctx, { type: 'response', status: 200, text: minusZero })).toMatchObject({
      type: 'ok',
    });
    expect(answer({ errcode: 0, errmsg: 'ok', ...valid })).toMatchObject({ type: 'ok' });
    // A malformed envelope is malformed, whatever the rest says.
    for (const body of [
      { errcode: 0, errmsg: 5, ...valid },
      { errcode: 0.5, ...valid },
      { errcode: '0', ...valid },
      [valid],
      null,
    ]) {
      expect(answer(body)).toMatchObject({
        type: 'final',
        error: { key: 'wechat.malformed_response' },
      });
    }
    expect(answer({ errcode: 40056, errmsg: 'invalid serial code' })).toMatchObject({
      type: 'final',
      error: { errcode: 40056 },
    });
    expect(answer({ errcode: 40001, errmsg: 'invalid credential TOKEN' })).toMatchObject({
      type: 'token_rejected',
    });
    expect(answer({ errcode: -1, errmsg: 'system busy' })).toMatchObject({ type: 'transient' });
    // errcode 0 on a 4xx is still the proxy's refusal, not an answer.
    expect(answer(valid, 404)).toMatchObject({
      type: 'final',
      error: { key: 'wechat.http_status' },
    });
    expect(answer({ errcode: 0 })).toMatchObject({
      type: 'final',
      error: { key: 'wechat.malformed_response' },
    });
  });
});
