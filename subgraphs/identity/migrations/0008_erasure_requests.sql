CREATE TABLE "identity"."erasure_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"status" text NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"cancelled_at" timestamp with time zone,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "identity"."members" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "identity"."erasure_requests" ADD CONSTRAINT "erasure_requests_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "identity"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "erasure_requests_member_id_idx" ON "identity"."erasure_requests" USING btree ("member_id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "erasure_requests_status_due_at_idx" ON "identity"."erasure_requests" USING btree ("status","due_at");--> statement-breakpoint
CREATE INDEX "erasure_requests_member_id_requested_at_idx" ON "identity"."erasure_requests" USING btree ("member_id","requested_at");