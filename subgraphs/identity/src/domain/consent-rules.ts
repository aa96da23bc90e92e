import { createHash } from 'node:crypto';
import { DomainError, badInput } from '@membership/domain';

export type PolicyKind = 'privacy' | 'terms';
export type MarketingChannel = 'sms' | 'email' | 'push';
export type ConsentPurpose = 'marketing' | 'personalisation' | 'partner_sharing';
/** Where a consent was captured. */
export type CaptureChannel = 'web' | 'app' | 'in_store' | 'call_centre';
/** How a consent was captured. */
export type CaptureMethod = 'checkbox' | 'button' | 'signature' | 'verbal';

/** How a consent was captured. */
export interface Capture {
  channel: CaptureChannel;
  method: CaptureMethod;
}

export const PII_CATEGORIES = ['CONTACT', 'IDENTITY', 'FINANCIAL', 'LOCATION', 'BEHAVIOUR'] as const;
const MARKETING_CHANNELS: readonly MarketingChannel[] = ['sms', 'email', 'push'];

/** A published policy version as the rules see it. */
export interface PolicyVersionState {
  id: string;
  kind: string;
  version: string;
}

/** One consent row as the rules see it. */
export interface ConsentState {
  purpose: string;
  marketingChannel: string | null;
  partnerId: string | null;
  piiCategory: string | null;
  granted: boolean;
  recordedAt: Date;
  /** For partner sharing: when a given consent lapses by itself (null: when withdrawn). */
  expiresAt?: Date | null;
  /** Recording order among records of the same instant; higher is later. */
  seq?: number;
}

/** A consent to append. */
export type ConsentChange = Pick<ConsentState, 'purpose' | 'marketingChannel' | 'partnerId' | 'piiCategory' | 'granted' | 'expiresAt'>;

/** Policy versions as legal names them: letters, digits, dots and dashes, up to 20. */
export function validatePolicyVersion(raw: string): string {
  const version = raw.trim();
  if (!/^[0-9A-Za-z][0-9A-Za-z.-]{0,19}$/.test(version)) {
    throw badInput('A policy version is 1 to 20 letters, digits, dots or dashes, e.g. 2026-11 or 3.1.', 'version');
  }
  return version;
}

/** The hash that stands for a policy text: SHA-256 of the text as published, hex. */
export function policyTextHash(text: string): string {
  if (text.trim().length === 0) throw badInput('Give the text of the policy version; its hash is what members accept.', 'text');
  if (text.length > 500_000) throw badInput('The policy text is longer than 500,000 characters.', 'text');
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * When a new policy version takes effect: the first of its kind at once (or when asked);
 * one replacing a version in force no sooner than `noticeDays` after publication, so
 * members hear of it first. Asking for a sooner date is refused.
 */
export function policyEffectiveAt(replacesOne: boolean, now: Date, noticeDays: number, asked: Date | null): Date {
  const earliest = replacesOne ? new Date(now.getTime() + noticeDays * 86_400_000) : now;
  if (asked && asked.getTime() < earliest.getTime()) {
    throw badInput(
      `A new version must be announced ${noticeDays} days before it takes effect: choose ${earliest.toISOString()} or later.`,
      'effectiveAt',
    );
  }
  return asked ?? earliest;
}

/** A partner id as partners are registered: letters, digits and . _ : -, up to 64. */
export function validatePartnerId(raw: string): string {
  const id = raw.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(id))
    throw badInput('The partner id is not one the platform knows the form of.', 'partnerId');
  return id;
}

/** The current version of each policy kind the member has not accepted. */
export function policiesToAccept<T extends PolicyVersionState>(current: readonly T[], acceptedVersionIds: ReadonlySet<string>): T[] {
  return current.filter((p) => !acceptedVersionIds.has(p.id));
}

/**
 * Features that give the platform more (granting consent) need the current policies
 * accepted first; withdrawing never does, so withdrawal stays as easy as giving.
 */
export function checkPoliciesAccepted(missing: readonly PolicyVersionState[]): void {
  if (missing.length === 0) return;
  const names = missing.map((p) => `${p.kind === 'privacy' ? 'privacy policy' : 'terms'} ${p.version}`).join(' and ');
  // A code of its own: clients show the policy and call acceptPolicy, then retry.
  throw new DomainError('POLICY_ACCEPTANCE_REQUIRED', `Accept the ${names} with acceptPolicy first.`, 'policy', {
    policies: missing.map((p) => ({ kind: p.kind.toUpperCase(), version: p.version })),
  });
}

