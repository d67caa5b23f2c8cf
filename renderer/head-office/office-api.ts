/**
 * The head-office page's calls to the collector's /office/api (shared/head-office.ts). The
 * session is an HttpOnly cookie the page never sees; a 401 means "sign in (again)".
 */
import { z } from 'zod';
import {
  AssignmentRow,
  CredentialRow,
  IssuedCredential,
  JournalPage,
  Me,
  Reconciliation,
  SummaryRow,
  TerminalRow,
  UserRow,
  type JournalQuery,
  type OfficeRole,
} from '../../shared/head-office';

const Ok = z.object({ ok: z.literal(true) });

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T extends z.ZodType>(
  schema: T,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<z.infer<T>> {
  const res = await fetch(`/office/api/${path}`, {
    method,
    credentials: 'same-origin',
    headers: body !== undefined ? { 'content-type': 'application/json' } : {},
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
  if (!res.ok) {
    throw new ApiError(res.status, json.error ?? 'error', json.message ?? `HTTP ${res.status}`);
  }
  return schema.parse(json);
}

export function journalParams(q: Partial<JournalQuery>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') p.set(k, String(v));
  return p.toString();
}

export const officeApi = {
  me: () => call(Me, 'GET', 'me'),
  signIn: (name: string, password: string) => call(Me, 'POST', 'session', { name, password }),
  signOut: () => call(Me.partial().passthrough(), 'DELETE', 'session'),
  journal: (q: Partial<JournalQuery>) => call(JournalPage, 'GET', `journal?${journalParams(q)}`),
  summary: (from: string, to: string) =>
    call(SummaryRow.array(), 'GET', `summary?from=${from}&to=${to}`),
  terminals: () => call(TerminalRow.array(), 'GET', 'terminals'),
  reconciliation: (from: string, to: string) =>
    call(Reconciliation, 'GET', `reconciliation?from=${from}&to=${to}`),
  credentials: () => call(CredentialRow.array(), 'GET', 'credentials'),
  issueCredential: (store: string, terminal: string) =>
    call(IssuedCredential, 'POST', 'credentials', { store, terminal }),
  revokeCredential: (id: string) => call(Ok, 'POST', 'credentials/revoke', { id }),
  assignments: () => call(AssignmentRow.array(), 'GET', 'assignments'),
  assign: (installId: string, store: string, terminal: string) =>
    call(Ok, 'POST', 'assignments', { install_id: installId, store, terminal }),
  users: () => call(UserRow.array(), 'GET', 'users'),
  addUser: (name: string, role: OfficeRole, password: string) =>
    call(Me, 'POST', 'users', { name, role, password }),
  disableUser: (name: string) => call(Ok, 'POST', 'users/disable', { name }),
  resetPassword: (name: string, password: string) =>
    call(Ok, 'POST', 'users/password', { name, password }),
};

/** Today in Asia/Shanghai (WeChat's day), shifted by `days`, as YYYY-MM-DD. */
export function shanghaiDay(days = 0, now = Date.now()): string {
  return new Date(now + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}
