// E2E: Playwright drives Debian's Chromium (never a downloaded browser) against `npm run web` and the lab servers.

import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './test/e2e/global-setup.ts',
  // Each test starts its own browser-mode server and lab: one worker keeps 2 cores from thrashing.
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  // Not test-results itself: Playwright empties its output directory at every start, and test-results/security holds
  // the figures the unit and integration tiers recorded earlier in the same `npm test` (scripts/security-report.ts).
  outputDir: 'test-results/playwright',
  use: {
    browserName: 'chromium',
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
