CREATE SCHEMA "moderation";
--> statement-breakpoint
CREATE TABLE "moderation"."inbox" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"processed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "moderation"."outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "moderation"."sanctions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "sanctions_kind_check" CHECK ("moderation"."sanctions"."kind" in ('WARNING', 'RESTRICTED_BENEFITS', 'DOWNGRADE', 'BAN')),
	CONSTRAINT "sanctions_status_check" CHECK ("moderation"."sanctions"."status" in ('SCHEDULED', 'ACTIVE', 'LIFTED')),
	CONSTRAINT "sanctions_ends_after_start_check" CHECK ("moderation"."sanctions"."ends_at" is null or "moderation"."sanctions"."ends_at" > "moderation"."sanctions"."starts_at")
);
--> statement-breakpoint
CREATE INDEX "outbox_published_at_occurred_at_idx" ON "moderation"."outbox" USING btree ("published_at","occurred_at");--> statement-breakpoint
CREATE INDEX "sanctions_member_id_status_idx" ON "moderation"."sanctions" USING btree ("member_id","status");