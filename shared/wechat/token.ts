import { z } from 'zod';

/**
 * What /cgi-bin/token, /cgi-bin/stable_token and a merchant's token service answer.
 * expires_in is in seconds from now.
 */
export const TokenResponse = z.looseObject({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
});
export type TokenResponse = z.infer<typeof TokenResponse>;
