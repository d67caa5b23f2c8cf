/**
 * The bounds of a numeric setting, read from the shared settings schema so that a number
 * input offers exactly what the host will accept.
 */
import { z } from 'zod';
import { Settings } from '../../../../shared/settings';

function at(path: string): z.ZodType {
  let schema: z.ZodType = Settings;
  for (const key of path.split('.')) {
    while (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) {
      schema = schema.unwrap() as z.ZodType;
    }
    if (!(schema instanceof z.ZodObject)) throw new Error(`no setting ${path}`);
    schema = (schema.shape as Record<string, z.ZodType>)[key]!;
  }
  while (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) {
    schema = schema.unwrap() as z.ZodType;
  }
  return schema;
}

/**
 * `min` and `max` of the setting at `path` ("scan.cooldownMs"), in the unit the input shows:
 * `per` is how many of the stored unit make one shown (1000 for ms shown as seconds, 0.01 for
 * a fraction shown as a percentage).
 */
export function settingLimits(path: string, per = 1): { min: number; max: number } {
  const schema = at(path);
  if (!(schema instanceof z.ZodNumber) || schema.minValue === null || schema.maxValue === null) {
    throw new Error(`setting ${path} is not a bounded number`);
  }
  return { min: schema.minValue / per, max: schema.maxValue / per };
}
