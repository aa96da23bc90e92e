import { notFound } from '@membership/domain';
import type { Language } from '../messages/index.js';
import type { Member } from './records.js';
import type { MemberStore } from './stores.js';

/** What changing a member's language and service messages needs. */
export interface PreferencesDeps {
  members: Pick<MemberStore, 'setLanguage' | 'setServiceEmails' | 'byId'>;
}

/**
 * The member chooses the language the platform speaks to them in. Inbox notices are
 * rendered when read, so old ones read in it too; emails and text messages already sent
 * stay as they were.
 */
export async function setLanguage(deps: PreferencesDeps, memberId: string, language: Language): Promise<Member> {
  if (!(await deps.members.setLanguage(memberId, language))) throw notFound('Your account is closed.');
  return (await deps.members.byId(memberId))!;
}

/**
 * The member turns the email copies of must-tell notices on or off. Service messages are
 * not marketing: no consent or policy acceptance is needed either way. Copies queued but
 * not sent yet follow the new choice (the sender checks it again).
 */
export async function updateServiceMessages(deps: PreferencesDeps, memberId: string, email: boolean): Promise<{ email: boolean }> {
  if (!(await deps.members.setServiceEmails(memberId, email))) throw notFound('Your account is closed.');
  return { email };
}
