import { badInput } from '@membership/domain';

/**
 * The optional profile fields a member may give, each for one stated purpose (docs/IDENTITY.md):
 * birthday for the birthday benefit, gender and interests for personalised offers (only with
 * that consent), address for deliveries and store recommendations nearby. Each is validated
 * here, settable and removable by the member.
 */

/** How a member describes their gender, when they choose to. */
export const GENDERS = ['female', 'male', 'other'] as const;
export type Gender = (typeof GENDERS)[number];

/** The interests a member may pick: a fixed catalogue, so they stay comparable and carry no free text. */
export const INTERESTS = [
  'fashion',
  'beauty',
  'sports',
  'outdoors',
  'travel',
  'food',
  'electronics',
  'home',
  'books',
  'music',
  'games',
  'parenting',
] as const;
export type Interest = (typeof INTERESTS)[number];

/** A postal address in mainland China form. */
export interface Address {
  province: string;
  city: string;
  district: string | null;
  /** Street, building, unit. */
  line: string;
  /** Six digits; optional. */
  postalCode: string | null;
}

/** An individual member or a company (enterprise members submit a business licence). */
export type MemberType = 'individual' | 'enterprise';

/** The optional profile as stored; absent fields are null, no interests an empty list. */
export interface OptionalProfile {
  memberType: MemberType;
  birthday: string | null;
  gender: Gender | null;
  address: Address | null;
  interests: Interest[];
  /** When the profile first held everything profileComplete asks for; null until then. */
  completedAt: Date | null;
}

export const EMPTY_PROFILE: OptionalProfile = {
  memberType: 'individual',
  birthday: null,
  gender: null,
  address: null,
  interests: [],
  completedAt: null,
};

/** The optional fields, as the change log names them. */
export type OptionalProfileField = 'birthday' | 'gender' | 'address' | 'interests' | 'memberType';

/** YYYY-MM-DD, a real calendar day, not in the future and at most 130 years ago. */
export function validateBirthday(raw: string, now: Date): string {
  const value = raw.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
  if (!match || !date || date.toISOString().slice(0, 10) !== value) {
    throw badInput(`"${raw}" is not a date. Give your birthday as YYYY-MM-DD, e.g. 1990-05-17.`, 'birthday');
  }
  if (date.getTime() > now.getTime()) throw badInput('A birthday cannot be in the future.', 'birthday');
  if (now.getUTCFullYear() - date.getUTCFullYear() > 130)
    throw badInput('A birthday more than 130 years ago cannot be right; check the year.', 'birthday');
  return value;
}

/** True when the text holds a line break or another control character. */
export function hasControlCharacter(text: string): boolean {
  return [...text].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
}

function part(raw: string | null | undefined, field: string, max: number, required: boolean): string | null {
  const value = (raw ?? '').trim();
  if (value === '') {
    if (required) throw badInput(`The address needs a ${field}.`, `address.${field}`);
    return null;
  }
  if (value.length > max || hasControlCharacter(value))
    throw badInput(`The address's ${field} must be 1 to ${max} characters on one line.`, `address.${field}`);
  return value;
}

/** Province, city and line required; district and postal code optional; a postal code is six digits. */
export function validateAddress(raw: {
  province: string;
  city: string;
  district?: string | null;
  line: string;
  postalCode?: string | null;
}): Address {
  const postalCode = part(raw.postalCode, 'postalCode', 6, false);
  if (postalCode !== null && !/^\d{6}$/.test(postalCode)) throw badInput('A postal code is six digits, e.g. 200040.', 'address.postalCode');
  return {
    province: part(raw.province, 'province', 20, true)!,
    city: part(raw.city, 'city', 30, true)!,
    district: part(raw.district, 'district', 30, false),
    line: part(raw.line, 'line', 120, true)!,
    postalCode,
  };
}

/** Words from the catalogue, each once, in catalogue order. */
export function validateInterests(raw: readonly string[]): Interest[] {
  const words = raw.map((w) => w.trim().toLowerCase());
  const unknown = words.find((w) => !(INTERESTS as readonly string[]).includes(w));
  if (unknown !== undefined) throw badInput(`"${unknown}" is not an interest on the list: ${INTERESTS.join(', ')}.`, 'interests');
  return INTERESTS.filter((i) => words.includes(i));
}

function validateGender(raw: string): Gender {
  const value = raw.trim().toLowerCase();
  if (!(GENDERS as readonly string[]).includes(value)) throw badInput(`Gender is one of ${GENDERS.join(', ')}, or leave it out.`, 'gender');
  return value as Gender;
}

/**
 * What the "complete your profile" task asks for: birthday, gender, an address and at least
 * one interest (the display name and a contact every account has already).
 */
export function profileComplete(p: Pick<OptionalProfile, 'birthday' | 'gender' | 'address' | 'interests'>): boolean {
  return p.birthday !== null && p.gender !== null && p.address !== null && p.interests.length > 0;
}

const sameAddress = (a: Address | null, b: Address | null) => JSON.stringify(a) === JSON.stringify(b);

/** What an optional-profile correction asks for: absent stays, null (or an empty list) removes. */
export interface OptionalProfileInput {
  birthday?: string | null;
  gender?: string | null;
  address?: { province: string; city: string; district?: string | null; line: string; postalCode?: string | null } | null;
  interests?: readonly string[] | null;
  memberType?: MemberType;
}

/** The validated changes to the optional profile; only real changes are named in `fields`. */
export interface OptionalProfileUpdate {
  birthday?: string | null;
  gender?: Gender | null;
  address?: Address | null;
  interests?: Interest[];
  memberType?: MemberType;
  fields: OptionalProfileField[];
}

/** Validates every optional field asked for against the current profile. */
export function optionalProfileUpdate(current: OptionalProfile, input: OptionalProfileInput, now: Date): OptionalProfileUpdate {
  const update: OptionalProfileUpdate = { fields: [] };
  if (input.birthday !== undefined) {
    const value = input.birthday === null || input.birthday.trim() === '' ? null : validateBirthday(input.birthday, now);
    if (value !== current.birthday) Object.assign(update, { birthday: value }).fields.push('birthday');
  }
  if (input.gender !== undefined) {
    const value = input.gender === null ? null : validateGender(input.gender);
    if (value !== current.gender) Object.assign(update, { gender: value }).fields.push('gender');
  }
  if (input.address !== undefined) {
    const value = input.address === null ? null : validateAddress(input.address);
    if (!sameAddress(value, current.address)) Object.assign(update, { address: value }).fields.push('address');
  }
  if (input.interests !== undefined) {
    const value = input.interests === null ? [] : validateInterests(input.interests);
    if (value.join() !== current.interests.join()) Object.assign(update, { interests: value }).fields.push('interests');
  }
  if (input.memberType !== undefined && input.memberType !== current.memberType) {
    Object.assign(update, { memberType: input.memberType }).fields.push('memberType');
  }
  return update;
}

/** The optional profile after an update. */
export function applyOptional(current: OptionalProfile, update: OptionalProfileUpdate): OptionalProfile {
  const { fields: _fields, ...changes } = update;
  return { ...current, ...changes };
}
