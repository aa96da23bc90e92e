CREATE TABLE "identity"."data_exports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"status" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"ready_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"document_ciphertext" text,
	"failure_reason" text
);
--> statement-breakpoint
ALTER TABLE "identity"."data_exports" ADD CONSTRAINT "data_exports_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "identity"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "data_exports_member_id_idx" ON "identity"."data_exports" USING btree ("member_id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "data_exports_member_id_requested_at_idx" ON "identity"."data_exports" USING btree ("member_id","requested_at");--> statement-breakpoint
CREATE INDEX "data_exports_status_requested_at_idx" ON "identity"."data_exports" USING btree ("status","requested_at");