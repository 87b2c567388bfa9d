// Every suite tests the artifacts exactly as `npm run build` makes them, so build them once first.
const { execFileSync } = require("node:child_process");
const path = require("node:path");

module.exports = async function globalSetup() {
  execFileSync(process.execPath, [path.join(__dirname, "..", "scripts", "build.mjs")], { stdio: "inherit" });
};
