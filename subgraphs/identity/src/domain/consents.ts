import { randomUUID } from 'node:crypto';
import { badInput, conflict } from '@membership/domain';
import {
  PII_CATEGORIES,
  checkPoliciesAccepted,
  checkSomethingAsked,
  marketingChanges,
  marketingPreferences,
  policiesToAccept,
  policyEffectiveAt,
  policyTextHash,
  partnerSharing,
  validatePartnerId,
  validatePolicyVersion,
  type Capture,
  type MarketingInput,
  type PolicyKind,
} from './consent-rules.js';
import { policyChangedNotice } from './notices.js';
import type { ConsentRecordRow, PolicyAcceptanceRow, PolicyVersionRow } from './records.js';
import type { Actor } from './staff.js';
import { AlreadyExists, type ConsentStore, type InboxStore, type StaffOperationStore, type Transaction } from './stores.js';

export interface ConsentDeps {
  consents: ConsentStore;
  /** Publications are logged here. */
  operations: StaffOperationStore;
  /** Publications put a notice in every member's inbox. */
  inbox: InboxStore;
  transaction: Transaction;
  now: () => Date;
  /** Days a new version is announced before it replaces the one in force (POLICY_NOTICE_DAYS). */
  noticeDays: number;
  /** Whether the announcement is also emailed to members who take service emails (NOTIFIER=deliver). */
  emailNotices: boolean;
}

/**
 * Staff publish a new version of a policy, with its text. The first version of a kind is
 * in force at once; a later one is announced (inbox notice) and takes the place of the one
 * in force at `effectiveAt`, no sooner than the notice period from now (the default).
 * Until then the old version applies; after it, features that need consent ask for the new one.
 */
export async function publishPolicyVersion(
  deps: ConsentDeps,
  actor: Actor,
  input: { kind: PolicyKind; version: string; text: string; reason: string; effectiveAt?: Date | null },
  requestId?: string,
): Promise<PolicyVersionRow> {
  const version = validatePolicyVersion(input.version);
  const textHash = policyTextHash(input.text);
  const reason = input.reason.trim();
  if (!reason) throw badInput('Say why this version is published; it goes into the staff operation log.', 'reason');
  const duplicate = () =>
    conflict(
      `${input.kind === 'privacy' ? 'Privacy policy' : 'Terms'} version ${version} is already published. Publish a new version number.`,
      'version',
    );
  if (await deps.consents.policy(input.kind, version)) throw duplicate();
  const publishedAt = deps.now();
  const inForce = (await deps.consents.currentPolicies(publishedAt)).some((p) => p.kind === input.kind);
  const effectiveAt = policyEffectiveAt(inForce, publishedAt, deps.noticeDays, input.effectiveAt ?? null);
  const row = { id: randomUUID(), kind: input.kind, version, textHash, publishedAt, publishedBy: actor.id, text: input.text, effectiveAt };
  try {
    // The version, its log entry and everyone's notice (keyed by the version's id) commit together.
    return await deps.transaction(async (tx) => {
      const published = await tx.consents.publish(row);
      await tx.operations.record({
        actor,
        reason,
        requestId,
        operation: 'policy.publish',
        target: { type: 'policy_version', id: row.id },
        after: { kind: row.kind, version: row.version, textHash: row.textHash },
        at: row.publishedAt,
      });
      const notice = policyChangedNotice(row);
      await tx.inbox.addForEveryone(notice, { eventId: row.id, at: row.publishedAt });
      // The terms say a policy change must reach members outside the app: its email copies are queued with it.
      if (notice.outOfApp && deps.emailNotices) await tx.inbox.emailNotices(row.id, row.publishedAt);
      return published;
    });
  } catch (error) {
    if (error instanceof AlreadyExists) throw duplicate();
    throw error;
  }
}

/** The member accepts the current version of a policy. Accepting it again changes nothing. */
export async function acceptPolicy(
  deps: ConsentDeps,
  memberId: string,
  input: { kind: PolicyKind; version: string },
  capture: Capture,
): Promise<PolicyAcceptanceRow> {
  const version = validatePolicyVersion(input.version);
  const policy = await deps.consents.policy(input.kind, version);
  const label = input.kind === 'privacy' ? 'privacy policy' : 'terms';
  if (!policy) throw badInput(`There is no ${label} version ${version}. See currentPolicies for the version to accept.`, 'version');
  const current = (await deps.consents.currentPolicies(deps.now())).find((p) => p.kind === input.kind);
  // The version in force, or one announced after it (members may accept ahead of its date).
  if (current && current.id !== policy.id && policy.seq < current.seq) {
    throw badInput(`The ${label} version ${version} has been replaced by ${current.version}; accept that one.`, 'version');
  }
  return deps.consents.accept(memberId, policy, deps.now(), capture);
}

