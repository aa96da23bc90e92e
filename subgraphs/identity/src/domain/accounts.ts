import { randomUUID } from 'node:crypto';
import { DomainError, badInput, conflict, unauthenticated } from '@membership/domain';
import { issueAccessToken } from '@membership/viewer';
import { normaliseEmail, normalisePhone, parseLogin, validateDisplayName } from './contact.js';
import { lookupHash, sameHash, secretHash, type KeyRing } from './encryption.js';
import { afterFailedLogin, secondsLocked, type LockoutPolicy } from './lockout.js';
import { recipientHint, type Notifier } from './notifier.js';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password-hash.js';
import { checkPassword } from './password-policy.js';
import { asLanguage, DEFAULT_LANGUAGE, translate, type Language } from '../messages/index.js';
import { RESET_CODE_MESSAGES, resetCodeMessage, resetCodeRow, wrongResetCodeMessage } from './password-reset.js';
import {
  CODE_MESSAGES,
  codeMessage,
  codeRefusal,
  codeRow,
  newCode,
  secondsBeforeResend,
  wrongCodeMessage,
  type RegistrationCodePolicy,
} from './registration-codes.js';
import type { Member } from './records.js';
import { countCodeSend, type CodeSendLimits, type RateCounter } from './rate-limits.js';
import { bannedMessage, longestBan } from './session-check.js';
import { REFRESH_MESSAGES, newRefreshSecret, refreshRefusal, refreshTokenRow, type RefreshPolicy } from './sessions.js';
import {
  AlreadyExists,
  type BanStore,
  type IdentityStores,
  type MemberStore,
  type PasswordResetCodeStore,
  type RegistrationCodeStore,
  type SessionStore,
  type Transaction,
} from './stores.js';

export interface AccountsDeps {
  members: MemberStore;
  registration: {
    codes: RegistrationCodeStore;
    notifier: Notifier;
    policy: RegistrationCodePolicy;
    counter: RateCounter;
    limits: CodeSendLimits;
  };
  /** Reset codes go through `registration.notifier` and follow `registration.policy` (lifetime, attempts, resend delay). */
  passwordReset: { codes: PasswordResetCodeStore };
  sessions: SessionStore;
  bans: BanStore;
  transaction: Transaction;
  ring: KeyRing;
  now: () => Date;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refresh: RefreshPolicy;
  lockout: LockoutPolicy;
}

export interface RegisterInput {
  email?: string | null;
  phone?: string | null;
  password: string;
  displayName: string;
  /** The one-time code sent to the email (or the phone when there is no email). */
  code?: string | null;
  /** Fixed id for seeding; clients never choose ids. */
  id?: string;
  /** The language to speak to the member in; zh-CN when absent. */
  language?: Language | null;
}

export interface SignedIn {
  accessToken: string;
  expiresAt: Date;
  refreshToken: string;
  refreshExpiresAt: Date;
  member: Member;
}

const refreshHash = (deps: AccountsDeps, token: string) => secretHash(deps.ring, 'refresh-token', token);

/** An access token of the member's sign-in `familyId`: it works while that sign-in does. */
async function accessToken(deps: AccountsDeps, memberId: string, familyId: string) {
  return issueAccessToken({ sub: memberId, kind: 'member', sid: familyId }, deps.jwtSecret, {
    ttlSeconds: deps.accessTokenTtlSeconds,
    now: deps.now(),
  });
}

/** Starts a new session (a new refresh-token family) for a member who proved who they are. */
async function signIn(deps: AccountsDeps, member: Member): Promise<SignedIn> {
  const refreshToken = newRefreshSecret();
  const row = refreshTokenRow(refreshHash(deps, refreshToken), deps.now(), deps.refresh);
  await deps.sessions.issue({ ...row, memberId: member.id });
  const { token, expiresAt } = await accessToken(deps, member.id, row.familyId);
  return { accessToken: token, expiresAt, refreshToken, refreshExpiresAt: row.expiresAt, member };
}

/** Who asked for a registration code, and where it went. */
export interface CodeSent {
  channel: 'email' | 'phone';
  /** The contact, masked. */
  sentTo: string;
  expiresAt: Date;
  /** When another code may be asked for. */
  resendAfter: Date;
}

