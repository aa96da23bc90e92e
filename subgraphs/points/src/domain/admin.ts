import { randomBytes, randomUUID } from 'node:crypto';
import { badInput } from '@membership/domain';
import { awardRuleIn, type ActivityStore } from './activity.js';
import type { LedgerEntry } from './ledger.js';
import { checkLottery, seedCommitment } from './lottery.js';
import type { PointsPolicy } from './policy.js';
import { checkRuleChange, type Campaign, type EarningRule, type RuleCode } from './rules.js';
import type { Lottery } from './spending.js';
import type { StaffOperation } from './staff.js';
import { checkItem, type StoreItem } from './store.js';

/** Where staff's programme changes are written, each with its staff operation log entry. */
export interface AdminStore extends ActivityStore {
  transaction<T>(work: (store: AdminStore) => Promise<T>): Promise<T>;
  recordStaffOperation(op: StaffOperation): Promise<void>;
  insertEarningRule(rule: EarningRule): Promise<EarningRule>;
  insertCampaign(c: Campaign): Promise<Campaign>;
  insertItem(item: StoreItem): Promise<StoreItem>;
  insertLottery(l: Lottery, prizes: { id: string; name: string; count: number; weight: number }[]): Promise<Lottery>;
}

const log = (
  staffId: string,
  operation: string,
  targetType: string,
  targetId: string,
  at: Date,
  after: unknown,
  reason: string | null = null,
): StaffOperation => ({
  id: randomUUID(),
  occurredAt: at,
  staffId,
  operation,
  targetType,
  targetId,
  reason,
  after: JSON.stringify(after),
});

/** Announces a rule change, refused when it starts sooner than the notice period. */
export function scheduleRuleChange(
  store: AdminStore,
  staffId: string,
  input: { code: string; points: number; dailyCap?: number | null; totalCap?: number | null; effectiveFrom: Date },
  policy: PointsPolicy,
  now: Date,
): Promise<EarningRule> {
  const change = { ...input, dailyCap: input.dailyCap ?? null, totalCap: input.totalCap ?? null };
  const code = checkRuleChange(change, now, policy.ruleChangeNoticeDays);
  return store.transaction(async (tx) => {
    const rule = await tx.insertEarningRule({ ...change, code, announcedAt: now });
    await tx.recordStaffOperation(log(staffId, 'points.rule.schedule', 'earning_rule', code, now, rule));
    return rule;
  });
}

export function createCampaign(store: AdminStore, staffId: string, input: Omit<Campaign, 'id'>, now: Date): Promise<Campaign> {
  if (!input.name.trim()) throw badInput('A campaign needs a name.', 'name');
  if (!Number.isInteger(input.multiplierPercent) || input.multiplierPercent < 100 || input.multiplierPercent > 1000) {
    throw badInput('The multiplier is a whole percentage from 100 (x1) to 1000 (x10).', 'multiplierPercent');
  }
  if (input.endsAt <= input.startsAt) throw badInput('A campaign must start before it ends.', 'endsAt');
  if (input.endsAt <= now) throw badInput('This campaign would already be over.', 'endsAt');
  return store.transaction(async (tx) => {
    const campaign = await tx.insertCampaign({ id: randomUUID(), ...input });
    await tx.recordStaffOperation(log(staffId, 'points.campaign.create', 'campaign', campaign.id, now, campaign));
    return campaign;
  });
}

export function createItem(store: AdminStore, staffId: string, input: Omit<StoreItem, 'id'>, now: Date): Promise<StoreItem> {
  checkItem(input);
  return store.transaction(async (tx) => {
    const item = await tx.insertItem({ id: randomUUID(), ...input });
    await tx.recordStaffOperation(log(staffId, 'points.store.create', 'store_item', item.id, now, item));
    return item;
  });
}

export function createLottery(
  store: AdminStore,
  staffId: string,
  input: {
    title: string;
    entryCost: number;
    loseWeight: number;
    opensAt: Date;
    closesAt: Date;
    prizes: { name: string; count: number; weight: number }[];
  },
  now: Date,
): Promise<Lottery> {
  checkLottery(input);
  if (!input.title.trim()) throw badInput('A lottery needs a title.', 'title');
  if (input.closesAt <= input.opensAt) throw badInput('A lottery must open before it closes.', 'closesAt');
  const seed = randomBytes(32).toString('hex');
  const lottery: Lottery = {
    id: randomUUID(),
    title: input.title,
    entryCost: input.entryCost,
    loseWeight: input.loseWeight,
    seed,
    seedHash: seedCommitment(seed),
    entries: 0,
    opensAt: input.opensAt,
    closesAt: input.closesAt,
  };
  return store.transaction(async (tx) => {
    const created = await tx.insertLottery(
      lottery,
      input.prizes.map((p) => ({ id: randomUUID(), ...p })),
    );
    // The log keeps the seed's hash, not the seed: staff cannot learn draws in advance from it.
    await tx.recordStaffOperation(
      log(staffId, 'points.lottery.create', 'lottery', lottery.id, now, { ...input, seedHash: lottery.seedHash }),
    );
    return created;
  });
}

/** Staff grant a rule's points (an adopted suggestion, a task checked by hand) with a reason, within the rule's caps. */
export function grantPoints(
  store: AdminStore,
  staffId: string,
  input: { memberId: string; rule: RuleCode; reason: string; idempotencyKey: string },
  policy: PointsPolicy,
  now: Date,
): Promise<LedgerEntry | null> {
  const reason = input.reason.trim();
  if (reason.length < 5) throw badInput('Say why the points are granted (at least 5 characters); it is kept in the log.', 'reason');
  return store.transaction(async (tx) => {
    const entry = await awardRuleIn(
      tx,
      {
        memberId: input.memberId,
        code: input.rule,
        reason: input.rule === 'suggestion' ? 'SUGGESTION' : input.rule === 'share' ? 'SHARE' : 'TASK',
        source: 'staff',
        sourceId: staffId,
        note: reason,
        idempotencyKey: `grant:${input.idempotencyKey}`,
        at: now,
      },
      policy,
    );
    if (entry)
      await tx.recordStaffOperation(
        log(staffId, 'points.grant', 'member', input.memberId, now, { rule: input.rule, points: entry.delta }, reason),
      );
    return entry;
  });
}
