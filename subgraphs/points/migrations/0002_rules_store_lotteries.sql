CREATE TABLE "points"."campaigns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"multiplier_percent" integer NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	CONSTRAINT "campaigns_multiplier_check" CHECK ("points"."campaigns"."multiplier_percent" >= 100)
);
--> statement-breakpoint
CREATE TABLE "points"."check_ins" (
	"member_id" uuid NOT NULL,
	"day" text NOT NULL,
	"streak" integer NOT NULL,
	"points" integer NOT NULL,
	"checked_at" timestamp with time zone NOT NULL,
	CONSTRAINT "check_ins_member_id_day_pk" PRIMARY KEY("member_id","day")
);
--> statement-breakpoint
CREATE TABLE "points"."earning_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"points" integer NOT NULL,
	"daily_cap" integer,
	"total_cap" integer,
	"effective_from" timestamp with time zone NOT NULL,
	"announced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "points"."lotteries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"entry_cost" integer NOT NULL,
	"lose_weight" integer NOT NULL,
	"seed" text NOT NULL,
	"seed_hash" text NOT NULL,
	"entries" integer DEFAULT 0 NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "points"."lottery_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lottery_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"n" integer NOT NULL,
	"prize_id" uuid,
	"entry_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"entered_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "points"."lottery_prizes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lottery_id" uuid NOT NULL,
	"name" text NOT NULL,
	"count" integer NOT NULL,
	"weight" integer NOT NULL,
	"awarded" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "lottery_prizes_awarded_check" CHECK ("points"."lottery_prizes"."awarded" >= 0 and "points"."lottery_prizes"."awarded" <= "points"."lottery_prizes"."count")
);
--> statement-breakpoint
CREATE TABLE "points"."redemptions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"item_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"points" integer NOT NULL,
	"entry_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"redeemed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "points"."referrals" (
	"referee_id" uuid PRIMARY KEY NOT NULL,
	"referrer_id" uuid NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"rewarded_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "points"."rule_awards" (
	"entry_id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"rule" text NOT NULL,
	"day" text NOT NULL,
	"points" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "points"."store_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"price_points" integer NOT NULL,
	"tier_prices" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"stock" integer NOT NULL,
	"per_member_limit" integer,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone,
	CONSTRAINT "store_items_stock_check" CHECK ("points"."store_items"."stock" >= 0)
);
--> statement-breakpoint
ALTER TABLE "points"."accounts" ADD COLUMN "time_zone" text;--> statement-breakpoint
ALTER TABLE "points"."accounts" ADD COLUMN "leaderboard_name" text;--> statement-breakpoint
ALTER TABLE "points"."lottery_entries" ADD CONSTRAINT "lottery_entries_lottery_id_lotteries_id_fk" FOREIGN KEY ("lottery_id") REFERENCES "points"."lotteries"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."lottery_entries" ADD CONSTRAINT "lottery_entries_member_id_accounts_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "points"."accounts"("member_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."lottery_entries" ADD CONSTRAINT "lottery_entries_prize_id_lottery_prizes_id_fk" FOREIGN KEY ("prize_id") REFERENCES "points"."lottery_prizes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."lottery_entries" ADD CONSTRAINT "lottery_entries_entry_id_ledger_id_fk" FOREIGN KEY ("entry_id") REFERENCES "points"."ledger"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."lottery_prizes" ADD CONSTRAINT "lottery_prizes_lottery_id_lotteries_id_fk" FOREIGN KEY ("lottery_id") REFERENCES "points"."lotteries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."redemptions" ADD CONSTRAINT "redemptions_item_id_store_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "points"."store_items"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."redemptions" ADD CONSTRAINT "redemptions_member_id_accounts_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "points"."accounts"("member_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."redemptions" ADD CONSTRAINT "redemptions_entry_id_ledger_id_fk" FOREIGN KEY ("entry_id") REFERENCES "points"."ledger"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."rule_awards" ADD CONSTRAINT "rule_awards_entry_id_ledger_id_fk" FOREIGN KEY ("entry_id") REFERENCES "points"."ledger"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "campaigns_starts_at_ends_at_idx" ON "points"."campaigns" USING btree ("starts_at","ends_at");--> statement-breakpoint
CREATE UNIQUE INDEX "earning_rules_code_effective_from_idx" ON "points"."earning_rules" USING btree ("code","effective_from");--> statement-breakpoint
CREATE UNIQUE INDEX "lottery_entries_idempotency_key_idx" ON "points"."lottery_entries" USING btree ("idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "lottery_entries_lottery_id_n_idx" ON "points"."lottery_entries" USING btree ("lottery_id","n");--> statement-breakpoint
CREATE INDEX "lottery_prizes_lottery_id_idx" ON "points"."lottery_prizes" USING btree ("lottery_id");--> statement-breakpoint
CREATE UNIQUE INDEX "redemptions_idempotency_key_idx" ON "points"."redemptions" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "redemptions_member_id_item_id_idx" ON "points"."redemptions" USING btree ("member_id","item_id");--> statement-breakpoint
CREATE INDEX "rule_awards_member_id_rule_day_idx" ON "points"."rule_awards" USING btree ("member_id","rule","day");
