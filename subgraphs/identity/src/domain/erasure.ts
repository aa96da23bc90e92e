import type { Logger } from '@membership/config';
import { conflict, notFound } from '@membership/domain';
import { checkCanCancelErasure, checkCanRequestErasure, erasureDueAt, isDue, type ErasurePolicy } from './erasure-rules.js';
import type { ErasureRequestRow } from './records.js';
import { AlreadyExists, type ErasureStore, type MemberStore, type Transaction } from './stores.js';

export interface ErasureDeps {
  erasures: ErasureStore;
  members: MemberStore;
  transaction: Transaction;
  policy: ErasurePolicy;
  now: () => Date;
  logger: Logger;
}

/** The signed-in member asks to be erased; it happens after the grace period unless cancelled. */
export async function requestErasure(deps: ErasureDeps, memberId: string): Promise<ErasureRequestRow> {
  const member = await deps.members.byId(memberId);
  if (!member) throw notFound('Your account was not found.');
  checkCanRequestErasure(member, await deps.erasures.pendingFor(memberId));
  const now = deps.now();
  try {
    return await deps.erasures.create(memberId, now, erasureDueAt(now, deps.policy));
  } catch (error) {
    // Two requests racing: the partial unique index lets one through.
    if (error instanceof AlreadyExists)
      throw conflict('You already asked for erasure. Cancel it with cancelErasure if you changed your mind.');
    throw error;
  }
}

/** The member changes their mind within the grace period. */
export async function cancelErasure(deps: ErasureDeps, memberId: string): Promise<ErasureRequestRow> {
  const now = deps.now();
  checkCanCancelErasure(await deps.erasures.pendingFor(memberId), now);
  const cancelled = await deps.erasures.cancel(memberId, now);
  // The job took it between the check and the update.
  if (!cancelled) checkCanCancelErasure(undefined, now);
  return cancelled!;
}

/** What one run of the erasure job did. */
export interface ErasureRun {
  /** Members erased, in the order they were. */
  erased: string[];
  /** Requests that failed; they stay pending and the next run tries them again. */
  failed: string[];
}

/**
 * Erases the member of one due request, in one transaction: forgets the messages and
 * codes sent to their contacts, destroys their data key (crypto-shredding), anonymises
 * the account, drops what identity holds about them, marks the request done and records
 * MemberErased. The member's id, or undefined when the request is no longer due
 * (cancelled meanwhile).
 */
function eraseDue(deps: Pick<ErasureDeps, 'transaction'>, requestId: string, now: Date): Promise<string | undefined> {
  return deps.transaction(async (tx) => {
    // Locking the request makes a racing cancellation wait, then find it done.
    const request = await tx.erasures.lockById(requestId);
    if (!request || !isDue(request, now)) return undefined;
    const { memberId } = request;
    await tx.erasures.forgetContacts(memberId);
    await tx.members.destroyDataKey(memberId);
    await tx.erasures.eraseMember(memberId, now);
    await tx.erasures.complete(requestId, memberId, now);
    return memberId;
  });
}

/**
 * The erasure job: every request whose grace period is over by `now` (at most `limit`,
 * selected in one statement), each member erased in their own transaction so one
 * failure leaves the others done. Run it again until it erases nothing.
 */
export async function runDueErasures(
  deps: Pick<ErasureDeps, 'erasures' | 'transaction' | 'logger'>,
  now: Date,
  limit = 500,
): Promise<ErasureRun> {
  const run: ErasureRun = { erased: [], failed: [] };
  for (const request of await deps.erasures.due(now, limit)) {
    try {
      const memberId = await eraseDue(deps, request.id, now);
      if (memberId) run.erased.push(memberId);
    } catch (error) {
      deps.logger.error('erasure failed; it stays pending', { erasureRequestId: request.id, error: String(error) });
      run.failed.push(request.id);
    }
  }
  return run;
}
