import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '@membership/db';
import { DomainError, badInput, conflict, unauthenticated } from '@membership/subgraph';
import { issueAccessToken } from '@membership/viewer';
import type { MemberRow, MembersRepository } from '../db/members-repository.js';
import { normaliseEmail, normalisePhone, parseLogin, validateDisplayName } from './contact.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password-hash.js';
import { checkPassword } from './password-policy.js';
import { secondsLocked, type LockoutPolicy } from './lockout.js';

export interface AccountsDeps {
  members: MembersRepository;
  now: () => Date;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  lockout: LockoutPolicy;
}

export interface RegisterInput {
  email?: string | null;
  phone?: string | null;
  password: string;
  displayName: string;
  /** Fixed id for seeding; clients never choose ids. */
  id?: string;
}

export interface SignedIn {
  accessToken: string;
  expiresAt: Date;
  member: MemberRow;
}

async function signIn(deps: AccountsDeps, member: MemberRow): Promise<SignedIn> {
  const { token, expiresAt } = await issueAccessToken({ sub: member.id, kind: 'member' }, deps.jwtSecret, {
    ttlSeconds: deps.accessTokenTtlSeconds,
    now: deps.now(),
  });
  return { accessToken: token, expiresAt, member };
}

/** Validates everything first, then writes the member and its event together. */
export async function register(deps: AccountsDeps, input: RegisterInput): Promise<SignedIn> {
  if (!input.email && !input.phone) throw badInput('Give an email address or a phone number to register with.', 'email');
  const email = input.email ? normaliseEmail(input.email) : undefined;
  const phone = input.phone ? normalisePhone(input.phone) : undefined;
  const displayName = validateDisplayName(input.displayName);
  checkPassword(input.password, { email, phone });

  const taken = await deps.members.takenContacts(email, phone);
  if (taken.email) throw conflict('An account with this email address already exists. Sign in instead.', 'email');
  if (taken.phone) throw conflict('An account with this phone number already exists. Sign in instead.', 'phone');

  const registeredAt = deps.now();
  try {
    const member = await deps.members.register(
      { id: input.id ?? randomUUID(), displayName, email, phone, passwordHash: await hashPassword(input.password), registeredAt },
      email ? 'email' : 'phone',
    );
    return await signIn(deps, member);
  } catch (error) {
    // Two registrations racing for the same contact: the unique index decides.
    if (isUniqueViolation(error)) throw conflict('An account with this email address or phone number already exists.');
    throw error;
  }
}

const WRONG_CREDENTIALS = 'The email address, phone number or password is wrong.';

/**
 * Checks the password. Wrong passwords are counted; at the policy's limit the account
 * locks for a while and says when to try again.
 */
export async function login(deps: AccountsDeps, input: { login: string; password: string }): Promise<SignedIn> {
  const member = await deps.members.byLogin(parseLogin(input.login));
  if (!member) {
    await verifyPassword(input.password, await DUMMY_HASH);
    throw unauthenticated(WRONG_CREDENTIALS);
  }
  const now = deps.now();
  const locked = secondsLocked(member.lockedUntil, now);
  if (locked > 0) throw lockedError(locked);
  if (!(await verifyPassword(input.password, member.passwordHash))) {
    const after = await deps.members.recordFailedLogin(member.id, now, deps.lockout.maxFailures, deps.lockout.lockMinutes);
    const nowLocked = secondsLocked(after?.lockedUntil ?? null, now);
    if (nowLocked > 0) throw lockedError(nowLocked);
    throw unauthenticated(WRONG_CREDENTIALS);
  }
  if (member.failedLogins > 0 || member.lockedUntil) await deps.members.clearFailedLogins(member.id);
  return signIn(deps, member);
}

function lockedError(seconds: number): DomainError {
  const minutes = Math.ceil(seconds / 60);
  return new DomainError(
    'RATE_LIMITED',
    `Too many wrong passwords. This account is locked; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    undefined,
    { retryAfterSeconds: seconds },
  );
}
