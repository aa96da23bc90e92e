import { DomainError, badInput, conflict, notFound } from '@membership/domain';
import { codeHash, type AccountsDeps } from './accounts.js';
import { lookupHash, sameHash } from './encryption.js';
import { recipientHint } from './notifier.js';
import { asLanguage, translate } from '../messages/index.js';
import type { Member } from './records.js';
import { countCodeSend } from './rate-limits.js';
import { codeRefusal, codeRow, newCode, secondsBeforeResend, wrongCodeMessage } from './registration-codes.js';

/**
 * Proving a contact added or changed after registration: a one-time code sent to the member's
 * current email or phone, then entered. The codes are registration codes (same table, lifetime,
 * attempts, resend delay and limits): whichever code last reached the contact proves it.
 */

type Channel = 'email' | 'phone';

const NO_CODE: Record<string, string> = {
  none: 'No code was sent to this contact. Ask for one with requestContactVerificationCode.',
  used: 'This code was already used. Ask for a new one.',
  expired: 'This code has expired. Ask for a new one.',
  exhausted: 'Too many wrong codes were entered. Ask for a new code.',
};

async function contactOf(
  deps: AccountsDeps,
  memberId: string,
  channel: Channel,
): Promise<{ member: Member; contact: string; verified: boolean }> {
  const member = await deps.members.byId(memberId);
  if (!member) throw notFound('Your account was not found.');
  if (member.erasedAt) throw conflict('This account has been erased.');
  const contact = channel === 'email' ? member.email : member.phone;
  if (!contact)
    throw badInput(
      `Your account has no ${channel === 'email' ? 'email address' : 'phone number'}; add one with updateProfile first.`,
      'channel',
    );
  return { member, contact, verified: (channel === 'email' ? member.emailVerifiedAt : member.phoneVerifiedAt) !== null };
}

/**
 * Sends a code to the member's unverified email or phone. Already verified is CONFLICT;
 * asking again within the resend delay, or beyond the limits, is RATE_LIMITED.
 */
export async function requestContactVerificationCode(deps: AccountsDeps, memberId: string, channel: Channel, clientAddress?: string) {
  const { member, contact, verified } = await contactOf(deps, memberId, channel);
  if (verified) throw conflict(`Your ${channel === 'email' ? 'email address' : 'phone number'} is already verified.`, 'channel');
  const now = deps.now();
  const policy = deps.registration.policy;
  const contactLookup = lookupHash(deps.ring, channel, contact);
  await countCodeSend(deps.registration.counter, deps.registration.limits, { purpose: 'contact-code', contactLookup, clientAddress }, now);
  const wait = secondsBeforeResend(await deps.registration.codes.latest(contactLookup), now, policy);
  if (wait > 0) {
    throw new DomainError('RATE_LIMITED', `A code was just sent. Ask for another in ${wait} second${wait === 1 ? '' : 's'}.`, 'channel', {
      retryAfterSeconds: wait,
    });
  }
  const code = newCode();
  const row = codeRow(channel, contactLookup, (id) => codeHash(deps, id, code), now, policy);
  await deps.registration.codes.create(row);
  const notifierChannel = channel === 'email' ? 'email' : 'sms';
  await deps.registration.notifier.send({
    channel: notifierChannel,
    to: contact,
    recipientLookup: contactLookup,
    template: 'contact-verification-code',
    // In the member's language, from the catalogues.
    subject: translate(asLanguage(member.language), 'message.contact-verification-code.subject'),
    body: translate(asLanguage(member.language), 'message.contact-verification-code.body', { code, minutes: policy.ttlMinutes }),
  });
  return {
    channel,
    sentTo: recipientHint(notifierChannel, contact),
    expiresAt: row.expiresAt,
    resendAfter: new Date(now.getTime() + policy.resendSeconds * 1000),
  };
}

/**
 * Checks the code sent to the member's current email or phone and marks it verified. A wrong
 * code counts against the code's attempts; a wrong, expired or used code is BAD_USER_INPUT.
 * Verifying a verified contact again changes nothing.
 */
export async function verifyContact(deps: AccountsDeps, memberId: string, channel: Channel, code: string): Promise<Member> {
  const { member, contact, verified } = await contactOf(deps, memberId, channel);
  if (verified) return member;
  const now = deps.now();
  const policy = deps.registration.policy;
  const contactLookup = lookupHash(deps.ring, channel, contact);
  const row = await deps.registration.codes.latest(contactLookup);
  const refusal = codeRefusal(row, now, policy);
  if (refusal || !row) throw badInput(NO_CODE[refusal ?? 'none']!, 'code');
  if (!sameHash(codeHash(deps, row.id, code.trim()), row.codeHash)) {
    const attempts = await deps.registration.codes.countWrongAttempt(row.id, policy.maxAttempts);
    throw badInput(wrongCodeMessage(attempts, policy).replace('registration code', 'code'), 'code');
  }
  await deps.transaction(async (tx) => {
    if (!(await tx.registrationCodes.consume(row.id, now, policy.maxAttempts))) throw badInput(NO_CODE.used!, 'code');
    // The contact may have changed since the code was sent: then it proves nothing about the new one.
    if (!(await tx.members.markContactVerified(memberId, channel, contactLookup, now))) {
      throw conflict('Your contact changed since the code was sent. Ask for a new code.', 'channel');
    }
  });
  return (await deps.members.byId(memberId))!;
}
