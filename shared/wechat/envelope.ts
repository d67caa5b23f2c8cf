import { z } from 'zod';

/**
 * The part every WeChat answer may have. Success answers of most calls say errcode 0; the
 * datacube and token calls leave it out. Anything non-zero is a refusal.
 */
export const Envelope = z.looseObject({
  errcode: z.number().int().optional(),
  errmsg: z.string().optional(),
});
export type Envelope = z.infer<typeof Envelope>;
