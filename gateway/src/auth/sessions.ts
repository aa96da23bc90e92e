import { VIEWER_HEADER, type SignedInToken, type ViewerSigner } from '@membership/viewer';
import { Lru } from '../pii/lru.js';

/** Whether a token's session still holds, as identity says; `unavailable` when identity could not be asked. */
export type SessionAnswer = { holds: true } | { holds: false; reason: string } | { unavailable: true };

/** Asks whether the session an access token names still holds (logout, bans, staff changes end it). */
export interface SessionCheck {
  check(token: SignedInToken & { session: string }, requestId: string): Promise<SessionAnswer>;
}

const QUERY =
  'query SessionStatus($kind: String!, $subject: String!, $session: String!) { sessionStatus(kind: $kind, subject: $subject, session: $session) { valid reason } }';

/**
 * The session check against identity, which issued the token: one signed call (the gateway
 * as itself, for identity's internal `sessionStatus`), its answer kept for `ttlMs` so a
 * signed-in caller costs identity one call per few seconds, not one per request. A session
 * that ends is refused within `ttlMs`. Calls in flight for the same session are shared.
 */
export class IdentitySessions implements SessionCheck {
  private readonly answers = new Lru<string, { answer: SessionAnswer; at: number }>(50_000);
  private readonly inflight = new Map<string, Promise<SessionAnswer>>();

  constructor(
    private readonly url: () => string,
    private readonly signer: ViewerSigner,
    private readonly options: { ttlMs: number; timeoutMs: number; now?: () => number },
  ) {}

  async check(token: SignedInToken & { session: string }, requestId: string): Promise<SessionAnswer> {
    const subject = token.viewer.kind === 'member' ? token.viewer.memberId : token.viewer.staffId;
    const key = `${token.viewer.kind}:${subject}:${token.session}`;
    const now = (this.options.now ?? Date.now)();
    const cached = this.answers.get(key);
    if (cached && now - cached.at < this.options.ttlMs) return cached.answer;
    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.ask({ kind: token.viewer.kind, subject, session: token.session }, requestId).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    const answer = await pending;
    if (!('unavailable' in answer) && this.options.ttlMs > 0) this.answers.set(key, { answer, at: now });
    return answer;
  }

  private async ask(variables: { kind: string; subject: string; session: string }, requestId: string): Promise<SessionAnswer> {
    const request = { query: QUERY, operationName: 'SessionStatus', variables };
    try {
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
      const body = (await response.json()) as { data?: { sessionStatus?: { valid: boolean; reason: string | null } } };
      const status = body.data?.sessionStatus;
      if (!response.ok || !status) return { unavailable: true };
      return status.valid ? { holds: true } : { holds: false, reason: status.reason ?? 'unknown' };
    } catch {
      return { unavailable: true };
    }
  }
}
