CREATE TABLE "identity"."pii_access_log" (
	"id" uuid PRIMARY KEY NOT NULL,
	"accessed_at" timestamp with time zone NOT NULL,
	"viewer_kind" text NOT NULL,
	"viewer_id" text NOT NULL,
	"viewer_role" text,
	"owner_member_id" uuid NOT NULL,
	"fields" text[] NOT NULL,
	"categories" text[] NOT NULL,
	"purpose" text,
	"operation_name" text,
	"request_id" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "pii_access_log_owner_member_id_accessed_at_idx" ON "identity"."pii_access_log" USING btree ("owner_member_id","accessed_at","id");