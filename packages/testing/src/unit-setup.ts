/**
 * Setup of the `unit` test project: unit tests run with no servers and no database, so
 * the one door to both (the test stack) is closed here. A test that needs the platform
 * belongs under test/ (the integration project), not test/unit/.
 */
import { vi } from 'vitest';

const refuse = () => {
  throw new Error('A unit test started the platform: move it out of test/unit/ (integration tests live in test/).');
};

vi.mock('@membership/db', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@membership/db')>()),
  openDatabase: refuse,
  createScratchDatabase: refuse,
}));
