CREATE SCHEMA "identity";
--> statement-breakpoint
CREATE TABLE "identity"."inbox" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"processed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity"."members" (
	"id" uuid PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"email" text,
	"phone" text,
	"password_hash" text NOT NULL,
	"failed_logins" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"registered_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity"."outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "members_email_idx" ON "identity"."members" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "members_phone_idx" ON "identity"."members" USING btree ("phone");--> statement-breakpoint
CREATE INDEX "members_registered_at_id_idx" ON "identity"."members" USING btree ("registered_at","id");--> statement-breakpoint
CREATE INDEX "outbox_published_at_occurred_at_idx" ON "identity"."outbox" USING btree ("published_at","occurred_at");