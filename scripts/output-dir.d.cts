/** Types of scripts/output-dir.cjs: the one output-directory rule (--output, CDKTF_OUTDIR, cdktf.json, cdktf.out). */
export interface OutputDirectory {
  /** Absolute path of the output directory. */
  readonly dir: string;
  /** What decided it: "--output", "CDKTF_OUTDIR", 'cdktf.json "output"' or "the default". */
  readonly source: string;
}

export function outputDirectory(from?: {
  argv?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}): OutputDirectory;

export function withoutOutputFlag(argv: readonly string[]): string[];
