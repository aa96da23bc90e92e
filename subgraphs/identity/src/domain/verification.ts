import { decisionNoticeId } from './notices.js';
import { decisionNotice } from './decision-notices.js';
import { parseCreditCode, validateCompanyName } from './credit-code.js';
import type { MemberType } from './profile-fields.js';
import { refusedError, restricted, type RefusalRestriction, type RejectionKind } from './refusals.js';
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
  /** What identity withholds from a refused member (VERIFICATION_REFUSAL_RESTRICTS). */
  restricts: ReadonlySet<RefusalRestriction>;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

const VERIFIED_ELSEWHERE = 'This ID number is already verified on another account. If it is yours, contact support.';

/** Refuses a new submission while a live verification of `level` is not yet due for renewal. */
function refuseEarlyRenewal(
  approved: ApprovedVerification[],
  level: 'primary' | 'advanced' | 'enterprise',
  now: Date,
  policy: VerificationPolicy,
): void {
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
    throw new DomainError('RATE_LIMITED', 'Too many refused verification attempts today. Try again tomorrow.', undefined, {
      retryAfterSeconds: 86_400,
    });
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
      rejectionKind: result.match ? null : 'insufficient',
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
  decision: { status: 'approved' | 'rejected'; reason: string | null; rejectionKind?: RejectionKind },
  requestId?: string,
): Promise<Verification> {
  const now = deps.now();
  const expiresAt = decision.status === 'approved' ? addMonths(now, deps.policy.validMonths) : null;
  const levelOf = (rows: readonly ApprovedVerification[]) => effectiveLevel(rows, now);
  // The decision, the member's new level or refusal, the log entry and the notice commit together.
  let decided: Verification | undefined;
  try {
    decided = await deps.transaction(async (tx) => {
      const verification = await tx.verifications.decide(
        id,
        {
          status: decision.status,
          rejectionReason: decision.status === 'rejected' ? decision.reason : null,
          rejectionKind: decision.rejectionKind ?? null,
          expiresAt,
        },
        { by: actor.id, at: now },
        levelOf,
      );
      if (!verification) return undefined;
      const falseSubmission = decision.status === 'rejected' && decision.rejectionKind === 'false_submission';
      // A submission found false restricts the member until a later approval.
      if (falseSubmission)
        await tx.verifications.recordRefusal(
          { memberId: verification.memberId, kind: 'false_submission', verificationId: id, at: now },
          levelOf,
        );
      await tx.operations.record({
        actor,
        reason: decision.reason,
        requestId,
        at: now,
        operation: decision.status === 'approved' ? 'verification.approve' : 'verification.reject',
        target: { type: 'verification', id },
        before: { memberId: verification.memberId, level: verification.level, status: 'pending' },
        after: {
          memberId: verification.memberId,
          level: verification.level,
          status: decision.status,
          expiresAt: expiresAt?.toISOString() ?? null,
          ...(decision.status === 'rejected' && { rejectionKind: decision.rejectionKind ?? 'insufficient' }),
        },
      });
      // The member hears of the decision, with the reason when rejected.
      await tx.inbox.addForMember(verification.memberId, decisionNotice(verification.level, { ...decision, expiresAt }), {
        eventId: decisionNoticeId(id),
        at: now,
      });
      return verification;
    });
  } catch (error) {
    if (error instanceof AlreadyExists) throw conflict('This company is already verified on another account.');
    throw error;
  }
  if (decided) return decided;
  const existing = await deps.verifications.byId(id);
  if (!existing || (existing.level !== 'advanced' && existing.level !== 'enterprise'))
    throw notFound('There is no verification for review with this id.');
  throw conflict(`This verification was already decided (${existing.status}).`);
}

/** A reviewer approves a pending advanced verification; it lasts the policy's months. */
export function approveVerification(
  deps: VerificationDeps,
  actor: Actor,
  id: string,
  reason?: string | null,
  requestId?: string,
): Promise<Verification> {
  return decide(deps, actor, id, { status: 'approved', reason: reason?.trim() || null }, requestId);
}

