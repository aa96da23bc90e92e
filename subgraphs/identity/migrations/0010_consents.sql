CREATE TABLE "identity"."consent_records" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"marketing_channel" text,
	"partner_id" text,
	"pii_category" text,
	"granted" boolean NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"method" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity"."policy_acceptances" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"policy_version_id" uuid NOT NULL,
	"accepted_at" timestamp with time zone NOT NULL,
	"channel" text NOT NULL,
	"method" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity"."policy_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"version" text NOT NULL,
	"text_hash" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"published_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "identity"."consent_records" ADD CONSTRAINT "consent_records_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "identity"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."policy_acceptances" ADD CONSTRAINT "policy_acceptances_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "identity"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."policy_acceptances" ADD CONSTRAINT "policy_acceptances_policy_version_id_policy_versions_id_fk" FOREIGN KEY ("policy_version_id") REFERENCES "identity"."policy_versions"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consent_records_member_id_recorded_at_idx" ON "identity"."consent_records" USING btree ("member_id","recorded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "policy_acceptances_member_id_policy_version_id_idx" ON "identity"."policy_acceptances" USING btree ("member_id","policy_version_id");--> statement-breakpoint
CREATE INDEX "policy_acceptances_policy_version_id_idx" ON "identity"."policy_acceptances" USING btree ("policy_version_id");--> statement-breakpoint
CREATE UNIQUE INDEX "policy_versions_kind_version_idx" ON "identity"."policy_versions" USING btree ("kind","version");--> statement-breakpoint
CREATE INDEX "policy_versions_kind_published_at_idx" ON "identity"."policy_versions" USING btree ("kind","published_at");