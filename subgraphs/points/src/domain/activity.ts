import { badInput, conflict } from '@membership/domain';
import type { EventInput } from '@membership/events';
import { checkIn, localDay, type LastCheckIn } from './checkin.js';
import { earnIn, type LedgerEntry, type LedgerStore, type PointsAccount } from './ledger.js';
import { expiryOf } from './lots.js';
import type { PointsPolicy } from './policy.js';
import { cappedAward, programmeRules, rulesInForce, type EarningRule, type RuleCode } from './rules.js';

/** Where activity rules read and write (db/PointsRepository). */
export interface ActivityStore extends LedgerStore {
  transaction<T>(work: (store: ActivityStore) => Promise<T>): Promise<T>;
  lockAccount(memberId: string): Promise<(PointsAccount & { timeZone: string | null }) | undefined>;
  setTimeZone(memberId: string, timeZone: string): Promise<void>;
  earningRules(): Promise<EarningRule[]>;
  /** Points the member got under `rule` on UTC `day`, and ever. */
  awarded(memberId: string, rule: RuleCode, day: string): Promise<{ today: number; ever: number }>;
  insertAward(award: { entryId: string; memberId: string; rule: RuleCode; day: string; points: number }): Promise<void>;
  lastCheckIn(memberId: string): Promise<LastCheckIn | null>;
  insertCheckIn(row: { memberId: string; day: string; streak: number; points: number; checkedAt: Date }): Promise<void>;
  referralOf(refereeId: string): Promise<{ referrerId: string; rewardedAt: Date | null } | undefined>;
  insertReferral(row: { refereeId: string; referrerId: string; recordedAt: Date }): Promise<void>;
  markReferralRewarded(refereeId: string, at: Date): Promise<void>;
  /** How many orders of the member points has seen paid. */
  paidOrders(memberId: string): Promise<number>;
  record<T extends keyof EventInput>(type: T, payload: EventInput[T], at: Date): Promise<void>;
}

/**
 * Gives the points of rule `code` in force at `at`, cut to its day and lifetime caps, inside
 * the caller's transaction. Null when the caps leave nothing (or the rule gives 0), or the
 * member has no points account.
 */
export async function awardRuleIn(
  tx: ActivityStore,
  award: {
    memberId: string;
    code: RuleCode;
    reason: LedgerEntry['reason'];
    source: LedgerEntry['source'];
    idempotencyKey: string;
    at: Date;
    sourceId?: string | null;
    note?: string | null;
    points?: number;
  },
  policy: PointsPolicy,
): Promise<LedgerEntry | null> {
  // The account lock first: two awards for one member count each other against the caps.
  if (!(await tx.lockAccount(award.memberId))) return null;
  // A replay returns the first award as it was, whatever the caps say now.
  const previous = await tx.entryByKey(award.idempotencyKey);
  if (previous) return previous;
  const rule = rulesInForce(programmeRules(await tx.earningRules(), policy.pointsPerUnit), award.at).get(award.code);
  if (!rule) return null;
  const day = award.at.toISOString().slice(0, 10);
  const so = await tx.awarded(award.memberId, award.code, day);
  const points = cappedAward(award.points ?? rule.points, rule, so.today, so.ever);
  if (points <= 0) return null;
  const posted = await earnIn(tx, { ...award, points, expiresAt: expiryOf(award.at, policy.expiry) });
  if (!posted.replayed) await tx.insertAward({ entryId: posted.entry.id, memberId: award.memberId, rule: award.code, day, points });
  return posted.entry;
}

/**
 * A daily check-in in the member's time zone (stored on first use, from `timeZone` or the
 * default): the check-in points plus a streak bonus that grows with consecutive days and
 * starts again after a missed day. Records MemberActivityRecorded for tiers. A second
 * check-in on the same local day is refused.
 */