/** The current policy versions the member has not accepted yet. */
async function policiesToAcceptFor(deps: ConsentDeps, memberId: string): Promise<PolicyVersionRow[]> {
  const current = await deps.consents.currentPolicies(deps.now());
  const accepted = await deps.consents.acceptedVersionIds(
    memberId,
    current.map((p) => p.id),
  );
  return policiesToAccept(current, accepted);
}

/** Throws POLICY_ACCEPTANCE_REQUIRED unless the member accepted every current policy version. */
async function requireCurrentPolicies(deps: ConsentDeps, memberId: string): Promise<void> {
  checkPoliciesAccepted(await policiesToAcceptFor(deps, memberId));
}

const inForce = async (deps: ConsentDeps, memberId: string): Promise<ConsentRecordRow[]> =>
  (await deps.consents.inForceFor([memberId])).get(memberId) ?? [];

/**
 * Changes marketing consents per channel and personalised recommendations. Turning any
 * on needs the current policies accepted (POLICY_ACCEPTANCE_REQUIRED); turning off never
 * does. Only what changes is recorded; withdrawal takes effect with this answer.
 */
export async function updateMarketingPreferences(deps: ConsentDeps, memberId: string, input: MarketingInput, capture: Capture) {
  checkSomethingAsked(input);
  const records = await inForce(deps, memberId);
  const changes = marketingChanges(input, records);
  if (changes.some((c) => c.granted)) await requireCurrentPolicies(deps, memberId);
  const appended = await deps.consents.append(memberId, changes, deps.now(), capture);
  return marketingPreferences([...records, ...appended]);
}

function checkCategory(category: string): string {
  if (!(PII_CATEGORIES as readonly string[]).includes(category)) throw badInput('Unknown kind of personal data.', 'category');
  return category;
}

/** What a partner consent looks like after a change. */
export interface PartnerConsent {
  partnerId: string;
  category: string;
  granted: boolean;
  recordedAt: Date;
  /** When a given consent lapses by itself; null while the member keeps it. */
  expiresAt: Date | null;
}

/**
 * The member lets a partner receive one kind of personal data, until `expiresAt` when given.
 * Needs the current policies accepted.
 */
export async function grantPartnerConsent(
  deps: ConsentDeps,
  memberId: string,
  input: { partnerId: string; category: string; expiresAt?: Date | null },
  capture: Capture,
): Promise<PartnerConsent> {
  return setPartnerConsent(deps, memberId, input, true, capture);
}

/** The member stops a partner receiving one kind of personal data, at once. Never needs anything accepted. */
export async function revokePartnerConsent(
  deps: ConsentDeps,
  memberId: string,
  input: { partnerId: string; category: string },
  capture: Capture,
): Promise<PartnerConsent> {
  return setPartnerConsent(deps, memberId, input, false, capture);
}

async function setPartnerConsent(
  deps: ConsentDeps,
  memberId: string,
  input: { partnerId: string; category: string; expiresAt?: Date | null },
  granted: boolean,
  capture: Capture,
): Promise<PartnerConsent> {
  const partnerId = validatePartnerId(input.partnerId);
  const category = checkCategory(input.category);
  const now = deps.now();
  const expiresAt = granted ? (input.expiresAt ?? null) : null;
  if (expiresAt && expiresAt <= now)
    throw badInput('A consent must last beyond now; leave expiresAt out to give it until withdrawn.', 'expiresAt');
  const records = await inForce(deps, memberId);
  const current = partnerSharing(records, now).find((r) => r.partnerId === partnerId && r.piiCategory === category);
  const sameExpiry = (current?.expiresAt?.getTime() ?? null) === (expiresAt?.getTime() ?? null);
  if (Boolean(current) === granted && (!granted || sameExpiry)) {
    return { partnerId, category, granted, recordedAt: current?.recordedAt ?? now, expiresAt: current?.expiresAt ?? null };
  }
  if (granted) await requireCurrentPolicies(deps, memberId);
  await deps.consents.append(
    memberId,
    [{ purpose: 'partner_sharing', marketingChannel: null, partnerId, piiCategory: category, granted, expiresAt }],
    now,
    capture,
  );
  return { partnerId, category, granted, recordedAt: now, expiresAt };
}
