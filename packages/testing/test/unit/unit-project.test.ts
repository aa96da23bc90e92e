import { expect, it } from 'vitest';
import { startTestStack } from '../../src/index.js';

it('a unit test that tries to start the platform is refused with a message saying where it belongs', async () => {
  await expect(startTestStack()).rejects.toThrow(/unit test started the platform/);
});
