// The boundaries between the project's programs, checked in `npm test` (npm run boundaries):
// core is pure and shared; aws/ holds the SDK helpers the functions (and the operator command) share;
// the functions and the cost tool never load cdktf or the stacks; the stacks never import the
// functions' or the SDK helpers' code (they deploy the built zip); nothing imports in a cycle.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "core-is-pure",
      comment: "core/ holds rules and names every program shares: it imports nothing but core/ and Node built-ins.",
      severity: "error",
      from: { path: "^core/" },
      to: { pathNot: ["^core/", "^node:"], dependencyTypesNot: ["core"] },
    },
    {
      name: "functions-without-cdktf",
      comment: "The Lambda functions are bundled alone: no cdktf, no provider bindings, no stacks, no config.",
      severity: "error",
      from: { path: "^(functions|aws)/" },
      to: { path: ["^stacks/", "^config/", "^cost/", "node_modules/(cdktf|@cdktf|constructs)/"] },
    },
    {
      name: "aws-helpers-serve-functions",
      comment: "aws/ is shared by the functions and the operator command: it never imports one of them.",
      severity: "error",
      from: { path: "^aws/" },
      to: { path: "^functions/" },
    },
    {
      name: "cost-without-cdktf",
      comment: "The cost tool reads the configuration, never the stacks or cdktf.",
      severity: "error",
      from: { path: "^cost/" },
      to: { path: ["^stacks/", "^functions/", "^aws/", "node_modules/(cdktf|@cdktf|constructs)/"] },
    },
    {
      name: "cli-without-cdktf",
      comment: "The operator command shares core, aws and config; it never loads cdktf, the stacks or a function.",
      severity: "error",
      from: { path: "^cli/" },
      to: { path: ["^stacks/", "^functions/", "node_modules/(cdktf|@cdktf|constructs)/"] },
    },
    {
      name: "stacks-deploy-not-import-functions",
      comment: "Stacks deploy the functions' built zip; importing their code would load the AWS SDK into synth.",
      severity: "error",
      from: { path: "^stacks/" },
      to: { path: "^(functions|aws)/" },
    },
    {
      name: "config-without-cdktf",
      comment: "Validation runs before any construct exists, and the cost tool and operator command reuse it.",
      severity: "error",
      from: { path: "^config/" },
      to: { path: ["^stacks/", "^functions/", "^aws/", "node_modules/(cdktf|@cdktf|constructs)/"] },
    },
    {
      name: "policy-generators-pure",
      comment:
        "The policy generators work on the resolved configuration and resource types; only policy/cli.ts synthesizes.",
      severity: "error",
      from: { path: "^policy/", pathNot: "^policy/cli\\.ts$" },
      to: { path: ["^stacks/", "^functions/", "^aws/", "node_modules/(cdktf|@cdktf|constructs)/"] },
    },
    {
      name: "no-cycles",
      severity: "error",
      from: { path: "^(core|config|stacks|functions|aws|cli|cost|policy)/" },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(dist|cdktf.out|node_modules)/" },
  },
};
