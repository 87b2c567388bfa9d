/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // Type checking is done once by `npm run typecheck`; ts-jest only transpiles (see CDKTF notes on cost).
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", isolatedModules: true, diagnostics: false }] },
  globalSetup: "<rootDir>/testing/global-setup.js",
  setupFilesAfterEnv: ["<rootDir>/testing/jest-setup.ts"],
  testTimeout: 30000,
  maxWorkers: 2,
  maxConcurrency: 2,
};
