CREATE TABLE "identity"."member_bans" (
	"sanction_id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"ends_at" timestamp with time zone,
	"applied_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity"."staff_role_grants" (
	"id" uuid PRIMARY KEY NOT NULL,
	"staff_id" uuid NOT NULL,
	"roles" jsonb NOT NULL,
	"sensitive_scopes" jsonb NOT NULL,
	"requested_by" uuid NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"decided_by" uuid,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "identity"."staff" ADD COLUMN "session_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "identity"."member_bans" ADD CONSTRAINT "member_bans_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "identity"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."staff_role_grants" ADD CONSTRAINT "staff_role_grants_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "identity"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "member_bans_member_id_idx" ON "identity"."member_bans" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "staff_role_grants_staff_id_idx" ON "identity"."staff_role_grants" USING btree ("staff_id");--> statement-breakpoint
CREATE INDEX "staff_role_grants_status_requested_at_idx" ON "identity"."staff_role_grants" USING btree ("status","requested_at");