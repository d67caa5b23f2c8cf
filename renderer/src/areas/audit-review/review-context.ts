/**
 * What every review view gets from the audit screen: who may see what, where to read the log,
 * and navigation.
 */
import { createContext, useContext } from 'react';
import type { ReviewInfo } from '../../../../shared/ops/audit-review';
import type { ReviewParams, View } from './params';
import type { ReviewSource } from './review-source';

export interface Review {
  info: ReviewInfo;
  /** Where the views read the log from. */
  source: ReviewSource;
  params: ReviewParams;
  /** The current time (refreshed every minute): "today" moves at midnight. */
  now: number;
  /** Changes filters (applied to the location as it is now) and optionally the view. */
  update(patch: Partial<ReviewParams>, view?: View): void;
  /** The address of a view with the current filters (and extra query, e.g. a record id). */
  href(view: View, extra?: Record<string, string>): string;
  /** Operator id -> name, for display. */
  operatorName(id: string | null): string;
}

export const ReviewContext = createContext<Review | null>(null);

export function useReview(): Review {
  const value = useContext(ReviewContext);
  if (!value) throw new Error('useReview outside the audit screen');
  return value;
}
