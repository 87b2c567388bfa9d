// The test layers. Every `__tests__/**/*.test.ts` file is a unit test (`npm run test:unit`, and what Stryker
// runs) unless a rule below names it as part of a slow layer, with the reason: a new test file is a unit
// test by default and cannot silently leave the unit layer. `npm test` runs every layer.
// Each `pattern` is a regular expression on the path under __tests__/ (jest's testPathIgnorePatterns).
const SLOW_LAYERS = [
  { pattern: "terraform/", why: "runs the terraform CLI (init, validate, mock plan) on every stack" },
  { pattern: "(.*/)?[^/]*moto\\.test\\.ts$", why: "starts moto's server (python)" },
  { pattern: "proof/event-pattern\\.test\\.ts$", why: "cross-checks the pattern matcher with moto (python)" },
  { pattern: "proof/notifications\\.test\\.ts$", why: "cross-checks the notification rules with moto (python)" },
  { pattern: "proof/notification-delivery\\.test\\.ts$", why: "delivers notifications through moto's SNS" },
  { pattern: "proof/routing-and-trails\\.test\\.ts$", why: "cross-checks every rule with moto (python)" },
  { pattern: "(.*/)?[^/]*bundle\\.test\\.ts$", why: "runs the built function zips" },
  { pattern: "proof/artifact\\.test\\.ts$", why: "runs the synthesized zip against the S3 emulator" },
  { pattern: "proof/unicode\\.test\\.ts$", why: "runs the synthesized zip against the S3 emulator" },
  { pattern: "cli/commands\\.test\\.ts$", why: "spawns the compiled command" },
  { pattern: "cli/stage-batch\\.test\\.ts$", why: "spawns the compiled command against the emulator" },
  { pattern: "cli/redrive\\.test\\.ts$", why: "spawns the compiled command against the emulator" },
  { pattern: "cli/stage-inventory\\.test\\.ts$", why: "spawns the compiled command against the emulator" },
  { pattern: "cli/listing-scale\\.test\\.ts$", why: "spawns the compiled command over 15,000-object trees" },
  { pattern: "cli/start\\.test\\.ts$", why: "spawns the compiled command to see which modules it loads" },
  { pattern: "main\\.test\\.ts$", why: "runs the app (cdktf synth) in its own process" },
  { pattern: "build\\.test\\.ts$", why: "runs the build in a copy of the project" },
  { pattern: "install\\.test\\.ts$", why: "installs the package in a scratch directory" },
  { pattern: "package\\.test\\.ts$", why: "packs the operator command, installs it globally in a scratch prefix" },
  { pattern: "pipeline\\.test\\.ts$", why: "runs the pipeline scripts and a terraform plan against moto" },
  { pattern: "cdktn\\.test\\.ts$", why: "synthesizes with CDK Terrain in a scratch copy" },
  { pattern: "boundaries\\.test\\.ts$", why: "runs dependency-cruiser over the whole project (about 40 s)" },
  { pattern: "synth-golden\\.test\\.ts$", why: "writes every proof configuration's full synthesis to disk" },
];

/** jest's testPathIgnorePatterns for the unit layer (absolute paths, anchored at __tests__/). */
const unitIgnorePatterns = SLOW_LAYERS.map((layer) => `<rootDir>/__tests__/${layer.pattern}`);

module.exports = { SLOW_LAYERS, unitIgnorePatterns };
