import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startTestStack, type TestStack } from './index.js';

/**
 * One stack for the calling test file: started before its tests with `now` as every
 * server's clock, stopped after them. `beforeEachTest` runs before each test (most files
 * move their clock a second on, so newest-first orders show between tests). `started`
 * hands the stack to the file. Kept apart from index.ts so scripts can use the testing
 * helpers without loading vitest.
 */
export function useTestStack(options: {
  now: () => Date;
  beforeEachTest?: () => void;
  /** Called once the stack is up, before any test; may be async (it is awaited). */
  started: (stack: TestStack) => unknown;
  /** Settings for this file's servers, over the test environment. */
  env?: Record<string, string>;
}): void {
  let stack: TestStack | undefined;
  beforeAll(async () => {
    stack = await startTestStack({ now: options.now, env: options.env });
    await options.started(stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });
  if (options.beforeEachTest) beforeEach(options.beforeEachTest);
}
