CREATE TABLE "identity"."profile_changes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"fields" text[] NOT NULL,
	"request_id" text
);
--> statement-breakpoint
ALTER TABLE "identity"."profile_changes" ADD CONSTRAINT "profile_changes_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "identity"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "profile_changes_member_id_changed_at_idx" ON "identity"."profile_changes" USING btree ("member_id","changed_at");