// The fast unit suites that cover handler/ and config validation; the slower layers (bundle, moto,
// terraform) test the same code through the built artifact and add nothing Stryker can attribute.
const base = require("./jest.config.js");

module.exports = {
  ...base,
  globalSetup: undefined,
  roots: ["<rootDir>/__tests__"],
  testMatch: [
    "**/handler/decide.test.ts",
    "**/handler/restore.test.ts",
    "**/handler/config.test.ts",
    "**/handler/recent.test.ts",
    "**/handler/retry.test.ts",
    "**/handler/claims.test.ts",
    "**/handler/notify.test.ts",
    "**/config/resolve.test.ts",
    "**/config/notifications.test.ts",
    "**/cost/estimate.test.ts",
  ],
};
