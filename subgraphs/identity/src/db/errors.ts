import { isUniqueViolation } from '@membership/db';
import { AlreadyExists } from '../domain/stores.js';

/** Runs a write whose unique index may refuse it, and says so in the domain's terms. */
export async function unique<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AlreadyExists('a unique index refused the write', { cause: error });
    throw error;
  }
}
