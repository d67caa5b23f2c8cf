/** The four statistics reports, as named in the address (`#/office?view=stats&report=…`). */
export const REPORTS = ['coupons', 'cards', 'members', 'member'] as const;
export type Report = (typeof REPORTS)[number];

export function parseReport(value: string | null): Report {
  return (REPORTS as readonly (string | null)[]).includes(value) ? (value as Report) : 'coupons';
}
