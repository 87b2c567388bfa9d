// The deploy proof (`npm run test:deploy`): applies the stacks against moto with the real provider. It is
// slow (minutes), so `npm test`'s config does not match its `.deploy.ts` file.
const base = require("./jest.config.js");

module.exports = {
  ...base,
  testMatch: ["**/deploy/*.deploy.ts"],
  testTimeout: 20 * 60 * 1000,
  maxWorkers: 1,
  // A failed stack leaves its siblings' terraform runs going; moto is stopped, so end the run with the test.
  forceExit: true,
};