/** The keyed hash a code is kept as; one scheme for registration and contact verification codes. */
export const codeHash = (deps: Pick<AccountsDeps, 'ring'>, id: string, code: string) =>
  secretHash(deps.ring, `registration-code:${id}`, code);

/**
 * Sends a one-time registration code to an email address or phone number. The answer does
 * not say whether an account already uses it: the existing owner gets a message through the
 * same channel instead of a code (someone tried to register with their address), and both
 * paths count against the same limits (per contact, per client address, in all) and the same
 * resend delay, and store a code the same way (one sent to nobody, for a taken contact).
 */
export async function requestRegistrationCode(
  deps: AccountsDeps,
  input: { email?: string | null; phone?: string | null; language?: Language | null },
  clientAddress?: string,
): Promise<CodeSent> {
  if (input.email && input.phone) throw badInput('Ask for a code for an email address or for a phone number, not both at once.', 'phone');
  if (!input.email && !input.phone) throw badInput('Give the email address or phone number to send the code to.', 'email');
  const channel = input.email ? 'email' : 'phone';
  const contact = input.email ? normaliseEmail(input.email) : normalisePhone(input.phone!);
  const now = deps.now();
  const policy = deps.registration.policy;
  const contactLookup = lookupHash(deps.ring, channel, contact);
  await countCodeSend(
    deps.registration.counter,
    deps.registration.limits,
    { purpose: 'registration-code', contactLookup, clientAddress },
    now,
  );
  const wait = secondsBeforeResend(await deps.registration.codes.latest(contactLookup), now, policy);
  if (wait > 0) {
    throw new DomainError('RATE_LIMITED', `A code was just sent. Ask for another in ${wait} second${wait === 1 ? '' : 's'}.`, channel, {
      retryAfterSeconds: wait,
    });
  }
  const taken = await deps.members.takenContacts(channel === 'email' ? contact : undefined, channel === 'phone' ? contact : undefined);
  // The person asking chose the language of their code; a contact's owner is told in their own.
  const owner =
    taken.email || taken.phone ? await deps.members.byLogin(channel === 'email' ? { email: contact } : { phone: contact }) : undefined;
  const language = owner ? asLanguage(owner.language) : (input.language ?? DEFAULT_LANGUAGE);
  const code = newCode();
  const row = codeRow(channel, contactLookup, (id) => codeHash(deps, id, code), now, policy);
  await deps.registration.codes.create(row);
  const notifierChannel = channel === 'email' ? 'email' : 'sms';
  await deps.registration.notifier.send(
    taken.email || taken.phone
      ? {
          channel: notifierChannel,
          to: contact,
          recipientLookup: contactLookup,
          template: 'account-exists',
          subject: translate(language, 'message.account-exists.subject'),
          body: translate(language, `message.account-exists.${channel}.body`),
        }
      : {
          channel: notifierChannel,
          to: contact,
          recipientLookup: contactLookup,
          template: 'registration-code',
          subject: translate(language, 'message.registration-code.subject'),
          body: codeMessage(language, code, policy),
        },
  );
  return {
    channel,
    sentTo: recipientHint(notifierChannel, contact),
    expiresAt: row.expiresAt,
    resendAfter: new Date(now.getTime() + policy.resendSeconds * 1000),
  };
}

/**
 * Checks a registration code against the newest one sent to `contact`. A wrong code
 * counts against the code's attempts. Returns the code's id, to be used up with the
 * registration.
 */
async function checkCode(deps: AccountsDeps, channel: 'email' | 'phone', contact: string, code: string): Promise<string> {
  const now = deps.now();
  const policy = deps.registration.policy;
  const row = await deps.registration.codes.latest(lookupHash(deps.ring, channel, contact));
  const refusal = codeRefusal(row, now, policy);
  if (refusal || !row) throw badInput(CODE_MESSAGES[refusal ?? 'none'], 'code');
  if (!sameHash(codeHash(deps, row.id, code.trim()), row.codeHash)) {
    const attempts = await deps.registration.codes.countWrongAttempt(row.id, policy.maxAttempts);
    throw badInput(wrongCodeMessage(attempts, policy), 'code');
  }
  return row.id;
}

