// The fast unit suites (`npm run test:unit`, and what Stryker mutates against): pure cores and shells
// with mocked clients, no terraform, no moto, no emulator processes. `npm test` runs these and the rest.
const base = require("./jest.config.js");

module.exports = {
  ...base,
  globalSetup: undefined,
  roots: ["<rootDir>/__tests__"],
  testMatch: [
    "**/core/*.test.ts",
    "**/functions/restore/decide.test.ts",
    "**/functions/restore/restore.test.ts",
    "**/functions/restore/policy.test.ts",
    "**/functions/router/router.test.ts",
    "**/functions/fsx-import/fsx-import.test.ts",
    "**/functions/restore/config.test.ts",
    "**/functions/restore/recent.test.ts",
    "**/aws/*.test.ts",
    "**/functions/restore/notify.test.ts",
    "**/functions/restore/digest.test.ts",
    "**/config/*.test.ts",
    "**/cost/estimate.test.ts",
    "**/cost/pricing.test.ts",
  ],
};
