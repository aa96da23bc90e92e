import { DomainError } from '@membership/domain';

/** Why a reviewer rejected a submission: not enough to go on, or found false. */
export type RejectionKind = 'insufficient' | 'false_submission';

/** How a member came to be refused: they declined verification, or a submission was found false. */
export type RefusalKind = 'declined' | 'false_submission';

/**
 * What identity itself withholds from a refused member (VERIFICATION_REFUSAL_RESTRICTS):
 * `card` the membership card and its QR token, `partner_sharing` giving a partner their
 * data, `enterprise` submitting a business licence. Points restricts its own features on
 * MemberVerificationChanged.refused.
 */
export const REFUSAL_RESTRICTIONS = ['card', 'partner_sharing', 'enterprise'] as const;
export type RefusalRestriction = (typeof REFUSAL_RESTRICTIONS)[number];

const FEATURES: Record<RefusalRestriction, string> = {
  card: 'The membership card',
  partner_sharing: 'Sharing your data with partners',
  enterprise: 'Enterprise verification',
};

/**
 * VERIFICATION_REQUIRED for a refused member: names the level that lifts the restriction and
 * says why the member is restricted.
 */
export function refusedError(feature: RefusalRestriction): DomainError {
  return new DomainError(
    'VERIFICATION_REQUIRED',
    `${FEATURES[feature]} is not available because real-name verification was refused or a submission was found false. Complete primary verification to use it again.`,
    undefined,
    { requiredLevel: 'PRIMARY', verificationRefused: true },
  );
}

/** True when the feature is restricted for a member in this refusal state. */
export function restricted(restricts: ReadonlySet<RefusalRestriction>, feature: RefusalRestriction, refused: boolean): boolean {
  return refused && restricts.has(feature);
}
