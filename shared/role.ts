/** Who may call an operation. Each role includes the ones before it. */
import { z } from 'zod';

export const Role = z.enum(['cashier', 'supervisor', 'manager']);
export type Role = z.infer<typeof Role>;
