import { decisionNoticeId, verificationDecidedNotice } from './notices.js';
import { randomUUID } from 'node:crypto';
import { DomainError, badInput, conflict, forbidden, notFound, type Cursor } from '@membership/domain';
import { lookupHash, type KeyRing } from './encryption.js';
import { IdentityCheckUnavailable, type IdentityChecker } from './identity-check.js';
import type { NewVerification, Verification } from './records.js';
import { parseResidentId, validateRealName } from './resident-id.js';
import type { Actor } from './staff.js';
import { requireReason } from './staff.js';
import { AlreadyExists, NoDataKeyError, type StaffOperationStore, type Transaction, type VerificationStore } from './stores.js';
import {
  addMonths,
  effectiveLevel,
  renewable,
  validImageReference,
  type ApprovedVerification,
  type VerificationPolicy,
} from './verification-rules.js';

export interface VerificationDeps {
  verifications: VerificationStore;
  /** Reviewers' decisions are logged here, in the decision's transaction. */
  operations: StaffOperationStore;
  transaction: Transaction;
  checker: IdentityChecker;
  ring: KeyRing;
  now: () => Date;
  policy: VerificationPolicy;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

const VERIFIED_ELSEWHERE = 'This ID number is already verified on another account. If it is yours, contact support.';

/** Refuses a new submission while a live verification of `level` is not yet due for renewal. */
function refuseEarlyRenewal(approved: ApprovedVerification[], level: 'primary' | 'advanced', now: Date, policy: VerificationPolicy): void {
  const live = approved.filter((v) => v.level === level && v.expiresAt && v.expiresAt.getTime() > now.getTime());
  const latest = live.sort((a, b) => b.expiresAt!.getTime() - a.expiresAt!.getTime())[0];
  if (latest && !renewable(latest.expiresAt!, now, policy)) {
    const from = new Date(latest.expiresAt!.getTime() - policy.renewDaysBefore * 86_400_000);
    throw conflict(`Your ${level} verification is valid until ${day(latest.expiresAt!)}; you can renew it from ${day(from)}.`);
  }
}

/** Writes a submission, and the level it leads to, in one transaction. */
function submit(deps: VerificationDeps, input: NewVerification): Promise<Verification> {
  return deps.transaction((tx) => tx.verifications.submit(input, (rows) => effectiveLevel(rows, input.submittedAt)));
}

/**
 * Primary verification: the real name and resident ID number are checked for form and
 * check digit, then against the national record. A match is approved at once for the
 * policy's months; a mismatch is stored as rejected with the reason. Refused checks are
 * limited per day, and an ID number verified on another account is refused.
 */
export async function submitPrimaryVerification(
  deps: VerificationDeps,
  memberId: string,
  input: { realName: string; idNumber: string },
): Promise<Verification> {
  const now = deps.now();
  const realName = validateRealName(input.realName);
  const { number } = parseResidentId(input.idNumber, now);
  const approved = (await deps.verifications.approvedFor([memberId])).get(memberId) ?? [];
  refuseEarlyRenewal(approved, 'primary', now, deps.policy);

  const since = new Date(now.getTime() - 86_400_000);
  if ((await deps.verifications.rejectedSince(memberId, 'primary', since)) >= deps.policy.primaryAttemptsPerDay) {
    throw new DomainError('RATE_LIMITED', 'Too many refused verification attempts today. Try again tomorrow.', undefined, { retryAfterSeconds: 86_400 });
  }
  const idNumberLookup = lookupHash(deps.ring, 'id_number', number);

  // Someone else's ID number goes through the same checks, limit and answer as any other: only a
  // name the national record matches learns that it is verified elsewhere, as a refused attempt.
  let result: { match: boolean; reason?: string };
  try {
    result = await deps.checker.check({ realName, idNumber: number });
  } catch (error) {
    if (error instanceof IdentityCheckUnavailable) throw forbidden('Real-name verification is not available right now. Try again later.');
    throw error;
  }
  if (result.match && (await deps.verifications.idNumberVerifiedElsewhere(idNumberLookup, memberId))) {
    result = { match: false, reason: VERIFIED_ELSEWHERE };
  }
  try {
    return await submit(deps, {
      id: randomUUID(),
      memberId,
      level: 'primary',
      status: result.match ? 'approved' : 'rejected',
      realName,
      idNumber: number,
      idNumberLookup,
      submittedAt: now,
      decidedAt: now,
      decidedBy: 'automatic',
      rejectionReason: result.match ? null : (result.reason ?? 'The name and ID number do not match the national record.'),
      expiresAt: result.match ? addMonths(now, deps.policy.validMonths) : null,
    });
  } catch (error) {
    // Two accounts racing to verify one ID number: the unique index decides.
    if (error instanceof AlreadyExists) throw conflict(VERIFIED_ELSEWHERE, 'idNumber');
    if (error instanceof NoDataKeyError) throw forbidden('This account has been erased.');
    throw error;
  }
}

/**
 * Advanced verification: references to a document image and a face image, for a member
 * with a live primary verification. It waits for a reviewer; one at a time.
 */
export async function submitAdvancedVerification(
  deps: VerificationDeps,
  memberId: string,
  input: { documentImageRef: string; faceImageRef: string },
): Promise<Verification> {
  for (const field of ['documentImageRef', 'faceImageRef'] as const) {
    if (!validImageReference(input[field])) {
      throw badInput('Give the reference the upload returned, e.g. s3://bucket/key, not the image itself.', field);
    }
  }
  const now = deps.now();
  const approved = (await deps.verifications.approvedFor([memberId])).get(memberId) ?? [];
  if (effectiveLevel(approved, now).level === 'none') throw conflict('Complete primary verification (real name and ID number) first.');
  refuseEarlyRenewal(approved, 'advanced', now, deps.policy);
  if ((await deps.verifications.pendingFor(memberId, 'advanced')) > 0) {
    throw conflict('Your documents are already waiting for review. You will see the decision here.');
  }
  try {
    return await submit(deps, {
      id: randomUUID(),
      memberId,
      level: 'advanced',
      status: 'pending',
      documentImageRef: input.documentImageRef.trim(),
      faceImageRef: input.faceImageRef.trim(),
      submittedAt: now,
    });
  } catch (error) {
    if (error instanceof NoDataKeyError) throw forbidden('This account has been erased.');
    throw error;
  }
}

/** Advanced verifications waiting for review, oldest first. */
export function reviewQueue(deps: VerificationDeps, first: number, after?: Cursor): Promise<Verification[]> {
  return deps.verifications.reviewQueue(first, after);
}

async function decide(
  deps: VerificationDeps,
  actor: Actor,
  id: string,
  decision: { status: 'approved' | 'rejected'; reason: string | null },
  requestId?: string,
): Promise<Verification> {
  const now = deps.now();
  const expiresAt = decision.status === 'approved' ? addMonths(now, deps.policy.validMonths) : null;
  // The decision, the member's new level and the log entry commit together.
  const decided = await deps.transaction(async (tx) => {
    const verification = await tx.verifications.decide(
      id,
      { status: decision.status, rejectionReason: decision.status === 'rejected' ? decision.reason : null, expiresAt },
      { by: actor.id, at: now },
      (rows) => effectiveLevel(rows, now),
    );
    if (!verification) return undefined;
    await tx.operations.record({
      actor,
      reason: decision.reason,
      requestId,
      at: now,
      operation: decision.status === 'approved' ? 'verification.approve' : 'verification.reject',
      target: { type: 'verification', id },
      before: { memberId: verification.memberId, level: 'advanced', status: 'pending' },
      after: { memberId: verification.memberId, level: 'advanced', status: decision.status, expiresAt: expiresAt?.toISOString() ?? null },
    });
    // The member hears of the decision, with the reason when rejected.
    await tx.inbox.addForMember(verification.memberId, verificationDecidedNotice({ ...decision, expiresAt }), { eventId: decisionNoticeId(id), at: now });
    return verification;
  });
  if (decided) return decided;
  const existing = await deps.verifications.byId(id);
  if (!existing || existing.level !== 'advanced') throw notFound('There is no advanced verification with this id.');
  throw conflict(`This verification was already decided (${existing.status}).`);
}

/** A reviewer approves a pending advanced verification; it lasts the policy's months. */
export function approveVerification(deps: VerificationDeps, actor: Actor, id: string, reason?: string | null, requestId?: string): Promise<Verification> {
  return decide(deps, actor, id, { status: 'approved', reason: reason?.trim() || null }, requestId);
}

/** A reviewer rejects a pending advanced verification with a reason the member reads. */
export function rejectVerification(deps: VerificationDeps, actor: Actor, id: string, reason: string, requestId?: string): Promise<Verification> {
  return decide(deps, actor, id, { status: 'rejected', reason: requireReason(reason) }, requestId);
}