/**
 * A reviewer rejects a pending advanced or enterprise verification with a reason the member
 * reads; `false_submission` (found false) also restricts the member until a later approval.
 */
export function rejectVerification(
  deps: VerificationDeps,
  actor: Actor,
  id: string,
  reason: string,
  requestId?: string,
  kind: RejectionKind = 'insufficient',
): Promise<Verification> {
  return decide(deps, actor, id, { status: 'rejected', reason: requireReason(reason), rejectionKind: kind }, requestId);
}

/** Throws VERIFICATION_REQUIRED when the member is refused and the configuration withholds `feature`. */
export async function requireNotRestricted(deps: VerificationDeps, memberId: string, feature: RefusalRestriction): Promise<void> {
  if (!deps.restricts.has(feature)) return;
  if (restricted(deps.restricts, feature, (await deps.verifications.refusedAmong([memberId])).has(memberId))) throw refusedError(feature);
}

/**
 * The member refuses the verification a feature asked for: recorded, with
 * MemberVerificationChanged refused: true, so every part of the platform restricts what it
 * configured. A verified member has nothing to refuse (CONFLICT); declining again changes nothing.
 */
export async function declineVerification(deps: VerificationDeps, memberId: string): Promise<void> {
  const now = deps.now();
  const approved = (await deps.verifications.approvedFor([memberId])).get(memberId) ?? [];
  if (effectiveLevel(approved, now).level !== 'none') throw conflict('You are already verified; there is nothing to decline.');
  if ((await deps.verifications.refusedAmong([memberId])).has(memberId)) return;
  await deps.transaction((tx) =>
    tx.verifications.recordRefusal({ memberId, kind: 'declined', verificationId: null, at: now }, (rows) => effectiveLevel(rows, now)),
  );
}

/**
 * An enterprise member submits its business licence: company name, unified social credit code
 * (form and check character) and a reference to the uploaded licence image. It waits for a
 * reviewer; one at a time. Only for members whose type is ENTERPRISE; a company verified on
 * another account is CONFLICT; a refused member is restricted when so configured.
 */
export async function submitEnterpriseVerification(
  deps: VerificationDeps,
  member: { id: string; memberType: MemberType },
  input: { companyName: string; creditCode: string; licenceDocumentRef: string },
): Promise<Verification> {
  const companyName = validateCompanyName(input.companyName);
  const creditCode = parseCreditCode(input.creditCode);
  if (!validImageReference(input.licenceDocumentRef)) {
    throw badInput(
      'Give the reference the upload returned for the licence, e.g. s3://bucket/key, not the image itself.',
      'licenceDocumentRef',
    );
  }
  if (member.memberType !== 'enterprise')
    throw conflict('Only enterprise members submit a business licence: set your member type to ENTERPRISE first.', 'memberType');
  await requireNotRestricted(deps, member.id, 'enterprise');
  const now = deps.now();
  const approved = (await deps.verifications.approvedFor([member.id])).get(member.id) ?? [];
  refuseEarlyRenewal(approved, 'enterprise', now, deps.policy);
  if ((await deps.verifications.pendingFor(member.id, 'enterprise')) > 0) {
    throw conflict('Your business licence is already waiting for review. You will see the decision in your inbox.');
  }
  const creditCodeLookup = lookupHash(deps.ring, 'credit_code', creditCode);
  if (await deps.verifications.creditCodeVerifiedElsewhere(creditCodeLookup, member.id)) {
    throw conflict('This company is already verified on another account. If it is yours, contact support.', 'creditCode');
  }
  try {
    return await submit(deps, {
      id: randomUUID(),
      memberId: member.id,
      level: 'enterprise',
      status: 'pending',
      companyName,
      creditCode,
      creditCodeLookup,
      licenceDocumentRef: input.licenceDocumentRef.trim(),
      submittedAt: now,
    });
  } catch (error) {
    if (error instanceof NoDataKeyError) throw forbidden('This account has been erased.');
    throw error;
  }
}
