CREATE TABLE "points"."expiry_notices" (
	"member_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"points" integer NOT NULL,
	"noticed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "expiry_notices_member_id_expires_at_pk" PRIMARY KEY("member_id","expires_at")
);
--> statement-breakpoint
CREATE TABLE "points"."holds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"order_id" uuid,
	"points" integer NOT NULL,
	"discount_amount" integer NOT NULL,
	"order_amount" integer NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"entry_id" uuid NOT NULL,
	"restored" integer DEFAULT 0 NOT NULL,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"settled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "points"."lot_usages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"entry_id" uuid NOT NULL,
	"lot_id" uuid NOT NULL,
	"hold_id" uuid,
	"points" integer NOT NULL,
	CONSTRAINT "lot_usages_points_check" CHECK ("points"."lot_usages"."points" <> 0)
);
--> statement-breakpoint
CREATE TABLE "points"."lots" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"entry_id" uuid NOT NULL,
	"points" integer NOT NULL,
	"remaining" integer NOT NULL,
	"earned_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"expired_entry_id" uuid,
	CONSTRAINT "lots_remaining_check" CHECK ("points"."lots"."remaining" >= 0 and "points"."lots"."remaining" <= "points"."lots"."points")
);
--> statement-breakpoint
CREATE TABLE "points"."member_sanctions" (
	"sanction_id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"ends_at" timestamp with time zone,
	"lifted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "points"."member_tiers" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"tier" text NOT NULL,
	"multiplier_percent" integer NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "points"."member_verifications" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "points"."order_earnings" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"order_amount" integer NOT NULL,
	"currency" text NOT NULL,
	"points" integer NOT NULL,
	"tier_percent" integer NOT NULL,
	"campaign_percent" integer NOT NULL,
	"status" text NOT NULL,
	"available_at" timestamp with time zone NOT NULL,
	"refunded" integer DEFAULT 0 NOT NULL,
	"clawed" integer DEFAULT 0 NOT NULL,
	"entry_id" uuid,
	"paid_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "points"."staff_operations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"staff_id" text NOT NULL,
	"operation" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"reason" text,
	"after" text
);
--> statement-breakpoint
ALTER TABLE "points"."ledger" DROP CONSTRAINT "ledger_delta_check";--> statement-breakpoint
ALTER TABLE "points"."accounts" ADD COLUMN "debt" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "points"."ledger" ADD COLUMN "kind" text DEFAULT 'adjust' NOT NULL;--> statement-breakpoint
ALTER TABLE "points"."ledger" ADD COLUMN "debt_delta" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "points"."ledger" ADD COLUMN "source" text DEFAULT 'system' NOT NULL;--> statement-breakpoint
ALTER TABLE "points"."ledger" ADD COLUMN "source_id" text;--> statement-breakpoint
ALTER TABLE "points"."ledger" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "points"."holds" ADD CONSTRAINT "holds_member_id_accounts_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "points"."accounts"("member_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."holds" ADD CONSTRAINT "holds_entry_id_ledger_id_fk" FOREIGN KEY ("entry_id") REFERENCES "points"."ledger"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."lot_usages" ADD CONSTRAINT "lot_usages_entry_id_ledger_id_fk" FOREIGN KEY ("entry_id") REFERENCES "points"."ledger"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."lot_usages" ADD CONSTRAINT "lot_usages_lot_id_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "points"."lots"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."lots" ADD CONSTRAINT "lots_member_id_accounts_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "points"."accounts"("member_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."lots" ADD CONSTRAINT "lots_entry_id_ledger_id_fk" FOREIGN KEY ("entry_id") REFERENCES "points"."ledger"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."lots" ADD CONSTRAINT "lots_expired_entry_id_ledger_id_fk" FOREIGN KEY ("expired_entry_id") REFERENCES "points"."ledger"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."order_earnings" ADD CONSTRAINT "order_earnings_member_id_accounts_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "points"."accounts"("member_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points"."order_earnings" ADD CONSTRAINT "order_earnings_entry_id_ledger_id_fk" FOREIGN KEY ("entry_id") REFERENCES "points"."ledger"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "holds_idempotency_key_idx" ON "points"."holds" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "holds_order_id_idx" ON "points"."holds" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "holds_expires_at_idx" ON "points"."holds" USING btree ("expires_at") WHERE "points"."holds"."status" = 'held';--> statement-breakpoint
CREATE INDEX "lot_usages_entry_id_idx" ON "points"."lot_usages" USING btree ("entry_id");--> statement-breakpoint
CREATE INDEX "lot_usages_hold_id_idx" ON "points"."lot_usages" USING btree ("hold_id");--> statement-breakpoint
CREATE INDEX "lots_member_id_expires_at_idx" ON "points"."lots" USING btree ("member_id","expires_at") WHERE "points"."lots"."remaining" > 0;--> statement-breakpoint
CREATE INDEX "lots_expires_at_idx" ON "points"."lots" USING btree ("expires_at") WHERE "points"."lots"."remaining" > 0;--> statement-breakpoint
CREATE INDEX "member_sanctions_member_id_idx" ON "points"."member_sanctions" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "order_earnings_available_at_idx" ON "points"."order_earnings" USING btree ("available_at") WHERE "points"."order_earnings"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "order_earnings_member_id_idx" ON "points"."order_earnings" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "staff_operations_occurred_at_idx" ON "points"."staff_operations" USING btree ("occurred_at");--> statement-breakpoint
ALTER TABLE "points"."accounts" ADD CONSTRAINT "accounts_debt_check" CHECK ("points"."accounts"."debt" >= 0);--> statement-breakpoint
ALTER TABLE "points"."ledger" ADD CONSTRAINT "ledger_delta_check" CHECK ("points"."ledger"."delta" <> 0 or "points"."ledger"."debt_delta" <> 0);--> statement-breakpoint
-- Entries written before kinds existed: credits were earnings, debits staff adjustments.
UPDATE "points"."ledger" SET "kind" = CASE WHEN "delta" > 0 THEN 'earn' ELSE 'adjust' END, "source" = CASE WHEN "reason" = 'ORDER' THEN 'order' WHEN "reason" = 'WELCOME' THEN 'task' ELSE 'staff' END;--> statement-breakpoint
-- Balances from before lots existed become one lot each, from the latest credit, expiring at the end of next year.
INSERT INTO "points"."lots" ("id", "member_id", "entry_id", "points", "remaining", "earned_at", "expires_at")
SELECT gen_random_uuid(), a."member_id", e."id", a."balance", a."balance", e."created_at",
       make_timestamptz(extract(year from now())::int + 2, 1, 1, 0, 0, 0, 'UTC') - interval '1 millisecond'
FROM "points"."accounts" a
JOIN LATERAL (SELECT "id", "created_at" FROM "points"."ledger" WHERE "member_id" = a."member_id" AND "delta" > 0 ORDER BY "created_at" DESC LIMIT 1) e ON true
WHERE a."balance" > 0;
