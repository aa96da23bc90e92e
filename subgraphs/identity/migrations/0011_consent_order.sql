ALTER TABLE "identity"."consent_records" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
ALTER TABLE "identity"."policy_versions" ADD COLUMN "seq" bigserial NOT NULL;