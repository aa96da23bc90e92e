import { randomUUID } from 'node:crypto';
import { conflict, notFound } from '@membership/domain';
import type { StaffOperationStore } from './stores.js';
import {
  keyRefusal,
  newApiKey,
  parseApiKey,
  rotationOverlapHours,
  secretMatches,
  validateAgreement,
  validateKeyScopes,
  validatePartnerName,
  type AgreementInput,
} from './partner-rules.js';
import type { Actor } from './staff.js';

export interface PartnerRow {
  id: string;
  name: string;
  legalName: string;
  agreementReference: string;
  agreementSignedAt: Date;
  agreementExpiresAt: Date;
  allowedCategories: string[];
  createdAt: Date;
  createdBy: string;
}

export interface PartnerApiKeyRow {
  id: string;
  partnerId: string;
  prefix: string;
  secretHash: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/** Partners, their keys, and which members share what with them (the consent records). */
export interface PartnerStore {
  all(): Promise<PartnerRow[]>;
  byId(id: string): Promise<PartnerRow | undefined>;
  byName(name: string): Promise<PartnerRow | undefined>;
  /** Inserts the partner; false when the name is taken. */
  insert(row: PartnerRow): Promise<boolean>;
  keysOf(partnerIds: readonly string[]): Promise<Map<string, PartnerApiKeyRow[]>>;
  key(id: string): Promise<PartnerApiKeyRow | undefined>;
  /** The key with this prefix and its partner. */
  keyByPrefix(prefix: string): Promise<{ key: PartnerApiKeyRow; partner: PartnerRow } | undefined>;
  insertKey(row: PartnerApiKeyRow): Promise<void>;
  /** Sets expiresAt or revokedAt where they are not set (or later); returns the key as it is now. */
  endKey(id: string, change: { expiresAt?: Date; revokedAt?: Date }): Promise<PartnerApiKeyRow | undefined>;
  /** Which (member, category) pairs the partner receives now: the newest consent granted and not lapsed. */
  consentGrants(partner: string, memberIds: readonly string[], now: Date): Promise<{ memberId: string; category: string }[]>;
}

export interface PartnerDeps {
  partners: PartnerStore;
  operations: StaffOperationStore;
  transaction<T>(work: (tx: { partners: PartnerStore; operations: StaffOperationStore }) => Promise<T>): Promise<T>;
  now: () => Date;
}

const agreementInForce = (p: PartnerRow, now: Date) => p.agreementSignedAt <= now && now < p.agreementExpiresAt;

/** A partner's agreement as the graph shows it. */
export interface AgreementView {
  reference: string;
  signedAt: Date;
  expiresAt: Date;
  allowedCategories: string[];
  inForce: boolean;
}

/** A key as the graph shows it: never its hash. */
export type PartnerKeyView = Omit<PartnerApiKeyRow, 'secretHash'> & { active: boolean };

/** A partner as the graph shows it. */
export const presentPartner = (p: PartnerRow, now: Date): PartnerRow & { agreement: AgreementView } => ({
  ...p,
  agreement: {
    reference: p.agreementReference,
    signedAt: p.agreementSignedAt,
    expiresAt: p.agreementExpiresAt,
    allowedCategories: p.allowedCategories,
    inForce: agreementInForce(p, now),
  },
});

export const presentKey = ({ secretHash: _hash, ...k }: PartnerApiKeyRow, now: Date): PartnerKeyView => ({
  ...k,
  active: keyRefusal(k, now) === null,
});

/** Registers a partner under its agreement; the name must be free. In the staff operation log. */
export async function registerPartner(
  deps: PartnerDeps,
  actor: Actor,
  input: AgreementInput & { name: string },
  reason: string,
): Promise<PartnerRow> {
  const now = deps.now();
  const name = validatePartnerName(input.name);
  const agreement = validateAgreement(input, now);
  const row: PartnerRow = {
    id: randomUUID(),
    name,
    ...agreement,
    allowedCategories: [...agreement.allowedCategories],
    createdAt: now,
    createdBy: actor.id,
  };
  return deps.transaction(async (tx) => {
    if (!(await tx.partners.insert(row))) throw conflict(`A partner named ${name} is already registered.`, 'name');
    await tx.operations.record({
      actor,
      reason,
      operation: 'partner.register',
      target: { type: 'partner', id: row.id },
      after: {
        name,
        agreementReference: row.agreementReference,
        agreementExpiresAt: row.agreementExpiresAt.toISOString(),
        allowedCategories: row.allowedCategories,
      },
      at: now,
    });
    return row;
  });
}

/** A new key for the partner; the secret is returned this once and only its hash is kept. */
export async function issuePartnerApiKey(deps: PartnerDeps, actor: Actor, partnerId: string, scopes: readonly string[], reason: string) {
  const partner = await deps.partners.byId(partnerId);
  if (!partner) throw notFound('No partner has this id.');
  return issueKey(deps, actor, partner, validateKeyScopes(scopes), reason, 'partner.key.issue');
}

async function issueKey(
  deps: PartnerDeps,
  actor: Actor,
  partner: PartnerRow,
  scopes: string[],
  reason: string,
  operation: string,
  replaces?: { id: string; expiresAt: Date },
) {
  const now = deps.now();
  const { key, prefix, secretHash } = newApiKey();
  const row: PartnerApiKeyRow = {
    id: randomUUID(),
    partnerId: partner.id,
    prefix,
    secretHash,
    scopes,
    createdAt: now,
    expiresAt: null,
    revokedAt: null,
  };
  await deps.transaction(async (tx) => {
    await tx.partners.insertKey(row);
    if (replaces) await tx.partners.endKey(replaces.id, { expiresAt: replaces.expiresAt });
    await tx.operations.record({
      actor,
      reason,
      operation,
      target: { type: 'partner_api_key', id: row.id },
      after: {
        partner: partner.name,
        prefix,
        scopes,
        ...(replaces ? { replaces: replaces.id, oldKeyExpiresAt: replaces.expiresAt.toISOString() } : {}),
      },
      at: now,
    });
  });
  return { key, apiKey: row };
}

/** A replacement key; the old one keeps working for `overlapHours` (default 24), then stops. */
export async function rotatePartnerApiKey(
  deps: PartnerDeps,
  actor: Actor,
  keyId: string,
  overlapHours: number | null | undefined,
  reason: string,
) {
  const hours = rotationOverlapHours(overlapHours);
  const old = await deps.partners.key(keyId);
  if (!old) throw notFound('No partner key has this id.');
  const now = deps.now();
  if (keyRefusal(old, now)) throw conflict('This key no longer works; issue a new key instead of rotating it.', 'keyId');
  const partner = (await deps.partners.byId(old.partnerId))!;
  return issueKey(deps, actor, partner, old.scopes, reason, 'partner.key.rotate', {
    id: old.id,
    expiresAt: new Date(now.getTime() + hours * 3_600_000),
  });
}

/** Stops a key now. Revoking a revoked key changes nothing. */
export async function revokePartnerApiKey(deps: PartnerDeps, actor: Actor, keyId: string, reason: string): Promise<PartnerApiKeyRow> {
  const now = deps.now();
  return deps.transaction(async (tx) => {
    const key = await tx.partners.endKey(keyId, { revokedAt: now });
    if (!key) throw notFound('No partner key has this id.');
    await tx.operations.record({
      actor,
      reason,
      operation: 'partner.key.revoke',
      target: { type: 'partner_api_key', id: key.id },
      after: { prefix: key.prefix },
      at: now,
    });
    return key;
  });
}

export type PartnerRefusal = 'unknown_key' | 'revoked_key' | 'expired_key' | 'agreement_expired';

/** Who an API key admits, for the gateway; every refusal says why, never which part of the key was wrong. */
export async function partnerCaller(deps: Pick<PartnerDeps, 'partners' | 'now'>, apiKey: string) {
  const refused = (refusal: PartnerRefusal, partner?: PartnerRow) => ({
    partner: partner?.name ?? null,
    keyId: null,
    scopes: [],
    allowedCategories: [],
    agreementExpiresAt: partner?.agreementExpiresAt ?? null,
    refusal,
  });
  const parsed = parseApiKey(apiKey);
  if (!parsed) return refused('unknown_key');
  const found = await deps.partners.keyByPrefix(parsed.prefix);
  if (!found || !secretMatches(parsed.secret, found.key.secretHash)) return refused('unknown_key');
  const now = deps.now();
  const keyProblem = keyRefusal(found.key, now);
  if (keyProblem) return refused(keyProblem === 'revoked' ? 'revoked_key' : 'expired_key');
  if (!agreementInForce(found.partner, now)) return refused('agreement_expired', found.partner);
  return {
    partner: found.partner.name,
    keyId: found.key.id,
    scopes: found.key.scopes,
    allowedCategories: found.partner.allowedCategories,
    agreementExpiresAt: found.partner.agreementExpiresAt,
    refusal: null,
  };
}
