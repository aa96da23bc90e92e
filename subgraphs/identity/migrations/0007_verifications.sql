CREATE TABLE "identity"."verifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"level" text NOT NULL,
	"status" text NOT NULL,
	"real_name_ciphertext" text,
	"id_number_ciphertext" text,
	"id_number_lookup" text,
	"document_image_ciphertext" text,
	"face_image_ciphertext" text,
	"submitted_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"rejection_reason" text,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "identity"."verifications" ADD CONSTRAINT "verifications_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "identity"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "verifications_member_id_submitted_at_idx" ON "identity"."verifications" USING btree ("member_id","submitted_at");--> statement-breakpoint
CREATE INDEX "verifications_status_submitted_at_idx" ON "identity"."verifications" USING btree ("status","submitted_at");--> statement-breakpoint
CREATE UNIQUE INDEX "verifications_id_number_lookup_idx" ON "identity"."verifications" USING btree ("id_number_lookup") WHERE status = 'approved';