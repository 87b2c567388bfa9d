import { App } from "cdktf";
import { loadConfig } from "./config/load";
import { endOnError } from "./core/errors";
import { dropDeprecationWarning } from "./core/node-warnings";
import { outputDirectory } from "./scripts/output-dir.cjs";
import { loadHandlerArtifact } from "./stacks/artifact";
import { addStacks } from "./stacks/app";
import { removeOtherStackForm, synthSummary } from "./stacks/synth-output";

dropDeprecationWarning(process, "DEP0044"); // util.isArray inside cdktf 0.21, on Node.js 22+
// Validate everything before any construct exists, so a bad config writes no stack at all.
void endOnError(() => {
  const config = loadConfig(process.cwd(), process.env);
  // The one output-directory rule (--output, CDKTF_OUTDIR, cdktf.json, cdktf.out) the scripts also follow.
  const app = new App({ outdir: outputDirectory({ argv: process.argv.slice(2) }).dir });
  addStacks(app, config, loadHandlerArtifact());
  app.synth();
  removeOtherStackForm(app);
  process.stdout.write(synthSummary(app, config));
}, process);
