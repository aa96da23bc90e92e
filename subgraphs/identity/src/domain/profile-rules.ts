import { badInput } from '@membership/domain';
import { normaliseEmail, normalisePhone, validateDisplayName } from './contact.js';
import {
  EMPTY_PROFILE,
  optionalProfileUpdate,
  type OptionalProfile,
  type OptionalProfileField,
  type OptionalProfileInput,
  type OptionalProfileUpdate,
} from './profile-fields.js';

/** A profile field a member may correct. */
export type ProfileField = 'displayName' | 'email' | 'phone' | OptionalProfileField;

/** What a correction asks for: an absent field stays, a null contact or optional field is removed. */
export interface ProfileInput extends OptionalProfileInput {
  displayName?: string | null;
  email?: string | null;
  phone?: string | null;
}

/** The profile as it is now. */
export interface ProfileState {
  displayName: string;
  email: string | null;
  phone: string | null;
  /** The optional fields; absent means none given. */
  profile?: OptionalProfile;
}

/** What changes, normalised; `fields` names them for the change log. */
export interface ProfileUpdate {
  displayName?: string;
  /** New value, or null to remove; absent when unchanged. */
  email?: string | null;
  phone?: string | null;
  /** Changes to the optional fields, when any. */
  optional?: OptionalProfileUpdate;
  fields: ProfileField[];
}

const ASKABLE = ['displayName', 'email', 'phone', 'birthday', 'gender', 'address', 'interests', 'memberType'] as const;

/**
 * Validates a correction against the current profile: every value is checked and
 * normalised, only real changes count, and the member keeps at least one contact to
 * sign in with.
 */
export function profileUpdate(current: ProfileState, input: ProfileInput, now: Date = new Date()): ProfileUpdate {
  const asked = ASKABLE.filter((f) => input[f] !== undefined);
  if (asked.length === 0) throw badInput(`Say what to correct: ${ASKABLE.join(', ')}.`, 'input');
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
  if (!email && !phone)
    throw badInput('Keep an email address or a phone number to sign in with.', input.email === null ? 'email' : 'phone');
  const optional = optionalProfileUpdate(current.profile ?? EMPTY_PROFILE, input, now);
  if (optional.fields.length > 0) {
    update.optional = optional;
    update.fields.push(...optional.fields);
  }
  return update;
}

/** The profile corrections part of identity's export, oldest first. */
export function profileChangesExport(changes: readonly { changedAt: Date; actorKind: string; fields: string[] }[]) {
  return [...changes]
    .sort((a, b) => a.changedAt.getTime() - b.changedAt.getTime())
    .map((c) => ({ at: c.changedAt.toISOString(), by: c.actorKind, fields: c.fields }));
}
