import type { LookupResult } from '../../shared/contract';

/** Placeholder until the WeChat client and the sandbox are wired in (issues 3, 4 and 7). */
export function createLookupService() {
  return {
    async lookup(code: string): Promise<LookupResult> {
      return { code: code.trim(), placeholder: true, status: 'placeholder' };
    },
  };
}
