/** Contract operations of the manager's back office (issue 11). */
export const backOfficeOps = {};