/** How registration is called: seeding (trusted code) may skip the one-time code. */
export interface RegisterOptions {
  seeding?: boolean;
  /** What else must be written with the account, in its transaction (the policy acceptances). */
  withAccount?: (tx: IdentityStores, member: Member, at: Date) => Promise<void>;
}

/**
 * Validates everything first, then writes the member, its data key and its event
 * together. With a code (required unless the policy allows otherwise), the code must be
 * the one sent to the email address, or to the phone number when there is no email;
 * it is used up in the same transaction and marks that contact verified.
 */
export async function register(deps: AccountsDeps, input: RegisterInput, options: RegisterOptions = {}): Promise<SignedIn> {
  if (!input.email && !input.phone) throw badInput('Give an email address or a phone number to register with.', 'email');
  const email = input.email ? normaliseEmail(input.email) : undefined;
  const phone = input.phone ? normalisePhone(input.phone) : undefined;
  const displayName = validateDisplayName(input.displayName);
  checkPassword(input.password, { email, phone });
  const channel = email ? 'email' : 'phone';
  const code = input.code?.trim() || undefined;
  if (!code && deps.registration.policy.required && !options.seeding) {
    throw badInput(`Ask for a registration code with requestRegistrationCode and send it with register.`, 'code');
  }

  // The code first: only whoever receives messages at the contact learns that it has an account.
  const codeId = code ? await checkCode(deps, channel, channel === 'email' ? email! : phone!, code) : undefined;
  const taken = await deps.members.takenContacts(email, phone);
  if (taken.email || taken.phone) {
    // The code is used up, so one code cannot probe one contact after another.
    if (codeId) await deps.registration.codes.consume(codeId, deps.now(), deps.registration.policy.maxAttempts);
    if (taken.email) throw conflict('An account with this email address already exists. Sign in instead.', 'email');
    throw conflict('An account with this phone number already exists. Sign in instead.', 'phone');
  }

  const registeredAt = deps.now();
  const passwordHash = await hashPassword(input.password);
  try {
    const member = await deps.transaction(async (tx) => {
      const registered = await tx.members.register(
        {
          id: input.id ?? randomUUID(),
          displayName,
          email,
          phone,
          passwordHash,
          registeredAt,
          emailVerifiedAt: codeId && channel === 'email' ? registeredAt : null,
          phoneVerifiedAt: codeId && channel === 'phone' ? registeredAt : null,
          language: input.language ?? DEFAULT_LANGUAGE,
        },
        channel,
      );
      if (codeId && !(await tx.registrationCodes.consume(codeId, registeredAt, deps.registration.policy.maxAttempts))) {
        throw badInput(CODE_MESSAGES.used, 'code');
      }
      await options.withAccount?.(tx, registered, registeredAt);
      return registered;
    });
    return await signIn(deps, member);
  } catch (error) {
    // Two registrations racing for the same contact: the unique index decides.
    if (error instanceof AlreadyExists) throw conflict('An account with this email address or phone number already exists.');
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
    await countFailure(deps, member.id, now);
    throw unauthenticated(WRONG_CREDENTIALS);
  }
  if (member.failedLogins > 0 || member.lockCount > 0 || member.lockedUntil) await deps.members.clearFailedLogins(member.id);
  // Told only to whoever knows the password: the ban is nobody else's business.
  await refuseBanned(deps, member.id);
  return signIn(deps, member);
}

/** A member under a ban gets no session: FORBIDDEN, saying until when. */
async function refuseBanned(deps: Pick<AccountsDeps, 'bans' | 'now'>, memberId: string): Promise<void> {
  const ban = longestBan(await deps.bans.inForce(memberId, deps.now()));
  if (ban) throw new DomainError('FORBIDDEN', bannedMessage(ban), undefined, { bannedUntil: ban.endsAt?.toISOString() ?? null });
}

/** Counts a wrong password; throws the lock when this one locked the account. */
async function countFailure(deps: AccountsDeps, memberId: string, now: Date): Promise<void> {
  const after = await deps.transaction((tx) =>
    tx.members.recordFailedLogin(memberId, (state) => afterFailedLogin(state, deps.lockout, now)),
  );
  const locked = secondsLocked(after?.lockedUntil ?? null, now);
  if (locked > 0) throw lockedError(locked);
}