const keyOf = (c: Pick<ConsentState, 'purpose' | 'marketingChannel' | 'partnerId' | 'piiCategory'>) =>
  `${c.purpose}|${c.marketingChannel ?? ''}|${c.partnerId ?? ''}|${c.piiCategory ?? ''}`;

const later = (a: ConsentState, b: ConsentState) =>
  a.recordedAt.getTime() > b.recordedAt.getTime() || (a.recordedAt.getTime() === b.recordedAt.getTime() && (a.seq ?? 0) > (b.seq ?? 0));

/** The consents in force: the newest record for each purpose, channel, partner and category. */
function consentsInForce<T extends ConsentState>(records: readonly T[]): Map<string, T> {
  const inForce = new Map<string, T>();
  for (const r of records) {
    const seen = inForce.get(keyOf(r));
    if (!seen || later(r, seen)) inForce.set(keyOf(r), r);
  }
  return inForce;
}

/** Marketing per channel and personalised recommendations, off unless given. */
export function marketingPreferences(records: readonly ConsentState[]) {
  const inForce = consentsInForce(records);
  const on = (purpose: ConsentPurpose, channel: string | null = null) =>
    inForce.get(keyOf({ purpose, marketingChannel: channel, partnerId: null, piiCategory: null }))?.granted ?? false;
  return {
    sms: on('marketing', 'sms'),
    email: on('marketing', 'email'),
    push: on('marketing', 'push'),
    personalisedRecommendations: on('personalisation'),
  };
}

/** The partner sharing consents in force at `now`, granted and not lapsed, oldest first. */
export function partnerSharing<T extends ConsentState>(records: readonly T[], now: Date): T[] {
  return [...consentsInForce(records).values()]
    .filter((r) => r.purpose === 'partner_sharing' && r.granted && (!r.expiresAt || r.expiresAt > now))
    .sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
}

/** What a marketing preferences update asks for; absent fields stay as they are. */
export interface MarketingInput {
  sms?: boolean | null;
  email?: boolean | null;
  push?: boolean | null;
  personalisedRecommendations?: boolean | null;
}

/** The records an update appends: only what changes, so history shows real decisions. */
export function marketingChanges(input: MarketingInput, records: readonly ConsentState[]): ConsentChange[] {
  const now = marketingPreferences(records);
  const changes: ConsentChange[] = [];
  for (const channel of MARKETING_CHANNELS) {
    const wanted = input[channel];
    if (wanted !== undefined && wanted !== null && wanted !== now[channel]) {
      changes.push({ purpose: 'marketing', marketingChannel: channel, partnerId: null, piiCategory: null, granted: wanted });
    }
  }
  const wanted = input.personalisedRecommendations;
  if (wanted !== undefined && wanted !== null && wanted !== now.personalisedRecommendations) {
    changes.push({ purpose: 'personalisation', marketingChannel: null, partnerId: null, piiCategory: null, granted: wanted });
  }
  return changes;
}

/** Whether the partner currently receives the category. */
export function sharesWith(records: readonly ConsentState[], partnerId: string, category: string): boolean {
  return (
    consentsInForce(records).get(keyOf({ purpose: 'partner_sharing', marketingChannel: null, partnerId, piiCategory: category }))
      ?.granted ?? false
  );
}

/** An update that asks for nothing is a mistake worth telling. */
export function checkSomethingAsked(input: MarketingInput): void {
  if ([input.sms, input.email, input.push, input.personalisedRecommendations].every((v) => v === undefined || v === null)) {
    throw badInput('Say which preferences to change: sms, email, push or personalisedRecommendations.', 'input');
  }
}

/** The consents part of identity's export: acceptances and every consent record, oldest first. */
export function consentsExport(
  acceptances: readonly {
    acceptedAt: Date;
    channel: string;
    method: string;
    policy: { kind: string; version: string; textHash: string };
  }[],
  history: readonly (ConsentState & { channel: string; method: string })[],
) {
  const byTime = <T extends { at: string }>(a: T, b: T) => a.at.localeCompare(b.at);
  return {
    policyAcceptances: acceptances
      .map((a) => ({
        kind: a.policy.kind,
        version: a.policy.version,
        textHash: a.policy.textHash,
        at: a.acceptedAt.toISOString(),
        channel: a.channel,
        method: a.method,
      }))
      .sort(byTime),
    consents: history
      .map((r) => ({
        purpose: r.purpose,
        marketingChannel: r.marketingChannel,
        partnerId: r.partnerId,
        category: r.piiCategory,
        granted: r.granted,
        at: r.recordedAt.toISOString(),
        channel: r.channel,
        method: r.method,
      }))
      .sort(byTime),
  };
}
