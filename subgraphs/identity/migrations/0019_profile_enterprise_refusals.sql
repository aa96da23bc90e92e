CREATE TABLE "identity"."member_profiles" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"member_type" text DEFAULT 'individual' NOT NULL,
	"birthday_ciphertext" text,
	"gender_ciphertext" text,
	"address_ciphertext" text,
	"interests_ciphertext" text,
	"completed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity"."verification_refusals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"verification_id" uuid,
	"recorded_at" timestamp with time zone NOT NULL,
	"cleared_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "identity"."verifications" ADD COLUMN "rejection_kind" text;--> statement-breakpoint
ALTER TABLE "identity"."verifications" ADD COLUMN "company_name_ciphertext" text;--> statement-breakpoint
ALTER TABLE "identity"."verifications" ADD COLUMN "credit_code_ciphertext" text;--> statement-breakpoint
ALTER TABLE "identity"."verifications" ADD COLUMN "credit_code_lookup" text;--> statement-breakpoint
ALTER TABLE "identity"."verifications" ADD COLUMN "licence_document_ciphertext" text;--> statement-breakpoint
ALTER TABLE "identity"."member_profiles" ADD CONSTRAINT "member_profiles_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "identity"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."verification_refusals" ADD CONSTRAINT "verification_refusals_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "identity"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."verification_refusals" ADD CONSTRAINT "verification_refusals_verification_id_verifications_id_fk" FOREIGN KEY ("verification_id") REFERENCES "identity"."verifications"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "verification_refusals_member_id_cleared_at_idx" ON "identity"."verification_refusals" USING btree ("member_id","cleared_at");--> statement-breakpoint
CREATE UNIQUE INDEX "verifications_credit_code_lookup_idx" ON "identity"."verifications" USING btree ("credit_code_lookup") WHERE status = 'approved';