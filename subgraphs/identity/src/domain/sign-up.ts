import { DomainError, badInput } from '@membership/domain';
import { register, type AccountsDeps, type RegisterInput, type SignedIn } from './accounts.js';
import type { Capture, PolicyKind } from './consent-rules.js';
import type { ConsentStore } from './stores.js';

/** A policy version the person says they accept by registering. */
export interface AcceptedPolicy {
  kind: PolicyKind;
  version: string;
}

/**
 * Registration as members do it: the terms and privacy policy versions in force must be
 * accepted, and both acceptances (where, how, the text's hash) are written in the
 * account's transaction. Without them it is POLICY_ACCEPTANCE_REQUIRED naming the versions
 * to show; a version that is not the one in force is BAD_USER_INPUT. While no version of
 * a policy is published there is nothing of it to accept.
 */
export async function registerAccepting(
  deps: AccountsDeps & { consents: ConsentStore },
  input: RegisterInput & { acceptedPolicies: readonly AcceptedPolicy[] },
  capture: Capture,
): Promise<SignedIn> {
  const current = await deps.consents.currentPolicies(deps.now());
  for (const given of input.acceptedPolicies) {
    const inForce = current.find((p) => p.kind === given.kind);
    if (inForce && inForce.version !== given.version.trim()) {
      const label = given.kind === 'privacy' ? 'privacy policy' : 'terms';
      throw badInput(
        `The ${label} in force is version ${inForce.version}, not ${given.version}; show and accept that one.`,
        'acceptedPolicies',
      );
    }
  }
  const missing = current.filter((p) => !input.acceptedPolicies.some((a) => a.kind === p.kind));
  if (missing.length > 0) {
    const names = missing.map((p) => `${p.kind === 'privacy' ? 'privacy policy' : 'terms'} ${p.version}`).join(' and ');
    // The code consent features use: clients show the versions named and send them in acceptedPolicies.
    throw new DomainError(
      'POLICY_ACCEPTANCE_REQUIRED',
      `To register, accept the ${names} (send them in acceptedPolicies).`,
      'acceptedPolicies',
      {
        policies: missing.map((p) => ({ kind: p.kind.toUpperCase(), version: p.version })),
      },
    );
  }
  const { acceptedPolicies: _, ...account } = input;
  return register(deps, account, {
    withAccount: async (tx, member, at) => {
      for (const policy of current) await tx.consents.accept(member.id, policy, at, capture);
    },
  });
}
