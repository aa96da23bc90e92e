import { isUniqueViolation } from '@membership/db';
import type { Logger } from '@membership/config';
import type { ErasureRepository, ErasureRequestRow } from '../db/erasure-repository.js';
import type { MembersRepository } from '../db/members-repository.js';
import { checkCanCancelErasure, checkCanRequestErasure, erasureDueAt, type ErasurePolicy } from './erasure-rules.js';
import { conflict, notFound } from '@membership/subgraph';

export interface ErasureDeps {
  erasures: ErasureRepository;
  members: MembersRepository;
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
    if (isUniqueViolation(error)) throw conflict('You already asked for erasure. Cancel it with cancelErasure if you changed your mind.');
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
 * The erasure job: every request whose grace period is over by `now` (at most `limit`,
 * selected in one statement), each member erased in their own transaction so one
 * failure leaves the others done. Run it again until it erases nothing.
 */
export async function runDueErasures(deps: Pick<ErasureDeps, 'erasures' | 'logger'>, now: Date, limit = 500): Promise<ErasureRun> {
  const run: ErasureRun = { erased: [], failed: [] };
  for (const request of await deps.erasures.due(now, limit)) {
    try {
      const memberId = await deps.erasures.erase(request.id, now);
      if (memberId) run.erased.push(memberId);
    } catch (error) {
      deps.logger.error('erasure failed; it stays pending', { erasureRequestId: request.id, error: String(error) });
      run.failed.push(request.id);
    }
  }
  return run;
}