export async function dailyCheckIn(
  store: ActivityStore,
  memberId: string,
  timeZone: string | null,
  policy: PointsPolicy & { defaultTimeZone: string; streakMaxBonusDays: number },
  now: Date,
) {
  return store.transaction(async (tx) => {
    const account = await tx.lockAccount(memberId);
    if (!account) throw conflict('Your points account is not open yet; try again in a minute.');
    let zone = account.timeZone;
    if (!zone) {
      zone = timeZone ?? policy.defaultTimeZone;
      localDay(now, zone);
      await tx.setTimeZone(memberId, zone);
    } else if (timeZone && timeZone !== zone) {
      throw badInput(`Check-in days follow ${zone}, the time zone you first checked in with.`, 'timeZone');
    }
    const today = localDay(now, zone);
    const rules = rulesInForce(programmeRules(await tx.earningRules(), policy.pointsPerUnit), now);
    const result = checkIn(today, await tx.lastCheckIn(memberId), {
      basePoints: rules.get('check_in')?.points ?? 0,
      bonusPerDay: rules.get('streak_bonus')?.points ?? 0,
      maxBonusDays: policy.streakMaxBonusDays,
    });
    if (result.points > 0) {
      await earnIn(tx, {
        memberId,
        points: result.points,
        reason: 'CHECK_IN',
        source: 'task',
        sourceId: today,
        idempotencyKey: `check-in:${memberId}:${today}`,
        at: now,
        expiresAt: expiryOf(now, policy.expiry),
      });
    }
    await tx.insertCheckIn({ memberId, day: today, streak: result.streak, points: result.points, checkedAt: now });
    await tx.record('MemberActivityRecorded', { memberId, kind: 'check_in', occurredAt: now.toISOString() }, now);
    return { ...result, timeZone: zone };
  });
}

/**
 * The member says who referred them. Refused for themselves, when they already have a
 * referrer or a paid order, and when it would close a circle (the referrer was referred,
 * directly or down a chain, by them).
 */
export async function recordReferral(store: ActivityStore, refereeId: string, referrerId: string, now: Date): Promise<void> {
  if (refereeId === referrerId) throw badInput('You cannot refer yourself.', 'referrerId');
  await store.transaction(async (tx) => {
    const account = await tx.lockAccount(refereeId);
    if (!account) throw conflict('Your points account is not open yet; try again in a minute.');
    if (await tx.referralOf(refereeId)) throw conflict('You already named who referred you.', 'referrerId');
    if ((await tx.paidOrders(refereeId)) > 0) throw conflict('A referral counts only before your first paid order.', 'referrerId');
    let up: string | undefined = referrerId;
    for (let depth = 0; up && depth < 50; depth++) {
      if (up === refereeId) throw badInput('That would be a circular referral: this member was referred through you.', 'referrerId');
      up = (await tx.referralOf(up))?.referrerId;
    }
    await tx.insertReferral({ refereeId, referrerId, recordedAt: now });
  });
}

/** After a member's first paid order: the first-order task, and both sides of a referral, once. */
export async function firstOrderRewardsIn(
  tx: ActivityStore,
  memberId: string,
  orderId: string,
  at: Date,
  policy: PointsPolicy,
): Promise<void> {
  await awardRuleIn(
    tx,
    {
      memberId,
      code: 'task_first_order',
      reason: 'TASK',
      source: 'task',
      sourceId: orderId,
      idempotencyKey: `task:first_order:${memberId}`,
      at,
    },
    policy,
  );
  const referral = await tx.referralOf(memberId);
  if (!referral || referral.rewardedAt) return;
  await tx.openAccount(referral.referrerId, at);
  await awardRuleIn(
    tx,
    {
      memberId,
      code: 'referral_referee',
      reason: 'REFERRAL',
      source: 'task',
      sourceId: orderId,
      idempotencyKey: `referral:referee:${memberId}`,
      at,
    },
    policy,
  );
  await awardRuleIn(
    tx,
    {
      memberId: referral.referrerId,
      code: 'referral_referrer',
      reason: 'REFERRAL',
      source: 'task',
      sourceId: memberId,
      idempotencyKey: `referral:referrer:${memberId}`,
      at,
    },
    policy,
  );
  await tx.markReferralRewarded(memberId, at);
}
