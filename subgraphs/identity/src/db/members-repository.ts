import { randomUUID } from 'node:crypto';
import { and, desc, eq, getTableColumns, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { recordEvent } from '@membership/events';
import type { Cursor } from '@membership/subgraph';
import { lookupHash, newDataKey, openValue, sealValue, unwrapDataKey, wrapDataKey, type KeyRing } from '../domain/encryption.js';
import type { FailureState } from '../domain/lockout.js';
import type { ProfileField, ProfileUpdate } from '../domain/profile-rules.js';
import {
  applyOptional,
  EMPTY_PROFILE,
  type Address,
  type Gender,
  type Interest,
  type MemberType,
  type OptionalProfile,
} from '../domain/profile-fields.js';
import type { Member, NewMember, ProfileChangeRow } from '../domain/records.js';
import type { MemberDataScope } from '../domain/scope.js';
import type { MemberStore } from '../domain/stores.js';
import { unique } from './errors.js';
import { visibleTo } from './scope.js';
import { memberKeys, memberProfiles, members, outbox, profileChanges } from './schema.js';

type MemberRow = typeof members.$inferSelect;

const sealedRow = {
  ...getTableColumns(members),
  wrappedKey: memberKeys.wrappedKey,
  memberType: memberProfiles.memberType,
  birthdayCiphertext: memberProfiles.birthdayCiphertext,
  genderCiphertext: memberProfiles.genderCiphertext,
  addressCiphertext: memberProfiles.addressCiphertext,
  interestsCiphertext: memberProfiles.interestsCiphertext,
  profileCompletedAt: memberProfiles.completedAt,
};
type ProfileColumns = {
  memberType: string | null;
  birthdayCiphertext: string | null;
  genderCiphertext: string | null;
  addressCiphertext: string | null;
  interestsCiphertext: string | null;
  profileCompletedAt: Date | null;
};
type SealedRow = MemberRow & { wrappedKey: string | null } & ProfileColumns;

const NO_PROFILE: ProfileColumns = {
  memberType: null,
  birthdayCiphertext: null,
  genderCiphertext: null,
  addressCiphertext: null,
  interestsCiphertext: null,
  profileCompletedAt: null,
};

/**
 * All SQL about member accounts. Contact values go in sealed with the member's data key
 * and come out decrypted in memory, so a batch of members is still one statement. The
 * scope limits whose profile corrections are read; accounts are not scoped (see
 * MemberDataScope).
 */
export class MembersRepository implements MemberStore {
  constructor(
    private readonly db: Db,
    private readonly ring: KeyRing,
    private readonly scope: MemberDataScope,
  ) {}

  private select() {
    return this.db
      .select(sealedRow)
      .from(members)
      .leftJoin(memberKeys, eq(memberKeys.memberId, members.id))
      .leftJoin(memberProfiles, eq(memberProfiles.memberId, members.id));
  }

  /** Decrypts one joined row; a destroyed key leaves the contact values and the optional profile null. */
  private open(row: SealedRow): Member {
    const {
      emailCiphertext,
      emailLookup: _e,
      phoneCiphertext,
      phoneLookup: _p,
      wrappedKey,
      memberType,
      birthdayCiphertext,
      genderCiphertext,
      addressCiphertext,
      interestsCiphertext,
      profileCompletedAt,
      ...rest
    } = row;
    const dataKey = wrappedKey ? unwrapDataKey(this.ring, row.id, wrappedKey) : null;
    const read = (field: 'birthday' | 'gender' | 'address' | 'interests', sealed: string | null) =>
      dataKey && sealed ? openValue(dataKey, row.id, field, sealed) : null;
    const address = read('address', addressCiphertext);
    const interests = read('interests', interestsCiphertext);
    const profile: OptionalProfile = {
      memberType: (memberType ?? 'individual') as MemberType,
      birthday: read('birthday', birthdayCiphertext),
      gender: read('gender', genderCiphertext) as Gender | null,
      address: address ? (JSON.parse(address) as Address) : null,
      interests: interests ? (JSON.parse(interests) as Interest[]) : [],
      completedAt: profileCompletedAt,
    };
    return {
      ...rest,
      email: dataKey && emailCiphertext ? openValue(dataKey, row.id, 'email', emailCiphertext) : null,
      phone: dataKey && phoneCiphertext ? openValue(dataKey, row.id, 'phone', phoneCiphertext) : null,
      profile,
    };
  }

  async byIds(ids: readonly string[]): Promise<Map<string, Member>> {
    const rows = await this.select().where(inArray(members.id, [...ids]));
    return new Map(rows.map((r) => [r.id, this.open(r)]));
  }

  async byId(id: string): Promise<Member | undefined> {
    return (await this.byIds([id])).get(id);
  }

  async byLogin(login: { email: string } | { phone: string }): Promise<Member | undefined> {
    const where =
      'email' in login
        ? eq(members.emailLookup, lookupHash(this.ring, 'email', login.email))
        : eq(members.phoneLookup, lookupHash(this.ring, 'phone', login.phone));
    const [row] = await this.select().where(where).limit(1);
    return row ? this.open(row) : undefined;
  }

  /** Which of these contact values are already registered, compared by keyed hash. */
  async takenContacts(email?: string, phone?: string): Promise<{ email: boolean; phone: boolean }> {
    const emailLookup = email ? lookupHash(this.ring, 'email', email) : undefined;
    const phoneLookup = phone ? lookupHash(this.ring, 'phone', phone) : undefined;
    const conditions = [
      emailLookup ? eq(members.emailLookup, emailLookup) : undefined,
      phoneLookup ? eq(members.phoneLookup, phoneLookup) : undefined,
    ].filter(Boolean);
    if (conditions.length === 0) return { email: false, phone: false };
    const rows = await this.db
      .select({ email: members.emailLookup, phone: members.phoneLookup })
      .from(members)
      .where(or(...conditions));
    return {
      email: rows.some((r) => emailLookup && r.email === emailLookup),
      phone: rows.some((r) => phoneLookup && r.phone === phoneLookup),
    };
  }

  /** Newest first; `first + 1` rows so the caller can tell whether there is a next page. */
  async page(first: number, after?: Cursor): Promise<Member[]> {
    const where = after
      ? or(lt(members.registeredAt, after.at), and(eq(members.registeredAt, after.at), lt(members.id, after.id)))
      : undefined;
    const rows = await this.select()
      .where(where)
      .orderBy(desc(members.registeredAt), desc(members.id))
      .limit(first + 1);
    return rows.map((r) => this.open(r));
  }

  /**
   * Creates the member's data key, seals their contact values with it and inserts the
   * member, the wrapped key and the MemberRegistered event. Call it in a transaction.
   */
  async register(member: NewMember, channel: 'email' | 'phone'): Promise<Member> {
    const dataKey = newDataKey();
    const seal = (field: 'email' | 'phone', value?: string) => (value ? sealValue(dataKey, member.id, field, value) : null);
    const [row] = await unique(() =>
      this.db
        .insert(members)
        .values({
          id: member.id,
          displayName: member.displayName,
          passwordHash: member.passwordHash,
          passwordChangedAt: member.registeredAt,
          registeredAt: member.registeredAt,
          emailVerifiedAt: member.emailVerifiedAt ?? null,
          phoneVerifiedAt: member.phoneVerifiedAt ?? null,
          emailCiphertext: seal('email', member.email),
          emailLookup: member.email ? lookupHash(this.ring, 'email', member.email) : null,
          phoneCiphertext: seal('phone', member.phone),
          phoneLookup: member.phone ? lookupHash(this.ring, 'phone', member.phone) : null,
          ...(member.language ? { language: member.language } : {}),
        })
        .returning(),
    );
    await this.db.insert(memberKeys).values({
      memberId: member.id,
      wrappedKey: wrapDataKey(this.ring, member.id, dataKey),
      masterKeyId: this.ring.masterKeyId,
      createdAt: member.registeredAt,
    });
    await recordEvent(
      this.db,
      outbox,
      'MemberRegistered',
      {
        memberId: member.id,
        registeredAt: member.registeredAt.toISOString(),
        channel,
      },
      { now: member.registeredAt },
    );
    return {
      ...this.open({ ...row!, wrappedKey: null, ...NO_PROFILE }),
      email: member.email ?? null,
      phone: member.phone ?? null,
      profile: EMPTY_PROFILE,
    };
  }

  /**
   * Crypto-shredding: destroys the member's data key and forgets the lookup hashes, so
   * their sealed values can never be read again and nobody can find them by contact.
   */
  async destroyDataKey(memberId: string): Promise<void> {
    await this.db.delete(memberKeys).where(eq(memberKeys.memberId, memberId));
    await this.db.update(members).set({ emailLookup: null, phoneLookup: null }).where(eq(members.id, memberId));
  }

  /**
   * Counts a wrong password: the row is locked while `next` decides the new state, so
   * concurrent attempts cannot slip past the limit. Call it in a transaction.
   */
  async recordFailedLogin(id: string, next: (state: FailureState) => FailureState): Promise<FailureState | undefined> {
    const [row] = await this.db
      .select({ failedLogins: members.failedLogins, lockCount: members.lockCount, lockedUntil: members.lockedUntil })
      .from(members)
      .where(eq(members.id, id))
      .for('update');
    if (!row) return undefined;
    const state = next(row);
    await this.db.update(members).set(state).where(eq(members.id, id));
    return state;
  }

  /** Sets a new password and clears the failure count and lock. */
  async changePassword(id: string, passwordHash: string, at: Date): Promise<void> {
    await this.db
      .update(members)
      .set({ passwordHash, passwordChangedAt: at, failedLogins: 0, lockCount: 0, lockedUntil: null })
      .where(eq(members.id, id));
  }

  /**
   * Applies a profile correction and logs which fields changed (never their values),
   * under a lock on the member's key. A changed contact is sealed with the member's data key, gets a new
   * lookup hash and counts as unverified again. False when the member has no data key
   * (erased); nothing is written then. Call it in a transaction.
   */
  async updateProfile(
    memberId: string,
    update: ProfileUpdate,
    log: { actorKind: 'member' | 'staff'; actorId: string; at: Date; requestId?: string | null },
    completes: (profile: OptionalProfile) => boolean = () => false,
  ): Promise<boolean> {
    const [key] = await this.db
      .select({ wrappedKey: memberKeys.wrappedKey })
      .from(memberKeys)
      .where(eq(memberKeys.memberId, memberId))
      .for('update');
    if (!key) return false;
    const dataKey = unwrapDataKey(this.ring, memberId, key.wrappedKey);
    const set: Partial<MemberRow> = {};
    if (update.displayName !== undefined) set.displayName = update.displayName;
    for (const field of ['email', 'phone'] as const) {
      const value = update[field];
      if (value === undefined) continue;
      set[`${field}Ciphertext`] = value ? sealValue(dataKey, memberId, field, value) : null;
      set[`${field}Lookup`] = value ? lookupHash(this.ring, field, value) : null;
      set[`${field}VerifiedAt`] = null;
    }
    if (Object.keys(set).length > 0) await unique(() => this.db.update(members).set(set).where(eq(members.id, memberId)));
    if (update.optional) await this.updateOptional(memberId, dataKey, update, log.at, completes);
    await this.db.insert(profileChanges).values({
      id: randomUUID(),
      memberId,
      changedAt: log.at,
      actorKind: log.actorKind,
      actorId: log.actorId,
      fields: update.fields satisfies ProfileField[],
      requestId: log.requestId ?? null,
    });
    return true;
  }

  /**
   * Writes the optional fields (sealed) and, the first time the profile `completes`, stamps
   * completed_at and records MemberProfileCompleted: once per member, since the caller holds
   * the lock on the member's key and the stamp is set only while it is null.
   */
  private async updateOptional(
    memberId: string,
    dataKey: Buffer,
    update: ProfileUpdate,
    at: Date,
    completes: (profile: OptionalProfile) => boolean,
  ): Promise<void> {
    const optional = update.optional!;
    const [current] = await this.select().where(eq(members.id, memberId));
    const next = applyOptional(this.open(current!).profile, optional);
    const seal = (field: 'birthday' | 'gender' | 'address' | 'interests', value: string | null) =>
      value === null ? null : sealValue(dataKey, memberId, field, value);
    const values = {
      memberType: next.memberType,
      birthdayCiphertext: seal('birthday', next.birthday),
      genderCiphertext: seal('gender', next.gender),
      addressCiphertext: seal('address', next.address ? JSON.stringify(next.address) : null),
      interestsCiphertext: seal('interests', next.interests.length > 0 ? JSON.stringify(next.interests) : null),
      updatedAt: at,
    };
    await this.db
      .insert(memberProfiles)
      .values({ memberId, ...values })
      .onConflictDoUpdate({ target: memberProfiles.memberId, set: values });
    if (next.completedAt === null && completes(next)) {
      const stamped = await this.db
        .update(memberProfiles)
        .set({ completedAt: at })
        .where(and(eq(memberProfiles.memberId, memberId), isNull(memberProfiles.completedAt)))
        .returning({ memberId: memberProfiles.memberId });
      if (stamped.length > 0)
        await recordEvent(this.db, outbox, 'MemberProfileCompleted', { memberId, completedAt: at.toISOString() }, { now: at });
    }
  }

  /** Each member's newest profile corrections, newest first: one statement. */
  async profileChangesFor(memberIds: readonly string[], limit: number): Promise<Map<string, ProfileChangeRow[]>> {
    if (memberIds.length === 0) return new Map();
    const ranked = this.db
      .select({
        id: profileChanges.id,
        rank: sql<number>`row_number() over (partition by ${profileChanges.memberId} order by ${profileChanges.changedAt} desc, ${profileChanges.id} desc)`.as(
          'rank',
        ),
      })
      .from(profileChanges)
      .where(and(inArray(profileChanges.memberId, [...memberIds]), visibleTo(this.scope, profileChanges.memberId)))
      .as('ranked');
    const rows = await this.db
      .select({ change: profileChanges })
      .from(profileChanges)
      .innerJoin(ranked, eq(ranked.id, profileChanges.id))
      .where(lte(ranked.rank, limit))
      .orderBy(desc(profileChanges.changedAt), desc(profileChanges.id));
    const byMember = new Map<string, ProfileChangeRow[]>();
    for (const { change } of rows) byMember.set(change.memberId, [...(byMember.get(change.memberId) ?? []), change]);
    return byMember;
  }

  async markContactVerified(memberId: string, channel: 'email' | 'phone', contactLookup: string, at: Date): Promise<boolean> {
    const lookup = channel === 'email' ? members.emailLookup : members.phoneLookup;
    const rows = await this.db
      .update(members)
      .set(channel === 'email' ? { emailVerifiedAt: at } : { phoneVerifiedAt: at })
      .where(and(eq(members.id, memberId), eq(lookup, contactLookup)))
      .returning({ id: members.id });
    return rows.length === 1;
  }

  /** Sets the member's language; false when there is no such live member. */
  async setLanguage(memberId: string, language: string): Promise<boolean> {
    const rows = await this.db
      .update(members)
      .set({ language })
      .where(and(eq(members.id, memberId), isNull(members.erasedAt)))
      .returning({ id: members.id });
    return rows.length > 0;
  }

  /** Turns the email copies of must-tell notices on or off; false when there is no such live member. */
  async setServiceEmails(memberId: string, on: boolean): Promise<boolean> {
    const rows = await this.db
      .update(members)
      .set({ serviceEmails: on })
      .where(and(eq(members.id, memberId), isNull(members.erasedAt)))
      .returning({ id: members.id });
    return rows.length > 0;
  }

  async clearFailedLogins(id: string): Promise<void> {
    await this.db.update(members).set({ failedLogins: 0, lockCount: 0, lockedUntil: null }).where(eq(members.id, id));
  }
}
