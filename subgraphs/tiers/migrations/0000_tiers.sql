CREATE SCHEMA "tiers";
--> statement-breakpoint
CREATE TABLE "tiers"."inbox" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"processed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tiers"."member_tiers" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"tier_code" text NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"qualifying_spend" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tiers"."outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tiers"."tiers" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"rank" integer NOT NULL,
	"min_qualifying_spend" integer NOT NULL,
	"currency" text NOT NULL,
	"points_multiplier_percent" integer NOT NULL,
	"published" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD CONSTRAINT "member_tiers_tier_code_tiers_code_fk" FOREIGN KEY ("tier_code") REFERENCES "tiers"."tiers"("code") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "member_tiers_tier_code_idx" ON "tiers"."member_tiers" USING btree ("tier_code");--> statement-breakpoint
CREATE INDEX "outbox_published_at_occurred_at_idx" ON "tiers"."outbox" USING btree ("published_at","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tiers_rank_idx" ON "tiers"."tiers" USING btree ("rank");