export function lockedError(seconds: number): DomainError {
  const minutes = Math.ceil(seconds / 60);
  return new DomainError(
    'RATE_LIMITED',
    `Too many wrong passwords. This account is locked; try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    undefined,
    { retryAfterSeconds: seconds },
  );
}

/**
 * Exchanges a refresh token for a new access token and a new refresh token (rotation).
 * Presenting a token that was already exchanged ends every session of its family.
 */
export async function refreshSession(deps: AccountsDeps, refreshToken: string): Promise<SignedIn> {
  const now = deps.now();
  const hash = refreshHash(deps, refreshToken);
  const nextToken = newRefreshSecret();
  const next = refreshTokenRow(refreshHash(deps, nextToken), now, deps.refresh);
  const used = await deps.transaction((tx) =>
    tx.sessions.rotate(hash, now, { id: next.id, tokenHash: next.tokenHash, issuedAt: next.issuedAt, expiresAt: next.expiresAt }),
  );
  if (!used) {
    const row = await deps.sessions.byHash(hash);
    const refusal = refreshRefusal(row, now);
    if (refusal === 'reused' && row) await deps.sessions.revokeFamily(row.familyId, now, 'reuse');
    throw unauthenticated(REFRESH_MESSAGES[refusal]);
  }
  const member = await deps.members.byId(used.memberId);
  if (!member) throw unauthenticated(REFRESH_MESSAGES.unknown);
  await refuseBanned(deps, member.id);
  const { token, expiresAt } = await accessToken(deps, member.id, used.familyId);
  return { accessToken: token, expiresAt, refreshToken: nextToken, refreshExpiresAt: next.expiresAt, member };
}

/** Ends the session the refresh token belongs to. Ending an ended session is fine. */
export async function logout(deps: AccountsDeps, refreshToken: string): Promise<boolean> {
  const row = await deps.sessions.byHash(refreshHash(deps, refreshToken));
  if (!row) throw unauthenticated(REFRESH_MESSAGES.unknown);
  await deps.sessions.revokeFamily(row.familyId, deps.now(), 'logout');
  return true;
}

/**
 * Changes a signed-in member's password. The current password must be right (wrong
 * ones count towards the lock); every existing session ends and a new one starts.
 */
export async function changePassword(
  deps: AccountsDeps,
  memberId: string,
  input: { currentPassword: string; newPassword: string },
): Promise<SignedIn> {
  const member = await deps.members.byId(memberId);
  if (!member) throw unauthenticated('Your account no longer exists.');
  const now = deps.now();
  const locked = secondsLocked(member.lockedUntil, now);
  if (locked > 0) throw lockedError(locked);
  if (!(await verifyPassword(input.currentPassword, member.passwordHash))) {
    await countFailure(deps, member.id, now);
    throw badInput('Your current password is wrong.', 'currentPassword');
  }
  checkPassword(input.newPassword, { email: member.email ?? undefined, phone: member.phone ?? undefined }, 'newPassword');
  if (input.newPassword === input.currentPassword) throw badInput('Choose a password different from your current one.', 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  // Every session ends with the old password, or neither happens.
  await deps.transaction(async (tx) => {
    await tx.members.changePassword(member.id, passwordHash, now);
    await tx.sessions.revokeAllForMember(member.id, now, 'password-change');
  });
  return signIn(deps, { ...member, passwordHash, passwordChangedAt: now, failedLogins: 0, lockedUntil: null });
}

/** What a person is told after asking for a password reset, whether or not the account exists. */
export interface PasswordResetRequested {
  channel: 'email' | 'phone';
  /** The login given, masked. */
  sentTo: string;
  /** When a code sent now stops working. */
  expiresAt: Date;
}

const resetCodeHash = (deps: Pick<AccountsDeps, 'ring'>, id: string, code: string) =>
  secretHash(deps.ring, `password-reset-code:${id}`, code);

/**
 * Sends a one-time password reset code to the email address or phone number an account
 * signs in with. The answer is the same whether or not such an account exists, and
 * asking again within the resend interval quietly sends nothing, so neither reveals an
 * account. Only the code's keyed hash is stored.
 */
/** What asking for a password reset needs: no more than a unit test has to give. */
export interface PasswordResetRequestDeps extends Pick<AccountsDeps, 'ring' | 'now'> {
  members: Pick<MemberStore, 'byLogin'>;
  passwordReset: { codes: Pick<PasswordResetCodeStore, 'latest' | 'create'> };
  registration: Pick<AccountsDeps['registration'], 'notifier' | 'policy' | 'counter' | 'limits'>;
}

export async function requestPasswordReset(
  deps: PasswordResetRequestDeps,
  rawLogin: string,
  clientAddress?: string,
): Promise<PasswordResetRequested> {
  const parsed = parseLogin(rawLogin);
  const channel = 'email' in parsed ? 'email' : 'phone';
  const contact = 'email' in parsed ? parsed.email : parsed.phone;
  const now = deps.now();
  // Counted before the account is looked up, account or not: the limits tell nothing either.
  const contactLookup = lookupHash(deps.ring, channel, contact);
  await countCodeSend(
    deps.registration.counter,
    deps.registration.limits,
    { purpose: 'password-reset-code', contactLookup, clientAddress },
    now,
  );
  const policy = deps.registration.policy;
  const answer: PasswordResetRequested = {
    channel,
    sentTo: recipientHint(channel === 'email' ? 'email' : 'sms', contact),
    expiresAt: new Date(now.getTime() + policy.ttlMinutes * 60_000),
  };
  const member = await deps.members.byLogin(parsed);
  if (!member) return answer;
  if (secondsBeforeResend(await deps.passwordReset.codes.latest(member.id), now, policy) > 0) return answer;
  const code = newCode();
  const row = resetCodeRow(member.id, channel, (id) => resetCodeHash(deps, id, code), now, policy);
  await deps.passwordReset.codes.create(row);
  await deps.registration.notifier.send({
    channel: channel === 'email' ? 'email' : 'sms',
    to: contact,
    recipientLookup: contactLookup,
    template: 'password-reset-code',
    // In the member's language: the account is known by now.
    subject: translate(asLanguage(member.language), 'message.password-reset-code.subject'),
    body: resetCodeMessage(asLanguage(member.language), code, policy),
  });
  return answer;
}

/**
 * Sets a new password with the code from requestPasswordReset. The code is checked
 * first (a wrong one counts against its attempts), then the password policy; then, in
 * one transaction, the code is used up, the password set, the lock cleared and every
 * session (refresh token) of the member revoked. The member signs in afresh.
 */
export async function resetPassword(deps: AccountsDeps, input: { login: string; code: string; newPassword: string }): Promise<boolean> {
  const parsed = parseLogin(input.login);
  const code = input.code.trim();
  if (!/^\d{6}$/.test(code)) throw badInput('A password reset code is the 6 digits from the message we sent.', 'code');
  const now = deps.now();
  const policy = deps.registration.policy;
  const member = await deps.members.byLogin(parsed);
  const row = member ? await deps.passwordReset.codes.latest(member.id) : undefined;
  const refusal = codeRefusal(row, now, policy);
  if (refusal || !row || !member) throw badInput(RESET_CODE_MESSAGES[refusal ?? 'none'], 'code');
  if (!sameHash(resetCodeHash(deps, row.id, code), row.codeHash)) {
    const attempts = await deps.passwordReset.codes.countWrongAttempt(row.id, policy.maxAttempts);
    throw badInput(wrongResetCodeMessage(attempts, policy), 'code');
  }
  checkPassword(input.newPassword, { email: member.email ?? undefined, phone: member.phone ?? undefined }, 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  await deps.transaction(async (tx) => {
    if (!(await tx.passwordResetCodes.consume(row.id, now, policy.maxAttempts))) throw badInput(RESET_CODE_MESSAGES.used, 'code');
    await tx.members.changePassword(member.id, passwordHash, now);
    await tx.sessions.revokeAllForMember(member.id, now, 'password-reset');
  });
  return true;
}
