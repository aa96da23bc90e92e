import type { MemberBan } from './records.js';
import type { BanStore, SessionStore, StaffStore } from './stores.js';

/** What the gateway asks about an access token: whose, and the session it names. */
export interface SessionQuestion {
  kind: 'member' | 'staff';
  subject: string;
  /** The token's `sid`: a member's sign-in (refresh-token family id) or a staff account's session version. */
  session: string;
}

/** Why a token's session no longer holds. */
export type SessionEnd = 'signed-out' | 'erased' | 'banned' | 'disabled' | 'changed' | 'unknown';

export type SessionVerdict = { valid: true } | { valid: false; reason: SessionEnd };

export interface SessionCheckDeps {
  sessions: Pick<SessionStore, 'memberSession'>;
  bans: Pick<BanStore, 'inForce'>;
  staff: Pick<StaffStore, 'byId'>;
  now: () => Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ended = (reason: SessionEnd): SessionVerdict => ({ valid: false, reason });

/**
 * Whether an access token identity issued still stands: a member's sign-in not ended
 * (logout, password change or reset, reuse of a refresh token, a ban) and the member
 * neither erased nor banned; a staff account not disabled and still at the session version
 * the token was issued under (roles, password and disabling move it on).
 */
export async function sessionStatus(deps: SessionCheckDeps, question: SessionQuestion): Promise<SessionVerdict> {
  if (!UUID.test(question.subject)) return ended('unknown');
  if (question.kind === 'member') {
    if (!UUID.test(question.session)) return ended('unknown');
    const state = await deps.sessions.memberSession(question.subject, question.session);
    if (!state) return ended('unknown');
    if (state.erased) return ended('erased');
    if ((await deps.bans.inForce(question.subject, deps.now())).length > 0) return ended('banned');
    return state.live ? { valid: true } : ended('signed-out');
  }
  const account = await deps.staff.byId(question.subject);
  if (!account) return ended('unknown');
  if (account.disabledAt) return ended('disabled');
  return String(account.sessionVersion) === question.session ? { valid: true } : ended('changed');
}

/** The ban that lasts longest: one without an end before any that ends. */
export function longestBan(bans: readonly MemberBan[]): MemberBan | undefined {
  let longest: MemberBan | undefined;
  for (const ban of bans) {
    if (!longest || ban.endsAt === null || (longest.endsAt !== null && ban.endsAt > longest.endsAt)) longest = ban;
    if (longest.endsAt === null) break;
  }
  return longest;
}

/** What a banned member is told when signing in. */
export function bannedMessage(ban: MemberBan): string {
  return ban.endsAt
    ? `This account is banned until ${ban.endsAt.toISOString()}. You can sign in again after that.`
    : 'This account is banned with no end date. Contact support to appeal.';
}
