import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import { campaignPercentAt } from '../domain/rules.js';
import type { Db } from '@membership/db';
import { recordEvent, type EventInput } from '@membership/events';
import type { Cursor } from '@membership/subgraph';
import type { LedgerEntry, NewLot, PointsAccount } from '../domain/ledger.js';
import type { Lot, LotUse, UsedLot } from '../domain/lots.js';
import type { Hold, OrderEarning, OrderPointsStore } from '../domain/orders.js';
import type { ActivityStore } from '../domain/activity.js';
import type { LastCheckIn } from '../domain/checkin.js';
import type { Prize } from '../domain/lottery.js';
import type { EventCatalog } from '@membership/events';
import type { Campaign, EarningRule, RuleCode } from '../domain/rules.js';
import type { Lottery, LotteryEntry, Redemption, SpendingStore } from '../domain/spending.js';
import type { StaffOperation, StaffStore } from '../domain/staff.js';
import type { StoreItem, Verification } from '../domain/store.js';
import type { ShareCode, TaskStore } from '../domain/tasks.js';
import type { SanctionInForce } from '../domain/standing.js';
import {
  accounts,
  campaigns,
  checkIns,
  earningRules,
  expiryNotices,
  holds,
  ledger,
  lotteries,
  lotteryEntries,
  lotteryPrizes,
  lots,
  lotUsages,
  memberSanctions,
  memberTiers,
  tierMultipliers,
  memberVerifications,
  orderEarnings,
  orderRefunds,
  outbox,
  redemptions,
  referrals,
  ruleAwards,
  shareCodes,
  staffOperations,
  storeItems,
} from './schema.js';

export type AccountRow = typeof accounts.$inferSelect;
export type LedgerRow = typeof ledger.$inferSelect;
export type LotRow = typeof lots.$inferSelect;
export type PrizeRow = typeof lotteryPrizes.$inferSelect;

/** All SQL about points accounts, their ledger, lots, holds and what orders earned. */
export class PointsRepository implements OrderPointsStore, StaffStore, ActivityStore, SpendingStore, TaskStore {
  constructor(
    private readonly db: Db,
    /** The programme's anniversary and its multiplier (env.ts), for campaignPercentAt. */
    private readonly anniversary: { monthDay: string; percent: number } | null = null,
  ) {}

