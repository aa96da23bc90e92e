CREATE TABLE "identity"."member_cards" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity"."notification_deliveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"template" text NOT NULL,
	"recipient_lookup" text NOT NULL,
	"recipient_hint" text NOT NULL,
	"payload_ciphertext" text,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"last_error" text,
	"provider_message_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "identity"."policy_acceptances" ADD COLUMN "text_hash" text;--> statement-breakpoint
ALTER TABLE "identity"."policy_versions" ADD COLUMN "text" text;--> statement-breakpoint
ALTER TABLE "identity"."policy_versions" ADD COLUMN "effective_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "identity"."member_cards" ADD CONSTRAINT "member_cards_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "identity"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "member_cards_number_idx" ON "identity"."member_cards" USING btree ("number");--> statement-breakpoint
CREATE INDEX "notification_deliveries_status_next_attempt_at_idx" ON "identity"."notification_deliveries" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "notification_deliveries_finished_at_idx" ON "identity"."notification_deliveries" USING btree ("finished_at");--> statement-breakpoint
CREATE INDEX "notification_deliveries_recipient_lookup_created_at_idx" ON "identity"."notification_deliveries" USING btree ("recipient_lookup","created_at");