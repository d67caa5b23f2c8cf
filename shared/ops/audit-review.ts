/** Contract operations of the audit review screens (issue 10). */
export const auditReviewOps = {};
