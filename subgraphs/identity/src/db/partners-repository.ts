import { and, desc, eq, inArray, isNull, or, gt, sql } from 'drizzle-orm';
import type { Db } from '@membership/db';
import type { PartnerApiKeyRow, PartnerRow, PartnerStore } from '../domain/partners.js';
import { consentRecords, partnerApiKeys, partners } from './schema.js';

/**
 * All SQL about partners and their keys. Partners are not member data; the consent lookup
 * reads members' partner-sharing records for the gateway only (its rule says so).
 */
export class PartnersRepository implements PartnerStore {
  constructor(private readonly db: Db) {}

  all(): Promise<PartnerRow[]> {
    return this.db.select().from(partners).orderBy(partners.name);
  }

  async byId(id: string): Promise<PartnerRow | undefined> {
    const [row] = await this.db.select().from(partners).where(eq(partners.id, id));
    return row;
  }

  async byName(name: string): Promise<PartnerRow | undefined> {
    const [row] = await this.db.select().from(partners).where(eq(partners.name, name));
    return row;
  }

  async insert(row: PartnerRow): Promise<boolean> {
    const inserted = await this.db
      .insert(partners)
      .values(row)
      .onConflictDoNothing({ target: partners.name })
      .returning({ id: partners.id });
    return inserted.length === 1;
  }

  /** Each partner's keys, newest first: one statement. */
  async keysOf(partnerIds: readonly string[]): Promise<Map<string, PartnerApiKeyRow[]>> {
    const byPartner = new Map<string, PartnerApiKeyRow[]>();
    if (partnerIds.length === 0) return byPartner;
    const rows = await this.db
      .select()
      .from(partnerApiKeys)
      .where(inArray(partnerApiKeys.partnerId, [...partnerIds]))
      .orderBy(desc(partnerApiKeys.createdAt), desc(partnerApiKeys.id));
    for (const row of rows) byPartner.set(row.partnerId, [...(byPartner.get(row.partnerId) ?? []), row]);
    return byPartner;
  }

  async key(id: string): Promise<PartnerApiKeyRow | undefined> {
    const [row] = await this.db.select().from(partnerApiKeys).where(eq(partnerApiKeys.id, id));
    return row;
  }

  async keyByPrefix(prefix: string) {
    const [row] = await this.db
      .select({ key: partnerApiKeys, partner: partners })
      .from(partnerApiKeys)
      .innerJoin(partners, eq(partners.id, partnerApiKeys.partnerId))
      .where(eq(partnerApiKeys.prefix, prefix));
    return row;
  }

  async insertKey(row: PartnerApiKeyRow): Promise<void> {
    await this.db.insert(partnerApiKeys).values(row);
  }

  /** An end already set earlier is kept: rotating twice or revoking twice never extends a key's life. */
  async endKey(id: string, change: { expiresAt?: Date; revokedAt?: Date }): Promise<PartnerApiKeyRow | undefined> {
    const at = (column: typeof partnerApiKeys.expiresAt | typeof partnerApiKeys.revokedAt, value: Date | undefined) =>
      value ? sql`least(coalesce(${column}, ${value.toISOString()}::timestamptz), ${value.toISOString()}::timestamptz)` : column;
    const [row] = await this.db
      .update(partnerApiKeys)
      .set({ expiresAt: at(partnerApiKeys.expiresAt, change.expiresAt), revokedAt: at(partnerApiKeys.revokedAt, change.revokedAt) })
      .where(eq(partnerApiKeys.id, id))
      .returning();
    return row;
  }

  /**
   * The newest partner-sharing record per member and category for this partner, kept when it
   * is a grant that has not lapsed: one statement, whatever the number of members.
   */
  async consentGrants(partner: string, memberIds: readonly string[], now: Date): Promise<{ memberId: string; category: string }[]> {
    if (memberIds.length === 0) return [];
    const newest = this.db
      .selectDistinctOn([consentRecords.memberId, consentRecords.piiCategory], {
        memberId: consentRecords.memberId,
        category: consentRecords.piiCategory,
        granted: consentRecords.granted,
        expiresAt: consentRecords.expiresAt,
      })
      .from(consentRecords)
      .where(
        and(
          eq(consentRecords.purpose, 'partner_sharing'),
          eq(consentRecords.partnerId, partner),
          inArray(consentRecords.memberId, [...memberIds]),
        ),
      )
      .orderBy(consentRecords.memberId, consentRecords.piiCategory, desc(consentRecords.recordedAt), desc(consentRecords.seq))
      .as('newest');
    const rows = await this.db
      .select({ memberId: newest.memberId, category: newest.category })
      .from(newest)
      .where(and(eq(newest.granted, true), or(isNull(newest.expiresAt), gt(newest.expiresAt, now))));
    return rows.map((r) => ({ memberId: r.memberId, category: r.category! }));
  }
}
