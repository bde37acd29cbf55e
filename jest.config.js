/** Unit tests: fast, no servers. The real-RocketMQ lab runs with `npm run lab`. */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  transform: { "^.+\\.tsx?$": ["ts-jest", {}] },
  testTimeout: 60000,
  // One temporary directory per run, removed at its end (cdktf's Testing.app leaves one per synth otherwise).
  globalSetup: "<rootDir>/test/setup/global-setup.cjs",
  globalTeardown: "<rootDir>/test/setup/global-teardown.cjs",
  // The README's example imports the package by name.
  moduleNameMapper: { "^rocketmq-cdktf$": "<rootDir>/lib/index.ts" },
};
