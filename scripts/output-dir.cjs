// Where synthesized output lives, decided in one place for every program that reads or writes it
// (the CDKTF app, scripts/stack-order.mjs, scripts/tidy-hcl.mjs, npm run synth:hcl, the operator
// command): the --output flag (--outdir, -o: the same), else $CDKTF_OUTDIR, else cdktf.json's "output"
// (the cdktf CLI's own default), else cdktf.out; a relative directory is taken from the project
// directory. CommonJS so the .mjs scripts and the TypeScript programs (and jest) can all load it.
const { existsSync, readFileSync } = require("node:fs");
const path = require("node:path");

const FLAGS = ["--output", "--outdir", "-o"];

/** The value of the output flag in argv, if any (`--output dir` or `--output=dir`). */
function outputFlag(argv) {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const inline = FLAGS.find((f) => arg.startsWith(`${f}=`));
    if (inline) return arg.slice(inline.length + 1);
    if (!FLAGS.includes(arg)) continue;
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("-")) throw new Error(`${arg} needs a directory`);
    return value;
  }
  return undefined;
}

/** cdktf.json's "output" in the project directory, when it names one. */
function cdktfJsonOutput(cwd) {
  const file = path.join(cwd, "cdktf.json");
  if (!existsSync(file)) return undefined;
  const output = JSON.parse(readFileSync(file, "utf8")).output;
  return typeof output === "string" && output !== "" ? output : undefined;
}

/**
 * The output directory, absolute, and what decided it (for messages).
 * @param {{ argv?: readonly string[], env?: Record<string, string | undefined>, cwd?: string }} [from]
 */
function outputDirectory(from = {}) {
  const cwd = from.cwd ?? process.cwd();
  const env = from.env ?? process.env;
  const flag = outputFlag(from.argv ?? []);
  const json = flag === undefined && !env.CDKTF_OUTDIR ? cdktfJsonOutput(cwd) : undefined;
  const [dir, source] =
    flag !== undefined
      ? [flag, "--output"]
      : env.CDKTF_OUTDIR
        ? [env.CDKTF_OUTDIR, "CDKTF_OUTDIR"]
        : json
          ? [json, 'cdktf.json "output"']
          : ["cdktf.out", "the default"];
  return { dir: path.resolve(cwd, dir), source };
}

/** argv without the output flag and its value, for a program that passes the rest on. */
function withoutOutputFlag(argv) {
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    if (FLAGS.includes(argv[i])) i++;
    else if (!FLAGS.some((f) => argv[i].startsWith(`${f}=`))) rest.push(argv[i]);
  }
  return rest;
}

module.exports = { outputDirectory, withoutOutputFlag };
