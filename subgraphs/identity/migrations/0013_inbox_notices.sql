CREATE TABLE "identity"."inbox_notices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "identity"."notice_audiences" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"tier" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "identity"."inbox_notices" ADD CONSTRAINT "inbox_notices_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "identity"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."notice_audiences" ADD CONSTRAINT "notice_audiences_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "identity"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_notices_event_id_member_id_idx" ON "identity"."inbox_notices" USING btree ("event_id","member_id");--> statement-breakpoint
CREATE INDEX "inbox_notices_member_id_created_at_idx" ON "identity"."inbox_notices" USING btree ("member_id","created_at","id");--> statement-breakpoint
CREATE INDEX "notice_audiences_tier_idx" ON "identity"."notice_audiences" USING btree ("tier");