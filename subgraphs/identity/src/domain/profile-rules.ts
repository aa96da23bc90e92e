import { badInput } from '@membership/domain';
import { normaliseEmail, normalisePhone, validateDisplayName } from './contact.js';

/** A profile field a member may correct. */
export type ProfileField = 'displayName' | 'email' | 'phone';

/** What a correction asks for: an absent field stays, a null contact is removed. */
export interface ProfileInput {
  displayName?: string | null;
  email?: string | null;
  phone?: string | null;
}

/** The profile as it is now. */
export interface ProfileState {
  displayName: string;
  email: string | null;
  phone: string | null;
}

/** What changes, normalised; `fields` names them for the change log. */
export interface ProfileUpdate {
  displayName?: string;
  /** New value, or null to remove; absent when unchanged. */
  email?: string | null;
  phone?: string | null;
  fields: ProfileField[];
}

/**
 * Validates a correction against the current profile: every value is checked and
 * normalised, only real changes count, and the member keeps at least one contact to
 * sign in with.
 */
export function profileUpdate(current: ProfileState, input: ProfileInput): ProfileUpdate {
  const asked = (['displayName', 'email', 'phone'] as const).filter((f) => input[f] !== undefined);
  if (asked.length === 0) throw badInput('Say what to correct: displayName, email or phone.', 'input');
  const update: ProfileUpdate = { fields: [] };
  if (input.displayName !== undefined) {
    if (input.displayName === null) throw badInput('A display name cannot be removed, only changed.', 'displayName');
    const name = validateDisplayName(input.displayName);
    if (name !== current.displayName) {
      update.displayName = name;
      update.fields.push('displayName');
    }
  }
  for (const field of ['email', 'phone'] as const) {
    const raw = input[field];
    if (raw === undefined) continue;
    const value = raw === null || raw.trim() === '' ? null : field === 'email' ? normaliseEmail(raw) : normalisePhone(raw);
    if (value !== current[field]) {
      update[field] = value;
      update.fields.push(field);
    }
  }
  const email = update.email !== undefined ? update.email : current.email;
  const phone = update.phone !== undefined ? update.phone : current.phone;
  if (!email && !phone) throw badInput('Keep an email address or a phone number to sign in with.', input.email === null ? 'email' : 'phone');
  return update;
}

/** The profile corrections part of identity's export, oldest first. */
export function profileChangesExport(changes: readonly { changedAt: Date; actorKind: string; fields: string[] }[]) {
  return [...changes]
    .sort((a, b) => a.changedAt.getTime() - b.changedAt.getTime())
    .map((c) => ({ at: c.changedAt.toISOString(), by: c.actorKind, fields: c.fields }));
}
