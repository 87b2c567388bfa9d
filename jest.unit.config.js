// The fast unit suites (`npm run test:unit`, and what Stryker mutates against): pure cores and shells
// with mocked clients, no terraform, no moto, no emulator processes. `npm test` runs these and the rest.
const base = require("./jest.config.js");

module.exports = {
  ...base,
  globalSetup: undefined,
  roots: ["<rootDir>/__tests__"],
  testMatch: [
    "**/core/*.test.ts",
    "**/handler/decide.test.ts",
    "**/handler/restore.test.ts",
    "**/handler/config.test.ts",
    "**/handler/recent.test.ts",
    "**/handler/retry.test.ts",
    "**/handler/claims.test.ts",
    "**/handler/notify.test.ts",
    "**/handler/digest.test.ts",
    "**/config/*.test.ts",
    "**/cost/estimate.test.ts",
  ],
};
