DROP INDEX "identity"."members_email_idx";--> statement-breakpoint
DROP INDEX "identity"."members_phone_idx";--> statement-breakpoint
ALTER TABLE "identity"."members" DROP COLUMN "email";--> statement-breakpoint
ALTER TABLE "identity"."members" DROP COLUMN "phone";