/**
 * The one contract: every operation the renderer may ask the host for, with its input schema,
 * result schema and the role it needs. The preload, the Electron binding, the browser host
 * and the renderer's client are all derived from this map. It only combines the areas: adding
 * an operation is a schema in shared/ops/<area>.ts, a handler in electron/services/<area>/, and
 * a screen.
 */
import { accountOps } from './ops/account';
import { auditReviewOps } from './ops/audit-review';
import { backOfficeOps } from './ops/back-office';
import { counterOps } from './ops/counter';
import { refundOps } from './ops/refunds';
import { shippingOps } from './ops/shipping';
import { trainingOps } from './ops/training';

/** Each area declares its operations in its own module under shared/ops/. */
export const contract = {
  ...accountOps,
  ...counterOps,
  ...refundOps,
  ...auditReviewOps,
  ...backOfficeOps,
  ...shippingOps,
  ...trainingOps,
};

export type Contract = typeof contract;
export type OpName = keyof Contract;
export const opNames = Object.keys(contract) as OpName[];
