CREATE SCHEMA "points";
--> statement-breakpoint
CREATE TABLE "points"."accounts" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"balance" integer DEFAULT 0 NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	CONSTRAINT "accounts_balance_check" CHECK ("points"."accounts"."balance" >= 0)
);
--> statement-breakpoint
CREATE TABLE "points"."inbox" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"processed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "points"."ledger" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"delta" integer NOT NULL,
	"reason" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "ledger_delta_check" CHECK ("points"."ledger"."delta" <> 0)
);
--> statement-breakpoint
CREATE TABLE "points"."outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "points"."ledger" ADD CONSTRAINT "ledger_member_id_accounts_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "points"."accounts"("member_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_idempotency_key_idx" ON "points"."ledger" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "ledger_member_id_created_at_id_idx" ON "points"."ledger" USING btree ("member_id","created_at","id");--> statement-breakpoint
CREATE INDEX "outbox_published_at_occurred_at_idx" ON "points"."outbox" USING btree ("published_at","occurred_at");