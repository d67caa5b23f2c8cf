import type { z } from 'zod';

export declare const DEFAULT_INPUT: string;
export declare const DEFAULT_JUSTIFICATIONS: string;
export declare const Justification: z.ZodType<{
  check: string;
  file: string;
  line: string;
  why: string;
}>;
export declare const JustificationFile: z.ZodType<z.infer<typeof Justification>[]>;
export declare const ScanResult: z.ZodType<ScanResult, unknown>;

export interface Finding {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { name: 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL' };
  manualReview: boolean;
}
export interface ScanResult {
  atomicChecks: number;
  globalChecks: number;
  errors: { file: string; message: string; tolerable: boolean }[];
  issues: Finding[];
}
export interface Verdict {
  findings: { finding: Finding; ok: boolean; why: string }[];
  problems: string[];
  ok: boolean;
}
export declare function judge(args: {
  scan: ScanResult;
  justifications: z.infer<typeof Justification>[];
  sourceLine: (file: string, line: number) => string | undefined;
  inlineDisables?: string[];
}): Verdict;
export declare function findInlineDisables(dir: string): string[];
export declare function scan(input: string): Promise<ScanResult>;
