import { conflict, notFound } from '@membership/domain';
import { profileComplete } from './profile-fields.js';
import { profileUpdate, type ProfileInput } from './profile-rules.js';
import type { Member } from './records.js';
import { AlreadyExists, type MemberStore, type Transaction } from './stores.js';

export interface ProfileDeps {
  members: MemberStore;
  transaction: Transaction;
  now: () => Date;
}

const ERASED = 'This account has been erased; its profile can no longer be changed.';

/**
 * The member corrects their display name, email or phone, or sets or removes an optional
 * field (birthday, gender, address, interests) or their member type. Values are validated first;
 * a contact another account uses is CONFLICT; the change and its log entry (fields
 * only, no values) are written together. A changed contact must be verified again. The first
 * time the optional profile is complete, MemberProfileCompleted is recorded in the same transaction.
 */
export async function updateProfile(deps: ProfileDeps, memberId: string, input: ProfileInput, requestId?: string | null): Promise<Member> {
  const member = await deps.members.byId(memberId);
  if (!member) throw notFound('Your account was not found.');
  if (member.erasedAt) throw conflict(ERASED);
  const update = profileUpdate(member, input, deps.now());
  if (update.fields.length === 0) return member;
  const taken = await deps.members.takenContacts(update.email ?? undefined, update.phone ?? undefined);
  if (taken.email) throw conflict('Another account uses this email address.', 'email');
  if (taken.phone) throw conflict('Another account uses this phone number.', 'phone');
  try {
    const log = { actorKind: 'member' as const, actorId: memberId, at: deps.now(), requestId };
    const done = await deps.transaction((tx) => tx.members.updateProfile(memberId, update, log, profileComplete));
    if (!done) throw conflict(ERASED);
  } catch (error) {
    // Another account took the contact between the check and the write.
    if (error instanceof AlreadyExists) throw conflict('Another account uses this email address or phone number.');
    throw error;
  }
  return (await deps.members.byId(memberId))!;
}
