/**
 * Turns a request body into typed input, or into the errcode the platform would answer.
 * The mapping is the sandbox's documented choice where the reference is silent:
 *   not a JSON object / wrong type 47001, required field missing 41011 (card_id 41012,
 *   openid 41009), string longer than the reference's string(N) 45021.
 * string(N) limits are counted in UTF-8 bytes: the reference's "string(48)" for notice is
 * "16 Chinese characters", i.e. 48 bytes.
 */
import { z } from 'zod';
import { WxError, type Errcode } from './errcodes';

const MISSING_ERRCODE: Record<string, Errcode> = { card_id: 41012, openid: 41009 };

/** A string of at most maxBytes UTF-8 bytes, reported as 45021 when longer. */
export function str(maxBytes: number) {
  return z.string().refine((s) => Buffer.byteLength(s, 'utf8') <= maxBytes, {
    message: `longer than ${maxBytes} bytes`,
    params: { overlong: maxBytes },
  });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = body;
  for (const key of path) {
    if (!isPlainObject(v) && !Array.isArray(v)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** The WxError for the first problem zod found in `body`. */
export function errorFromIssues(body: unknown, issues: readonly z.core.$ZodIssue[]): WxError {
  const issue = issues[0];
  if (!issue) return new WxError(47001);
  const path = issue.path.map(String).join('.');
  if (valueAt(body, issue.path) === undefined) {
    const field = String(issue.path[issue.path.length - 1] ?? '');
    return new WxError(MISSING_ERRCODE[field] ?? 41011, `${path || field} missing`);
  }
  if (issue.code === 'custom' && isPlainObject(issue.params) && 'overlong' in issue.params) {
    return new WxError(45021, `${path} ${issue.message}`);
  }
  return new WxError(47001, `${path}: ${issue.message}`);
}

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  if (!isPlainObject(body)) throw new WxError(47001, 'body must be a JSON object');
  const result = schema.safeParse(body);
  if (!result.success) throw errorFromIssues(body, result.error.issues);
  return result.data;
}
