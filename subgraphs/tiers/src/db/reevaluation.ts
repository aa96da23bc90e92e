import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '@membership/db';
import { windowStart as windowStart_ } from '../domain/rules.js';
import { rowsOf, StandingRepository } from './standing-repository.js';

/** What one periodic re-evaluation did: counts only. */
export interface ReevaluationResult {
  /** Members whose stored evaluation or standing changed. */
  updated: number;
  /** Tier changes (upgrades, and downgrades whose grace period was over), each a TierChanged. */
  tierChanges: number;
  /** Downgrades announced, each a notice to the member. */
  downgradesAnnounced: number;
}

/**
 * Re-evaluates every member in one set-based statement, under the rule version in force
 * at `now`: the same inputs, score, credit score and decision as `evaluate` and `decide`
 * in src/domain (a test holds them to the same numbers), for every member at once.
 *
 * Members held by a DOWNGRADE sanction are left to the sanction's events. A row is
 * written only when something in it changes, so a second run at the same time finds
 * nothing to change and records nothing. TierChanged, the downgrade notices and the
 * evaluation history are written by the same statement, so they commit with the change.
 * The payloads are built to the event contract here (recordEvent would check them one
 * by one); the consumers check them again.
 */
export async function reevaluateAll(db: Db, now: Date, graceDays: number): Promise<ReevaluationResult> {
  const rules = await new StandingRepository(db).rulesAt(now);
  const at = now.toISOString();
  const windowStart = windowStart_(rules, now).toISOString();
  // The rule version's numbers go in as values, so the planner sees the real window and the
  // requirements are a CASE rather than a subquery per member.
  const byRankDesc = [...rules.requirements].sort((a, b) => b.rank - a.rank);
  const lowest = byRankDesc[byRankDesc.length - 1]!;
  const earnedCode = sql.join(
    [
      sql`case`,
      ...byRankDesc
        .slice(0, -1)
        .map((r) => sql`when i.score >= ${r.minScore}::int and i.credit >= ${r.minCreditScore}::int then ${r.code}::text`),
      sql`else ${lowest.code}::text end`,
    ],
    sql` `,
  );
  const rankOfCode = (column: SQL) =>
    sql.join([sql`case ${column}`, ...rules.requirements.map((r) => sql`when ${r.code}::text then ${r.rank}::int`), sql`end`], sql` `);
  const w = rules.activityWeights;
  const p = rules.violationPenalties;
  const penalty = sql`case s.kind when 'WARNING' then ${p.WARNING}::int when 'RESTRICTED_BENEFITS' then ${p.RESTRICTED_BENEFITS}::int when 'DOWNGRADE' then ${p.DOWNGRADE}::int else ${p.BAN}::int end`;
  const inWindow = (column: SQL) => sql`${column} > ${windowStart}::timestamptz and ${column} <= ${at}::timestamptz`;
  // One statement in its own transaction. JIT off: the planner's guesses about the CTEs' sizes
  // are far too high, and compiling the plan cost more than running it (docs/BENCHMARKS.md).
  const [row] = await db.transaction(async (tx) => {
    await tx.execute(sql`set local jit = off`);
    return rowsOf<{ updated: number; tier_changes: number; announced: number }>(
      tx as unknown as Db,
      sql`
with refunded as (select order_id, sum(amount) as amount from tiers.refunds group by order_id),
spend as (
  select p.member_id,
         sum(greatest(p.amount - coalesce(f.amount, 0), 0))::int as spend,
         (count(*) filter (where p.amount - coalesce(f.amount, 0) > 0))::int as purchases,
         (count(distinct date_trunc('month', p.paid_at at time zone 'UTC')) filter (where p.amount - coalesce(f.amount, 0) > 0))::int as months
  from tiers.purchases p left join refunded f on f.order_id = p.order_id
  where p.currency = ${rules.currency} and ${inWindow(sql`p.paid_at`)}
  group by p.member_id
),
act as (
  select a.member_id,
         (count(*) filter (where a.kind = 'check_in'))::int as check_ins, (count(*) filter (where a.kind = 'activity'))::int as activities,
         (count(*) filter (where a.kind = 'review'))::int as reviews, (count(*) filter (where a.kind = 'share'))::int as shares
  from tiers.activities a
  where ${inWindow(sql`a.occurred_at`)}
  group by a.member_id
),
sanction as (
  select s.member_id,
         (count(*) filter (where ${inWindow(sql`s.applied_at`)} and s.lift_reason is distinct from 'appeal'))::int as violations,
         coalesce(sum(${penalty}) filter (where ${inWindow(sql`s.applied_at`)} and s.lift_reason is distinct from 'appeal'), 0)::int as penalty,
         coalesce(bool_or(s.kind <> 'WARNING' and s.lifted_at is null), false) as blocks
  from tiers.sanctions s
  where s.applied_at is not null
  group by s.member_id
),
inputs as (
  select m.member_id, m.tier_code, m.evaluated_at as previously_evaluated_at, m.downgrade_due_at, m.provisional_until, ${rankOfCode(sql`m.tier_code`)} as held_rank,
         coalesce(sp.spend, 0) as spend, coalesce(sp.purchases, 0) as purchases, coalesce(sp.months, 0) as months,
         coalesce(ac.check_ins, 0) as check_ins, coalesce(ac.activities, 0) as activities, coalesce(ac.reviews, 0) as reviews, coalesce(ac.shares, 0) as shares,
         coalesce(sa.violations, 0) as violations, coalesce(sa.penalty, 0) as penalty, coalesce(sa.blocks, false) as blocks,
         coalesce(sp.spend, 0) / ${rules.spendPerPoint}::int
           + coalesce(ac.check_ins, 0) * ${w.check_in}::int + coalesce(ac.activities, 0) * ${w.activity}::int
           + coalesce(ac.reviews, 0) * ${w.review}::int + coalesce(ac.shares, 0) * ${w.share}::int
           + coalesce(sp.months, 0) * ${rules.purchaseMonthWeight}::int + greatest(coalesce(sp.purchases, 0) - 1, 0) * ${rules.repeatPurchaseWeight}::int as score,
         greatest(0, ${rules.creditBase}::int - coalesce(sa.penalty, 0)) as credit
  from tiers.member_tiers m
  left join spend sp on sp.member_id = m.member_id
  left join act ac on ac.member_id = m.member_id
  left join sanction sa on sa.member_id = m.member_id
  where m.tier_before_sanction is null
    -- Members held by a DOWNGRADE sanction are the sanction events' to move.
    and not exists (select 1 from tiers.sanctions x where x.member_id = m.member_id and x.kind = 'DOWNGRADE' and x.applied_at is not null and x.lifted_at is null)
),
earned as (
  select e.*, ${rankOfCode(sql`e.earned_tier`)} as earned_rank
  from (select i.*, ${earnedCode} as earned_tier from inputs i) e
),
decided as (
  select d.*,
         case
           when d.earned_rank > d.held_rank and not d.blocks then d.earned_tier
           when d.earned_rank < d.held_rank and d.downgrade_due_at <= ${at}::timestamptz then d.earned_tier
           else d.tier_code
         end as new_tier,
         case
           when d.earned_rank < d.held_rank and d.downgrade_due_at is null then ${at}::timestamptz + make_interval(days => ${graceDays}::int)
           when d.earned_rank < d.held_rank and d.downgrade_due_at > ${at}::timestamptz then d.downgrade_due_at
         end as new_due,
         (d.earned_rank < d.held_rank and d.downgrade_due_at is null) as announced,
         (d.earned_rank < d.held_rank and d.downgrade_due_at <= ${at}::timestamptz) as downgraded,
         (d.provisional_until is not null and d.provisional_until > ${at}::timestamptz) as still_provisional
  from earned d
),
updated as (
  update tiers.member_tiers m set
    tier_code = d.new_tier,
    since = case when d.new_tier <> d.tier_code then ${at}::timestamptz else m.since end,
    qualifying_spend = d.spend, purchases = d.purchases, months_with_purchase = d.months,
    check_ins = d.check_ins, activities = d.activities, reviews = d.reviews, shares = d.shares,
    violations = d.violations, violation_penalty = d.penalty, score = d.score, credit_score = d.credit,
    earned_tier = d.earned_tier, rule_version = ${rules.version}::int, evaluated_at = ${at}::timestamptz,
    downgrade_due_at = d.new_due,
    downgrade_to = case when d.new_due is not null then d.earned_tier end,
    provisional_until = case when d.still_provisional and not d.downgraded then m.provisional_until end,
    provisional_from = case when d.still_provisional and not d.downgraded then m.provisional_from end
  from decided d
  where m.member_id = d.member_id
    -- An event that evaluated the member after this statement's snapshot wins: the row is
    -- left for the next run rather than overwritten with older numbers.
    and m.tier_code = d.tier_code and m.evaluated_at is not distinct from d.previously_evaluated_at
    and (m.tier_code, m.qualifying_spend, m.purchases, m.months_with_purchase, m.check_ins, m.activities, m.reviews, m.shares,
         m.violations, m.violation_penalty, m.score, m.credit_score, m.earned_tier, m.rule_version, m.downgrade_due_at, m.downgrade_to,
         m.provisional_until)
        is distinct from
        (d.new_tier, d.spend, d.purchases, d.months, d.check_ins, d.activities, d.reviews, d.shares,
         d.violations, d.penalty, d.score, d.credit, d.earned_tier, ${rules.version}::int, d.new_due, case when d.new_due is not null then d.earned_tier end,
         case when d.still_provisional and not d.downgraded then m.provisional_until end)
  returning m.member_id
),
moved as (
  select d.* from decided d join updated u on u.member_id = d.member_id where d.new_tier <> d.tier_code or d.announced
),
multiplier as (
  select b.tier_code as code, b.value as percent
  from tiers.tier_benefits b
  where b.benefit = 'POINTS_MULTIPLIER' and b.effective_from <= ${at}::timestamptz and (b.effective_until is null or b.effective_until > ${at}::timestamptz)
),
tier_changed as (
  insert into tiers.outbox (id, type, payload, occurred_at)
  select gen_random_uuid(), 'TierChanged',
         jsonb_build_object('memberId', d.member_id, 'from', d.tier_code, 'to', d.new_tier, 'reason', 'reevaluation', 'pointsMultiplierPercent', x.percent),
         ${at}::timestamptz
  from moved d left join multiplier x on x.code = d.new_tier
  where d.new_tier <> d.tier_code
  returning 1
),
notices as (
  insert into tiers.outbox (id, type, payload, occurred_at)
  select gen_random_uuid(), 'MemberNoticeRequested',
         jsonb_build_object(
           'memberId', d.member_id, 'template', 'tiers.downgrade_scheduled',
           'params', jsonb_build_object('from', d.tier_code, 'to', d.earned_tier, 'date', to_char(d.new_due at time zone 'UTC', 'YYYY-MM-DD')),
           'outOfApp', true, 'dedupeKey', 'downgrade:' || to_char(d.new_due at time zone 'UTC', 'YYYY-MM-DD')),
         ${at}::timestamptz
  from moved d
  where d.announced
  returning 1
),
history as (
  insert into tiers.tier_evaluations (id, member_id, rule_version, evaluated_at, trigger, inputs, score, credit_score, earned_tier, tier_before, tier_after)
  select gen_random_uuid(), d.member_id, ${rules.version}::int, ${at}::timestamptz, 'reevaluation',
         jsonb_build_object('qualifyingSpend', d.spend, 'purchases', d.purchases, 'monthsWithPurchase', d.months,
           'activity', jsonb_build_object('check_in', d.check_ins, 'activity', d.activities, 'review', d.reviews, 'share', d.shares),
           'violations', d.violations, 'violationPenalty', d.penalty),
         d.score, d.credit, d.earned_tier, d.tier_code, d.new_tier
  from moved d
  returning 1
)
select (select count(*) from updated)::int as updated, (select count(*) from tier_changed)::int as tier_changes, (select count(*) from notices)::int as announced,
       (select count(*) from history)::int as history
`,
    );
  });
  return {
    updated: Number(row?.updated ?? 0),
    tierChanges: Number(row?.tier_changes ?? 0),
    downgradesAnnounced: Number(row?.announced ?? 0),
  };
}