  /** Runs `work` in one transaction, with a repository bound to it. */
  transaction<T>(work: (repository: PointsRepository) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(new PointsRepository(tx as unknown as Db, this.anniversary)));
  }

  /** Opens the member's account with a zero balance; opening it again changes nothing. */
  async openAccount(memberId: string, openedAt: Date): Promise<void> {
    await this.db.insert(accounts).values({ memberId, balance: 0, openedAt }).onConflictDoNothing();
  }

  /** The account, locked until the transaction ends so concurrent changes to it queue up. */
  async lockAccount(memberId: string): Promise<(PointsAccount & { timeZone: string | null }) | undefined> {
    const [row] = await this.db.select().from(accounts).where(eq(accounts.memberId, memberId)).for('update');
    return row;
  }

  async setAccount(memberId: string, balances: { balance: number; debt: number }): Promise<void> {
    await this.db.update(accounts).set(balances).where(eq(accounts.memberId, memberId));
  }

  async entryByKey(idempotencyKey: string): Promise<LedgerEntry | undefined> {
    const [row] = await this.db.select().from(ledger).where(eq(ledger.idempotencyKey, idempotencyKey)).limit(1);
    return row;
  }

  async insertEntry(entry: LedgerEntry): Promise<LedgerEntry> {
    const [row] = await this.db.insert(ledger).values(entry).returning();
    return row!;
  }

  async spendableLots(memberId: string, now: Date): Promise<Lot[]> {
    return this.db
      .select({ id: lots.id, remaining: lots.remaining, expiresAt: lots.expiresAt })
      .from(lots)
      .where(and(eq(lots.memberId, memberId), gt(lots.remaining, 0), gt(lots.expiresAt, now)))
      .orderBy(asc(lots.expiresAt), asc(lots.id));
  }

  async insertLot(lot: NewLot): Promise<void> {
    await this.db.insert(lots).values(lot);
  }

  /** One insert for the usages, one update for the lots, however many lots a change touches. */
  async useLots(entryId: string, uses: readonly LotUse[], holdId: string | null): Promise<void> {
    if (uses.length === 0) return;
    await this.db.insert(lotUsages).values(uses.map((u) => ({ id: randomUUID(), entryId, lotId: u.lotId, holdId, points: u.points })));
    const values = sql.join(
      uses.map((u) => sql`(${u.lotId}::uuid, ${u.points}::int)`),
      sql`, `,
    );
    await this.db.execute(
      sql`update ${lots} set remaining = ${lots.remaining} - u.points from (values ${values}) as u(lot_id, points) where ${lots.id} = u.lot_id`,
    );
  }

  async usedLots(holdId: string): Promise<UsedLot[]> {
    const rows = await this.db
      .select({ lotId: lotUsages.lotId, expiresAt: lots.expiresAt, outstanding: sql<number>`sum(${lotUsages.points})::int` })
      .from(lotUsages)
      .innerJoin(lots, eq(lots.id, lotUsages.lotId))
      .where(eq(lotUsages.holdId, holdId))
      .groupBy(lotUsages.lotId, lots.expiresAt);
    return rows.map((r) => ({ ...r, outstanding: Number(r.outstanding) }));
  }

  async holdByKey(idempotencyKey: string): Promise<Hold | undefined> {
    const [row] = await this.db.select().from(holds).where(eq(holds.idempotencyKey, idempotencyKey));
    return row;
  }

  async lockHold(holdId: string): Promise<Hold | undefined> {
    const [row] = await this.db.select().from(holds).where(eq(holds.id, holdId)).for('update');
    return row;
  }

  async lockHoldOfOrder(orderId: string): Promise<Hold | undefined> {
    const [row] = await this.db
      .select()
      .from(holds)
      .where(and(eq(holds.orderId, orderId), eq(holds.status, 'committed')))
      .orderBy(asc(holds.createdAt))
      .limit(1)
      .for('update');
    return row;
  }

  async insertHold(hold: Hold): Promise<Hold> {
    const [row] = await this.db.insert(holds).values(hold).returning();
    return row!;
  }

  async updateHold(holdId: string, patch: Partial<Pick<Hold, 'status' | 'restored' | 'settledAt'>>): Promise<void> {
    await this.db.update(holds).set(patch).where(eq(holds.id, holdId));
  }

  async sanctionsOf(memberId: string): Promise<SanctionInForce[]> {
    return this.db
      .select({ sanctionId: memberSanctions.sanctionId, kind: memberSanctions.kind, endsAt: memberSanctions.endsAt })
      .from(memberSanctions)
      .where(and(eq(memberSanctions.memberId, memberId), isNull(memberSanctions.liftedAt)));
  }

  /** Keeps tiers' word on the member's tier and its earning multiplier. */
  /**
   * A member's tier changed at `at` (TierChanged). Events may arrive out of order: an older
   * change never overwrites a newer one, and a multiplier change of the tier applied after
   * `at` (TierBenefitChangeApplied, delivered first) wins over the one the event carries.
   */
  async setTier(memberId: string, tier: string, multiplierPercent: number | null, at: Date): Promise<void> {
    const applied = sql`(select ${tierMultipliers.multiplierPercent} from ${tierMultipliers} where ${tierMultipliers.tier} = ${tier} and ${tierMultipliers.appliedAt} > ${at.toISOString()}::timestamptz)`;
    await this.db
      .insert(memberTiers)
      .values({ memberId, tier, multiplierPercent: sql`coalesce(${applied}, ${multiplierPercent}::int, 100)`, changedAt: at })
      .onConflictDoUpdate({
        target: memberTiers.memberId,
        set: {
          tier,
          changedAt: at,
          multiplierPercent: sql`coalesce(${applied}, ${multiplierPercent}::int, ${memberTiers.multiplierPercent})`,
        },
        setWhere: lte(memberTiers.changedAt, at),
      });
  }

  /**
   * A tier's earning multiplier changed from `appliedAt` (TierBenefitChangeApplied): kept per
   * tier, and every member who entered the tier before that date gets it, in one UPDATE however
   * many they are (a member who entered after it already has it from their TierChanged).
   */
  async setTierMultiplier(tier: string, multiplierPercent: number, appliedAt: Date): Promise<void> {
    await this.db
      .insert(tierMultipliers)
      .values({ tier, multiplierPercent, appliedAt })
      .onConflictDoUpdate({
        target: tierMultipliers.tier,
        set: { multiplierPercent, appliedAt },
        setWhere: lt(tierMultipliers.appliedAt, appliedAt),
      });
    await this.db
      .update(memberTiers)
      .set({ multiplierPercent })
      .where(and(eq(memberTiers.tier, tier), lt(memberTiers.changedAt, appliedAt), ne(memberTiers.multiplierPercent, multiplierPercent)));
  }

  /** A sanction took effect; one lifted already (events out of order) stays lifted. */
  async sanctionApplied(s: { sanctionId: string; memberId: string; kind: string; endsAt: Date | null }): Promise<void> {
    await this.db.insert(memberSanctions).values(s).onConflictDoNothing();
  }

  async sanctionLifted(s: { sanctionId: string; memberId: string; kind: string }, at: Date): Promise<void> {
    await this.db
      .insert(memberSanctions)
      .values({ ...s, endsAt: null, liftedAt: at })
      .onConflictDoUpdate({ target: memberSanctions.sanctionId, set: { liftedAt: at } });
  }

  async setVerification(memberId: string, level: string, expiresAt: Date | null, refused: boolean): Promise<void> {
    await this.db
      .insert(memberVerifications)
      .values({ memberId, level, expiresAt, refused })
      .onConflictDoUpdate({ target: memberVerifications.memberId, set: { level, expiresAt, refused } });
  }

  async tierPercentOf(memberId: string): Promise<number> {
    const [row] = await this.db
      .select({ percent: memberTiers.multiplierPercent })
      .from(memberTiers)
      .where(eq(memberTiers.memberId, memberId));
    return row?.percent ?? 100;
  }

  /** Campaigns running at `at` (the anniversary is the policy's, added by the caller). */
  async campaignsAt(at: Date): Promise<Campaign[]> {
    return this.db
      .select()
      .from(campaigns)
      .where(and(lte(campaigns.startsAt, at), gt(campaigns.endsAt, at)));
  }

  async campaignPercentAt(at: Date): Promise<number> {
    return campaignPercentAt(await this.campaignsAt(at), at, this.anniversary);
  }

  /** Campaigns that have not ended by `now`, soonest first: what earningRules publishes. */
  async campaignsFrom(now: Date): Promise<Campaign[]> {
    return this.db.select().from(campaigns).where(gt(campaigns.endsAt, now)).orderBy(asc(campaigns.startsAt));
  }

  async insertCampaign(c: Campaign): Promise<Campaign> {
    const [row] = await this.db.insert(campaigns).values(c).returning();
    return row!;
  }

  async earningRules(): Promise<EarningRule[]> {
    const rows = await this.db.select().from(earningRules).orderBy(asc(earningRules.code), asc(earningRules.effectiveFrom));
    return rows.map((r) => ({ ...r, code: r.code as RuleCode }));
  }

  async insertEarningRule(rule: EarningRule): Promise<EarningRule> {
    const [row] = await this.db
      .insert(earningRules)
      .values({ id: randomUUID(), ...rule })
      .onConflictDoUpdate({
        target: [earningRules.code, earningRules.effectiveFrom],
        set: { points: rule.points, dailyCap: rule.dailyCap, totalCap: rule.totalCap, announcedAt: rule.announcedAt },
      })
      .returning();
    return { ...row!, code: row!.code as RuleCode };
  }

  async setTimeZone(memberId: string, timeZone: string): Promise<void> {
    await this.db.update(accounts).set({ timeZone }).where(eq(accounts.memberId, memberId));
  }

  async setLeaderboardName(memberId: string, name: string | null): Promise<void> {
    await this.db.update(accounts).set({ leaderboardName: name }).where(eq(accounts.memberId, memberId));
  }

  async awarded(memberId: string, rule: RuleCode, day: string): Promise<{ today: number; ever: number }> {
    const [row] = await this.db
      .select({
        today: sql<number>`coalesce(sum(${ruleAwards.points}) filter (where ${ruleAwards.day} = ${day}), 0)::int`,
        ever: sql<number>`coalesce(sum(${ruleAwards.points}), 0)::int`,
      })
      .from(ruleAwards)
      .where(and(eq(ruleAwards.memberId, memberId), eq(ruleAwards.rule, rule)));
    return { today: Number(row?.today ?? 0), ever: Number(row?.ever ?? 0) };
  }

  async insertAward(award: { entryId: string; memberId: string; rule: RuleCode; day: string; points: number }): Promise<void> {
    await this.db.insert(ruleAwards).values(award);
  }

  async lastCheckIn(memberId: string): Promise<LastCheckIn | null> {
    const [row] = await this.db
      .select({ day: checkIns.day, streak: checkIns.streak })
      .from(checkIns)
      .where(eq(checkIns.memberId, memberId))
      .orderBy(desc(checkIns.day))
      .limit(1);
    return row ?? null;
  }

  async insertCheckIn(row: { memberId: string; day: string; streak: number; points: number; checkedAt: Date }): Promise<void> {
    await this.db.insert(checkIns).values(row);
  }

  async referralOf(refereeId: string): Promise<{ referrerId: string; rewardedAt: Date | null } | undefined> {
    const [row] = await this.db
      .select({ referrerId: referrals.referrerId, rewardedAt: referrals.rewardedAt })
      .from(referrals)
      .where(eq(referrals.refereeId, refereeId));
    return row;
  }

  async insertReferral(row: { refereeId: string; referrerId: string; recordedAt: Date }): Promise<void> {
    await this.db.insert(referrals).values(row);
  }

  async markReferralRewarded(refereeId: string, at: Date): Promise<void> {
    await this.db.update(referrals).set({ rewardedAt: at }).where(eq(referrals.refereeId, refereeId));
  }

  async paidOrders(memberId: string): Promise<number> {
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(orderEarnings)
      .where(eq(orderEarnings.memberId, memberId));
    return Number(row?.n ?? 0);
  }

  async tierOf(memberId: string): Promise<string | null> {
    const [row] = await this.db.select({ tier: memberTiers.tier }).from(memberTiers).where(eq(memberTiers.memberId, memberId));
    return row?.tier ?? null;
  }

  async verificationOf(memberId: string): Promise<Verification | null> {
    const [row] = await this.db
      .select({ level: memberVerifications.level, expiresAt: memberVerifications.expiresAt, refused: memberVerifications.refused })
      .from(memberVerifications)
      .where(eq(memberVerifications.memberId, memberId));
    return row ?? null;
  }

  async item(itemId: string): Promise<StoreItem | undefined> {
    const [row] = await this.db.select().from(storeItems).where(eq(storeItems.id, itemId));
    return row as StoreItem | undefined;
  }

  /** Items on sale at `now` or later, in one statement: the public catalogue. */
  async catalogue(now: Date): Promise<StoreItem[]> {
    const rows = await this.db
      .select()
      .from(storeItems)
      .where(or(isNull(storeItems.validUntil), gt(storeItems.validUntil, now)))
      .orderBy(asc(storeItems.pricePoints), asc(storeItems.id));
    return rows as StoreItem[];
  }

  async insertItem(item: StoreItem): Promise<StoreItem> {
    const [row] = await this.db.insert(storeItems).values(item).returning();
    return row as StoreItem;
  }

  async redemptionByKey(key: string): Promise<Redemption | undefined> {
    const [row] = await this.db.select().from(redemptions).where(eq(redemptions.idempotencyKey, key));
    return row;
  }

  async redemptionsOf(memberId: string, itemId: string): Promise<number> {
    // A released redemption gave its item back: it does not count against the member's limit.
    const [row] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(redemptions)
      .where(and(eq(redemptions.memberId, memberId), eq(redemptions.itemId, itemId), sql`${redemptions.status} <> 'released'`));
    return Number(row?.n ?? 0);
  }

  /** Held redemptions with their item's title, the soonest to be released first, in one statement. */
  async heldRedemptions(
    first: number,
  ): Promise<{ redemptionId: string; memberId: string; itemId: string; title: string; redeemedAt: Date; expiresAt: Date }[]> {
    const rows = await this.db
      .select({
        redemptionId: redemptions.id,
        memberId: redemptions.memberId,
        itemId: redemptions.itemId,
        title: storeItems.title,
        redeemedAt: redemptions.redeemedAt,
        expiresAt: redemptions.expiresAt,
      })
      .from(redemptions)
      .innerJoin(storeItems, eq(storeItems.id, redemptions.itemId))
      .where(eq(redemptions.status, 'held'))
      .orderBy(asc(redemptions.expiresAt), asc(redemptions.id))
      .limit(first);
    return rows.map((r) => ({ ...r, expiresAt: r.expiresAt! }));
  }

  async redemption(redemptionId: string): Promise<Redemption | undefined> {
    const [row] = await this.db.select().from(redemptions).where(eq(redemptions.id, redemptionId));
    return row;
  }

  async lockRedemption(redemptionId: string): Promise<Redemption | undefined> {
    const [row] = await this.db.select().from(redemptions).where(eq(redemptions.id, redemptionId)).for('update');
    return row;
  }

  async updateRedemption(redemptionId: string, patch: Pick<Redemption, 'status' | 'settledAt'>): Promise<Redemption> {
    const [row] = await this.db.update(redemptions).set(patch).where(eq(redemptions.id, redemptionId)).returning();
    return row!;
  }

  async returnStock(itemId: string): Promise<void> {
    await this.db
      .update(storeItems)
      .set({ stock: sql`${storeItems.stock} + 1` })
      .where(eq(storeItems.id, itemId));
  }

  async shareCodeOf(memberId: string, productSku: string): Promise<ShareCode | undefined> {
    const [row] = await this.db
      .select()
      .from(shareCodes)
      .where(and(eq(shareCodes.memberId, memberId), eq(shareCodes.productSku, productSku)));
    return row;
  }

  async shareCodeByCode(code: string): Promise<ShareCode | undefined> {
    const [row] = await this.db.select().from(shareCodes).where(eq(shareCodes.code, code));
    return row;
  }

  async insertShareCode(code: ShareCode): Promise<void> {
    await this.db.insert(shareCodes).values(code);
  }

  async recordRefund(refund: EventCatalog['RefundCompleted'], at: Date): Promise<boolean> {
    const rows = await this.db
      .insert(orderRefunds)
      .values({ refundId: refund.refundId, orderId: refund.orderId, memberId: refund.memberId, payload: { ...refund }, receivedAt: at })
      .onConflictDoNothing()
      .returning({ refundId: orderRefunds.refundId });
    return rows.length === 1;
  }

  async unappliedRefundsOf(orderId: string): Promise<{ refund: EventCatalog['RefundCompleted']; at: Date }[]> {
    const rows = await this.db
      .select()
      .from(orderRefunds)
      .where(and(eq(orderRefunds.orderId, orderId), isNull(orderRefunds.appliedAt)))
      .orderBy(asc(orderRefunds.receivedAt), asc(orderRefunds.refundId))
      .for('update');
    return rows.map((r) => ({ refund: r.payload as EventCatalog['RefundCompleted'], at: r.receivedAt }));
  }

  async markRefundApplied(refundId: string, at: Date): Promise<void> {
    await this.db.update(orderRefunds).set({ appliedAt: at }).where(eq(orderRefunds.refundId, refundId));
  }

  async takeStock(itemId: string): Promise<boolean> {
    const rows = await this.db
      .update(storeItems)
      .set({ stock: sql`${storeItems.stock} - 1` })
      .where(and(eq(storeItems.id, itemId), gt(storeItems.stock, 0)))
      .returning({ id: storeItems.id });
    return rows.length === 1;
  }

  async insertRedemption(r: Redemption): Promise<Redemption> {
    const [row] = await this.db.insert(redemptions).values(r).returning();
    return row!;
  }

  async lotteryEntryByKey(key: string): Promise<LotteryEntry | undefined> {
    const [row] = await this.db.select().from(lotteryEntries).where(eq(lotteryEntries.idempotencyKey, key));
    return row;
  }

  async lottery(lotteryId: string): Promise<Lottery | undefined> {
    const [row] = await this.db.select().from(lotteries).where(eq(lotteries.id, lotteryId));
    return row;
  }

  /** Lotteries not closed by `now`: the public list. */
  async openLotteries(now: Date): Promise<Lottery[]> {
    return this.db.select().from(lotteries).where(gt(lotteries.closesAt, now)).orderBy(asc(lotteries.closesAt));
  }

  async nextEntryNumber(lotteryId: string): Promise<number> {
    const [row] = await this.db
      .update(lotteries)
      .set({ entries: sql`${lotteries.entries} + 1` })
      .where(eq(lotteries.id, lotteryId))
      .returning({ n: lotteries.entries });
    return row!.n;
  }

  async prizesOf(lotteryId: string): Promise<Prize[]> {
    return this.db
      .select({ id: lotteryPrizes.id, count: lotteryPrizes.count, weight: lotteryPrizes.weight, awarded: lotteryPrizes.awarded })
      .from(lotteryPrizes)
      .where(eq(lotteryPrizes.lotteryId, lotteryId));
  }

  /** Prizes of these lotteries, in one statement. */
  async prizesOfLotteries(lotteryIds: readonly string[]): Promise<Map<string, (typeof lotteryPrizes.$inferSelect)[]>> {
    const rows = await this.db
      .select()
      .from(lotteryPrizes)
      .where(inArray(lotteryPrizes.lotteryId, [...lotteryIds]))
      .orderBy(asc(lotteryPrizes.id));
    const by = new Map<string, (typeof lotteryPrizes.$inferSelect)[]>();
    for (const r of rows) by.set(r.lotteryId, [...(by.get(r.lotteryId) ?? []), r]);
    return by;
  }

  async awardPrize(prizeId: string): Promise<boolean> {
    const rows = await this.db
      .update(lotteryPrizes)
      .set({ awarded: sql`${lotteryPrizes.awarded} + 1` })
      .where(and(eq(lotteryPrizes.id, prizeId), lt(lotteryPrizes.awarded, lotteryPrizes.count)))
      .returning({ id: lotteryPrizes.id });
    return rows.length === 1;
  }

  async insertLotteryEntry(e: LotteryEntry): Promise<LotteryEntry> {
    const [row] = await this.db.insert(lotteryEntries).values(e).returning();
    return row!;
  }

  async insertLottery(l: Lottery, prizes: { id: string; name: string; count: number; weight: number }[]): Promise<Lottery> {
    const [row] = await this.db.insert(lotteries).values(l).returning();
    await this.db.insert(lotteryPrizes).values(prizes.map((p) => ({ ...p, lotteryId: l.id })));
    return row!;
  }

  /** Every entry of a lottery in draw order: what an audit recomputes from the seed. */
  async entriesOf(lotteryId: string): Promise<LotteryEntry[]> {
    return this.db.select().from(lotteryEntries).where(eq(lotteryEntries.lotteryId, lotteryId)).orderBy(asc(lotteryEntries.n));
  }

  /**
   * Points earned from `from` on by members who opted in, most first, in one statement:
   * the leaderboard (their chosen name only).
   */
  async leaderboard(from: Date, limit: number): Promise<{ name: string; points: number }[]> {
    const rows = await this.db
      .select({ name: sql<string>`${accounts.leaderboardName}`, points: sql<number>`sum(${ledger.delta})::int` })
      .from(ledger)
      .innerJoin(accounts, eq(accounts.memberId, ledger.memberId))
      .where(and(eq(ledger.kind, 'earn'), gte(ledger.createdAt, from), isNotNull(accounts.leaderboardName)))
      .groupBy(accounts.memberId, accounts.leaderboardName)
      .orderBy(desc(sql`sum(${ledger.delta})`), asc(accounts.leaderboardName))
      .limit(limit);
    return rows.map((r) => ({ name: r.name, points: Number(r.points) }));
  }

  async lockEarning(orderId: string): Promise<OrderEarning | undefined> {
    const [row] = await this.db.select().from(orderEarnings).where(eq(orderEarnings.orderId, orderId)).for('update');
    return row;
  }

  async insertEarning(earning: OrderEarning): Promise<void> {
    await this.db.insert(orderEarnings).values(earning).onConflictDoNothing();
  }

  async updateEarning(orderId: string, patch: Partial<Pick<OrderEarning, 'status' | 'refunded' | 'clawed' | 'entryId'>>): Promise<void> {
    await this.db.update(orderEarnings).set(patch).where(eq(orderEarnings.orderId, orderId));
  }

  async lotIdsOfEntry(entryId: string): Promise<string[]> {
    const rows = await this.db.select({ id: lots.id }).from(lots).where(eq(lots.entryId, entryId));
    return rows.map((r) => r.id);
  }

  /** The newest `first` staff operations on points. */
  async staffOperationsPage(first: number): Promise<StaffOperation[]> {
    return this.db.select().from(staffOperations).orderBy(desc(staffOperations.occurredAt), desc(staffOperations.id)).limit(first);
  }

  async recordStaffOperation(op: StaffOperation): Promise<void> {
    await this.db.insert(staffOperations).values(op);
  }

  async record<T extends keyof EventInput>(type: T, payload: EventInput[T], at: Date): Promise<void> {
    await recordEvent(this.db, outbox, type, payload, { now: at });
  }

  /** Balances of the members that have an account, in one query. */
  async balances(memberIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.db
      .select({ memberId: accounts.memberId, balance: accounts.balance })
      .from(accounts)
      .where(inArray(accounts.memberId, [...memberIds]));
    return new Map(rows.map((r) => [r.memberId, r.balance]));
  }

  /** Accounts (balance and debt) of these members, in one query. */
  async accountsOf(memberIds: readonly string[]): Promise<Map<string, AccountRow>> {
    const rows = await this.db
      .select()
      .from(accounts)
      .where(inArray(accounts.memberId, [...memberIds]));
    return new Map(rows.map((r) => [r.memberId, r]));
  }

  /** Pending order points of these members, in one query. */
  async pendingOf(memberIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.db
      .select({ memberId: orderEarnings.memberId, pending: sql<number>`sum(${orderEarnings.points} - ${orderEarnings.clawed})::int` })
      .from(orderEarnings)
      .where(and(inArray(orderEarnings.memberId, [...memberIds]), eq(orderEarnings.status, 'pending')))
      .groupBy(orderEarnings.memberId);
    return new Map(rows.map((r) => [r.memberId, Number(r.pending)]));
  }

  /** Lots of these members with points left that expire in (now, until], soonest first, in one query. */
  async expiringOf(memberIds: readonly string[], now: Date, until: Date): Promise<Map<string, LotRow[]>> {
    const rows = await this.db
      .select()
      .from(lots)
      .where(and(inArray(lots.memberId, [...memberIds]), gt(lots.remaining, 0), gt(lots.expiresAt, now), lte(lots.expiresAt, until)))
      .orderBy(asc(lots.memberId), asc(lots.expiresAt), asc(lots.id));
    const byMember = new Map<string, LotRow[]>();
    for (const row of rows) byMember.set(row.memberId, [...(byMember.get(row.memberId) ?? []), row]);
    return byMember;
  }

  /**
   * The same page of history for several members in ONE statement: entries newest
   * first, ranked per member, `first + 1` per member so the caller can tell whether
   * another page follows.
   */
  async histories(memberIds: readonly string[], first: number, after?: Cursor): Promise<Map<string, LedgerRow[]>> {
    const before = after ? or(lt(ledger.createdAt, after.at), and(eq(ledger.createdAt, after.at), lt(ledger.id, after.id))) : undefined;
    const ranked = this.db
      .select({
        id: ledger.id,
        memberId: ledger.memberId,
        kind: ledger.kind,
        delta: ledger.delta,
        debtDelta: ledger.debtDelta,
        reason: ledger.reason,
        source: ledger.source,
        sourceId: ledger.sourceId,
        note: ledger.note,
        idempotencyKey: ledger.idempotencyKey,
        createdAt: ledger.createdAt,
        rank: sql<number>`row_number() over (partition by ${ledger.memberId} order by ${ledger.createdAt} desc, ${ledger.id} desc)`.as(
          'rank',
        ),
      })
      .from(ledger)
      .where(and(inArray(ledger.memberId, [...memberIds]), before))
      .as('ranked');
    const { rank, ...columns } = ranked._.selectedFields;
    const rows = (await this.db
      .select(columns)
      .from(ranked)
      .where(lte(rank, first + 1))
      .orderBy(asc(ranked.memberId), desc(ranked.createdAt), desc(ranked.id))) as LedgerRow[];
    const byMember = new Map<string, LedgerRow[]>();
    for (const row of rows) byMember.set(row.memberId, [...(byMember.get(row.memberId) ?? []), row]);
    return byMember;
  }

  /**
   * The member's account, whole ledger (oldest entry first) and share codes, in three statements: what
   * points contributes to the member's data export.
   */
  async everythingOf(memberId: string): Promise<{ account: AccountRow | undefined; entries: LedgerRow[]; shareCodes: ShareCode[] }> {
    const [account] = await this.db.select().from(accounts).where(eq(accounts.memberId, memberId));
    const entries = await this.db.select().from(ledger).where(eq(ledger.memberId, memberId)).orderBy(asc(ledger.createdAt), asc(ledger.id));
    const codes = await this.db
      .select()
      .from(shareCodes)
      .where(eq(shareCodes.memberId, memberId))
      .orderBy(asc(shareCodes.createdAt), asc(shareCodes.code));
    return { account, entries, shareCodes: codes };
  }

  /**
   * Expires every lot due by `now`, set-based, in two statements: the accounts of the members
   * with due lots are locked first (every change to a member's lots happens under their
   * account lock, so their lots cannot move after this), then one statement writes one expire
   * entry per member for the sum of their due lots, empties the lots and points them at it,
   * and lowers the balances. Returns how many lots and members it touched. Running it again
   * finds nothing due. Call it in a transaction.
   */
  async expireDue(now: Date): Promise<{ lots: number; members: number; points: number }> {
    const stamp = now.toISOString();
    await this.db.execute(sql`
      select 1 from ${accounts} where member_id in (
        select distinct member_id from ${lots} where remaining > 0 and expires_at <= ${stamp}::timestamptz
      ) order by member_id for update`);
    const rows = await this.db.execute(sql`
      with due as (
        select id, member_id, remaining from ${lots}
        where remaining > 0 and expires_at <= ${stamp}::timestamptz
      ), per_member as (
        select member_id, sum(remaining)::int as points, gen_random_uuid() as entry_id from due group by member_id
      ), entries as (
        insert into ${ledger} (id, member_id, kind, delta, debt_delta, reason, source, idempotency_key, created_at)
        select entry_id, member_id, 'expire', -points, 0, 'EXPIRY', 'system', 'expire:' || member_id || ':' || ${stamp}, ${stamp}::timestamptz
        from per_member
        returning member_id
      ), emptied as (
        update ${lots} l set remaining = 0, expired_entry_id = p.entry_id
        from due d join per_member p on p.member_id = d.member_id
        where l.id = d.id
        returning l.id
      ), debited as (
        update ${accounts} a set balance = a.balance - p.points
        from per_member p where a.member_id = p.member_id
        returning a.member_id
      )
      select (select count(*) from emptied)::int as lots, (select count(*) from debited)::int as members,
             (select coalesce(sum(points), 0) from per_member)::int as points`);
    const row = (Array.isArray(rows) ? rows[0] : (rows as { rows: unknown[] }).rows[0]) as {
      lots: number;
      members: number;
      points: number;
    };
    return { lots: Number(row.lots), members: Number(row.members), points: Number(row.points) };
  }

  /**
   * Gives back the points of every hold still held whose time ran out by `now` (see
   * {@link releaseExpired}). Call it in a transaction.
   */
  releaseExpiredHolds(now: Date): Promise<{ released: number; points: number }> {
    return this.releaseExpired(now, {
      table: holds,
      sourceColumn: 'order_id',
      source: 'order',
      reason: 'ORDER_OFFSET_RELEASED',
      keyPrefix: 'release:',
    });
  }

  /**
   * Releases every held redemption not fulfilled by `now` (see {@link releaseExpired}) and
   * puts its item back in stock. Call it in a transaction.
   */
  releaseExpiredRedemptions(now: Date): Promise<{ released: number; points: number }> {
    return this.releaseExpired(now, {
      table: redemptions,
      sourceColumn: 'item_id',
      source: 'store',
      reason: 'STORE',
      keyPrefix: 'redemption-release:',
      alsoWith: sql`, stock_back as (
        update ${storeItems} i set stock = i.stock + s.n
        from (select source_id, count(*)::int as n from due group by source_id) s
        where i.id = s.source_id
        returning i.id
      )`,
    });
  }

  /**
   * Releases every reservation of points (an order's hold, a held redemption) still `held`
   * whose time ran out by `now`, set-based: the members' accounts are locked first (the order
   * every writer takes), then one statement writes a `reverse` entry per reservation, returns
   * each lot exactly what the reservation still has out of it (mirrored usages), raises the
   * balances and marks the reservations released; `alsoWith` adds a step over `due`.
   */
  private async releaseExpired(
    now: Date,
    what: {
      table: typeof holds | typeof redemptions;
      sourceColumn: 'order_id' | 'item_id';
      source: 'order' | 'store';
      reason: string;
      keyPrefix: string;
      alsoWith?: SQL;
    },
  ): Promise<{ released: number; points: number }> {
    const stamp = now.toISOString();
    const sourceColumn = sql.raw(what.sourceColumn);
    await this.db.execute(sql`
      select 1 from ${accounts} where member_id in (
        select member_id from ${what.table} where status = 'held' and expires_at <= ${stamp}::timestamptz
      ) order by member_id for update`);
    const rows = await this.db.execute(sql`
      with due as (
        select id, member_id, ${sourceColumn} as source_id from ${what.table} where status = 'held' and expires_at <= ${stamp}::timestamptz for update
      ), outstanding as (
        select u.hold_id, u.lot_id, sum(u.points)::int as points
        from ${lotUsages} u join due d on d.id = u.hold_id
        group by u.hold_id, u.lot_id having sum(u.points) > 0
      ), per_reservation as (
        select d.id as reservation_id, d.member_id, d.source_id, sum(o.points)::int as points, gen_random_uuid() as entry_id
        from due d join outstanding o on o.hold_id = d.id
        group by d.id, d.member_id, d.source_id
      ), entries as (
        insert into ${ledger} (id, member_id, kind, delta, debt_delta, reason, source, source_id, idempotency_key, created_at)
        select entry_id, member_id, 'reverse', points, 0, ${what.reason}::text, ${what.source}::text, source_id::text, ${what.keyPrefix}::text || reservation_id::text, ${stamp}::timestamptz
        from per_reservation
        returning id
      ), usages as (
        insert into ${lotUsages} (id, entry_id, lot_id, hold_id, points)
        select gen_random_uuid(), p.entry_id, o.lot_id, o.hold_id, -o.points
        from outstanding o join per_reservation p on p.reservation_id = o.hold_id
        returning id
      ), lots_back as (
        update ${lots} l set remaining = l.remaining + s.points
        from (select lot_id, sum(points)::int as points from outstanding group by lot_id) s
        where l.id = s.lot_id
        returning l.id
      ), credited as (
        update ${accounts} a set balance = a.balance + s.points
        from (select member_id, sum(points)::int as points from per_reservation group by member_id) s
        where a.member_id = s.member_id
        returning a.member_id
      )${what.alsoWith ?? sql``}, released as (
        update ${what.table} r set status = 'released', settled_at = ${stamp}::timestamptz
        from due d where r.id = d.id
        returning r.id
      )
      select (select count(*) from released)::int as released, (select coalesce(sum(points), 0) from per_reservation)::int as points`);
    const row = (Array.isArray(rows) ? rows[0] : (rows as { rows: unknown[] }).rows[0]) as { released: number; points: number };
    return { released: Number(row.released), points: Number(row.points) };
  }

  /**
   * Makes available every order's pending points whose return window ended by `now`,
   * set-based: the members' accounts are locked first, then one statement writes an earn
   * entry per order (paying the member's debt first, in order of availability), a lot for
   * what is spendable (expiring at `expiresAt`), the new balances and debts, the earnings'
   * status, and a `points.points_available` notice per order. Earnings that refunds emptied
   * are cancelled. Call it in a transaction.
   */
  async releaseDueEarnings(now: Date, expiresAt: Date): Promise<{ available: number; cancelled: number }> {
    const stamp = now.toISOString();
    await this.db.execute(sql`
      select 1 from ${accounts} where member_id in (
        select member_id from ${orderEarnings} where status = 'pending' and available_at <= ${stamp}::timestamptz
      ) order by member_id for update`);
    const rows = await this.db.execute(sql`
      with due as (
        select order_id, member_id, points - clawed as points, available_at
        from ${orderEarnings} where status = 'pending' and available_at <= ${stamp}::timestamptz
        for update
      ), earning as (
        select d.*, a.debt,
               coalesce(sum(d.points) over (partition by d.member_id order by d.available_at, d.order_id rows between unbounded preceding and 1 preceding), 0) as before,
               gen_random_uuid() as entry_id
        from due d join ${accounts} a on a.member_id = d.member_id
        where d.points > 0
      ), split as (
        select *, greatest(0, least(points, debt - before))::int as to_debt from earning
      ), entries as (
        insert into ${ledger} (id, member_id, kind, delta, debt_delta, reason, source, source_id, idempotency_key, created_at)
        select entry_id, member_id, 'earn', points - to_debt, -to_debt, 'ORDER', 'order', order_id::text, 'order-earn:' || order_id, ${stamp}::timestamptz
        from split
        returning id
      ), new_lots as (
        insert into ${lots} (id, member_id, entry_id, points, remaining, earned_at, expires_at)
        select gen_random_uuid(), member_id, entry_id, points - to_debt, points - to_debt, ${stamp}::timestamptz, ${expiresAt.toISOString()}::timestamptz
        from split where points - to_debt > 0
        returning id
      ), credited as (
        update ${accounts} a set balance = a.balance + s.to_balance, debt = a.debt - s.to_debt
        from (select member_id, sum(points - to_debt)::int as to_balance, sum(to_debt)::int as to_debt from split group by member_id) s
        where a.member_id = s.member_id
        returning a.member_id
      ), available as (
        update ${orderEarnings} e set status = 'available', entry_id = s.entry_id
        from split s where e.order_id = s.order_id
        returning e.order_id
      ), cancelled as (
        update ${orderEarnings} e set status = 'cancelled'
        from due d where e.order_id = d.order_id and d.points <= 0
        returning e.order_id
      ), notices as (
        insert into ${outbox} (id, type, payload, occurred_at)
        select gen_random_uuid(), 'MemberNoticeRequested',
               jsonb_build_object('memberId', member_id, 'template', 'points.points_available',
                                  'params', jsonb_build_object('points', points, 'orderNumber', order_id),
                                  'outOfApp', false, 'dedupeKey', 'points.points_available:' || order_id),
               ${stamp}::timestamptz
        from split
        returning id
      )
      select (select count(*) from available)::int as available, (select count(*) from cancelled)::int as cancelled,
             (select count(*) from entries)::int as entries, (select count(*) from new_lots)::int as lots,
             (select count(*) from credited)::int as accounts, (select count(*) from notices)::int as notices`);
    const row = (Array.isArray(rows) ? rows[0] : (rows as { rows: unknown[] }).rows[0]) as { available: number; cancelled: number };
    return { available: Number(row.available), cancelled: Number(row.cancelled) };
  }

  /**
   * Records one PointsExpiring per member with points expiring in (now, now + days], for
   * the soonest date, set-based: one statement; a member told about a date is not told again (expiry_notices).
   */
  async announceExpiring(now: Date, until: Date): Promise<number> {
    const stamp = now.toISOString();
    const rows = await this.db.execute(sql`
      with soon as (
        select member_id, min(expires_at) as expires_at from ${lots}
        where remaining > 0 and expires_at > ${stamp}::timestamptz and expires_at <= ${until.toISOString()}::timestamptz
        group by member_id
      ), amounts as (
        select s.member_id, s.expires_at, sum(l.remaining)::int as points
        from soon s join ${lots} l on l.member_id = s.member_id and l.expires_at = s.expires_at and l.remaining > 0
        group by s.member_id, s.expires_at
      ), fresh as (
        insert into ${expiryNotices} (member_id, expires_at, points, noticed_at)
        select member_id, expires_at, points, ${stamp}::timestamptz from amounts
        on conflict do nothing
        returning member_id, expires_at, points
      ), recorded as (
        insert into ${outbox} (id, type, payload, occurred_at)
        select gen_random_uuid(), 'PointsExpiring',
               jsonb_build_object('memberId', member_id, 'points', points,
                                  'expiresAt', to_char(expires_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
               ${stamp}::timestamptz
        from fresh
        returning id
      )
      select count(*)::int as n from recorded`);
    const row = (Array.isArray(rows) ? rows[0] : (rows as { rows: unknown[] }).rows[0]) as { n: number };
    return Number(row.n);
  }

  /**
   * Deletes everything points holds about an erased member, in set-based statements:
   * usages, redemptions, lottery entries, awards, check-ins, referrals, holds, lots,
   * earnings and the ledger first (they restrict deleting the account), then the account,
   * the projections, staff operations' mention of them, and any event about them still
   * in the outbox.
   * Running it again finds nothing to delete. Call it with a transaction.
   */
  async eraseMember(memberId: string): Promise<{ entries: number }> {
    const mine = this.db.select({ id: ledger.id }).from(ledger).where(eq(ledger.memberId, memberId));
    await this.db.delete(lotUsages).where(inArray(lotUsages.entryId, mine));
    await this.db.delete(redemptions).where(eq(redemptions.memberId, memberId));
    await this.db.delete(shareCodes).where(eq(shareCodes.memberId, memberId));
    await this.db.delete(orderRefunds).where(eq(orderRefunds.memberId, memberId));
    await this.db.delete(lotteryEntries).where(eq(lotteryEntries.memberId, memberId));
    await this.db.delete(ruleAwards).where(eq(ruleAwards.memberId, memberId));
    await this.db.delete(checkIns).where(eq(checkIns.memberId, memberId));
    await this.db.delete(referrals).where(or(eq(referrals.refereeId, memberId), eq(referrals.referrerId, memberId)));
    // The log keeps that staff did something, not to whom.
    await this.db.update(staffOperations).set({ targetId: 'erased member', after: null }).where(eq(staffOperations.targetId, memberId));
    await this.db.delete(holds).where(eq(holds.memberId, memberId));
    await this.db.delete(orderEarnings).where(eq(orderEarnings.memberId, memberId));
    await this.db.delete(lots).where(eq(lots.memberId, memberId));
    const entries = await this.db.delete(ledger).where(eq(ledger.memberId, memberId)).returning({ id: ledger.id });
    await this.db.delete(accounts).where(eq(accounts.memberId, memberId));
    await this.db.delete(memberTiers).where(eq(memberTiers.memberId, memberId));
    await this.db.delete(memberSanctions).where(eq(memberSanctions.memberId, memberId));
    await this.db.delete(memberVerifications).where(eq(memberVerifications.memberId, memberId));
    await this.db.delete(expiryNotices).where(eq(expiryNotices.memberId, memberId));
    await this.db.delete(outbox).where(sql`${outbox.payload} ->> 'memberId' = ${memberId}`);
    return { entries: entries.length };
  }
}
