import { App } from "cdktf";
import { loadConfig } from "./config/load";
import { ConfigError } from "./config/resolve";
import { loadHandlerArtifact } from "./stacks/artifact";
import { addStacks } from "./stacks/app";
import { removeOtherStackForm, synthSummary } from "./stacks/synth-output";

// Validate everything before any construct exists, so a bad config writes no stack at all.
let config;
try {
  config = loadConfig(process.cwd(), process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}

const app = new App();
addStacks(app, config, loadHandlerArtifact());
app.synth();
removeOtherStackForm(app);
process.stdout.write(synthSummary(app, config));
