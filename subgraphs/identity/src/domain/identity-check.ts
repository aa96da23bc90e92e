/** What the national identity service says about a name and ID number. */
export interface IdentityCheckResult {
  match: boolean;
  /** Why not, in words the member reads. */
  reason?: string;
}

/**
 * Checks a real name and resident ID number against an authoritative record (in
 * production, a licensed real-name verification provider).
 */
export interface IdentityChecker {
  check(input: { realName: string; idNumber: string }): Promise<IdentityCheckResult>;
}

/**
 * The development fake: every well-formed pair matches, except ID numbers whose sequence
 * digits (15 to 17) are 999, which do not, so the refusal path can be tried.
 */
export class DevelopmentIdentityChecker implements IdentityChecker {
  async check(input: { realName: string; idNumber: string }): Promise<IdentityCheckResult> {
    return input.idNumber.slice(14, 17) === '999'
      ? { match: false, reason: 'The name and ID number do not match the national record. Check both and try again.' }
      : { match: true };
  }
}

/**
 * Used when no provider is configured (production's default until one is plugged in
 * through `IdentityOptions.identityChecker`): refuses to check, so nobody is verified by
 * a fake and nothing is stored.
 */
export class UnavailableIdentityChecker implements IdentityChecker {
  async check(): Promise<IdentityCheckResult> {
    throw new IdentityCheckUnavailable();
  }
}

/** The identity provider cannot answer now; the submission is not stored. */
export class IdentityCheckUnavailable extends Error {
  override name = 'IdentityCheckUnavailable';
}
