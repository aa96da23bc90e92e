import { createHash } from 'node:crypto';
import { HttpError } from '@membership/subgraph';
import { VIEWER_HEADER, type Viewer, type ViewerSigner } from '@membership/viewer';
import { Lru } from '../pii/lru.js';

/** The header a partner sends its API key in. */
export const API_KEY_HEADER = 'x-api-key';

/** A partner admitted by its key. */
export type PartnerViewer = Extract<Viewer, { kind: 'partner' }>;

interface CallerAnswer {
  partner: string | null;
  keyId: string | null;
  allowedCategories: string[];
  agreementExpiresAt: string | null;
  refusal: 'unknown_key' | 'revoked_key' | 'expired_key' | 'agreement_expired' | null;
}

const CALLER = `query PartnerCaller($apiKey: String!) { partnerCaller(apiKey: $apiKey) { partner keyId allowedCategories agreementExpiresAt refusal } }`;
const GRANTS = `query PartnerConsentGrants($partner: String!, $memberIds: [ID!]!) { partnerConsentGrants(partner: $partner, memberIds: $memberIds) { memberId category } }`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What the gateway asks identity about partners: who a key admits, and what members share with them. */
export interface PartnerDirectory {
  /** The partner a key admits; refuses (HttpError) an unknown, revoked or expired key or an expired agreement. */
  admit(apiKey: string): Promise<PartnerViewer>;
  /** `${memberId} ${category}` for each kind of data each member shares with the partner now. */
  grants(partner: string, memberIds: readonly string[]): Promise<Set<string>>;
}

const grantKey = (memberId: string, category: string) => `${memberId} ${category}`;

/**
 * Identity as the partner directory, called with the gateway's own key (identity answers
 * these fields to that key only). Admissions are cached for `cacheSeconds`, keyed by the key's
 * hash, so a revoked key or an expired agreement stops within that bound; consents are never
 * cached: a withdrawn one hides the data on the partner's next request.
 */
export class IdentityPartnerDirectory implements PartnerDirectory {
  private readonly admissions = new Lru<string, { until: number; answer: CallerAnswer }>(10_000);

  constructor(
    private readonly url: () => string,
    private readonly signer: ViewerSigner,
    private readonly options: { timeoutMs: number; cacheSeconds: number; now?: () => number },
  ) {}

  private async call<T>(query: string, variables: Record<string, unknown>, requestId: string): Promise<T> {
    const request = { query, variables };
    const header = await this.signer.sign(
      { kind: 'service', service: this.signer.service },
      { audience: 'identity', body: request, requestId },
    );
    const response = await fetch(this.url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [VIEWER_HEADER]: header },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
    if (!response.ok || body.errors?.length || !body.data)
      throw new Error(`identity: ${response.status} ${body.errors?.map((e) => e.message).join('; ') ?? ''}`);
    return body.data;
  }

  async admit(apiKey: string): Promise<PartnerViewer> {
    const now = this.options.now?.() ?? Date.now();
    const cacheKey = sha256(apiKey);
    let answer = this.admissions.get(cacheKey);
    if (!answer || answer.until <= now) {
      let caller: CallerAnswer;
      try {
        caller = (await this.call<{ partnerCaller: CallerAnswer }>(CALLER, { apiKey }, 'partner-admission')).partnerCaller;
      } catch {
        throw new HttpError(503, 'Partner keys cannot be checked right now. Try again shortly.', 'SERVICE_UNAVAILABLE');
      }
      answer = { until: now + this.options.cacheSeconds * 1000, answer: caller };
      this.admissions.set(cacheKey, answer);
    }
    return admitted(answer.answer);
  }

  async grants(partner: string, memberIds: readonly string[]): Promise<Set<string>> {
    if (memberIds.length === 0) return new Set();
    const data = await this.call<{ partnerConsentGrants: { memberId: string; category: string }[] }>(
      GRANTS,
      { partner, memberIds },
      'partner-consents',
    );
    return new Set(data.partnerConsentGrants.map((g) => grantKey(g.memberId, g.category)));
  }
}

/** The viewer for an admitted key, or the refusal a partner can act on. */
function admitted(caller: CallerAnswer): PartnerViewer {
  switch (caller.refusal) {
    case null:
      return { kind: 'partner', partnerId: caller.partner!, categories: caller.allowedCategories, keyId: caller.keyId! };
    case 'agreement_expired':
      throw new HttpError(
        403,
        `Partner ${caller.partner}'s data-sharing agreement expired on ${caller.agreementExpiresAt?.slice(0, 10)}; requests are refused until a renewed agreement is registered.`,
        'AGREEMENT_EXPIRED',
      );
    case 'revoked_key':
      throw new HttpError(401, 'This API key was revoked. Use a current key.', 'UNAUTHENTICATED');
    case 'expired_key':
      throw new HttpError(401, 'This API key was rotated and its overlap has ended. Use the new key.', 'UNAUTHENTICATED');
    default:
      throw new HttpError(401, 'This API key is not valid.', 'UNAUTHENTICATED');
  }
}
