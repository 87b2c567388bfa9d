// The fast unit suites (`npm run test:unit`, and what Stryker mutates against): every test file except the
// slow layers testing/test-layers.cjs names with their reasons (terraform, moto, built zips, spawned
// programs), so a new test file is a unit test unless a rule there says otherwise
// (__tests__/test-layers.test.ts checks it). `npm test` runs these and the rest.
const base = require("./jest.config.js");
const { unitIgnorePatterns } = require("./testing/test-layers.cjs");

module.exports = {
  ...base,
  globalSetup: undefined,
  testPathIgnorePatterns: ["/node_modules/", ...unitIgnorePatterns],
};
