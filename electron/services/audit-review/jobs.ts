/** What the review's background jobs (export, verify) share. */
import { randomBytes } from 'node:crypto';

/** How long finished exports and verifies stay visible to status calls. */
const KEEP_MS = 30 * 60_000;

export const newId = () => randomBytes(12).toString('base64url');

/** Drops the jobs that finished longer than KEEP_MS ago. */
export function forget<T extends { finishedAt?: number }>(jobs: Map<string, T>, now: number) {
  for (const [id, job] of jobs) {
    if (job.finishedAt !== undefined && now - job.finishedAt > KEEP_MS) jobs.delete(id);
  }
}
