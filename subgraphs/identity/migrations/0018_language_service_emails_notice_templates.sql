ALTER TABLE "identity"."inbox_notices" ALTER COLUMN "title" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "identity"."inbox_notices" ALTER COLUMN "body" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "identity"."inbox_notices" ADD COLUMN "template" text;--> statement-breakpoint
ALTER TABLE "identity"."inbox_notices" ADD COLUMN "params" jsonb;--> statement-breakpoint
ALTER TABLE "identity"."members" ADD COLUMN "language" text DEFAULT 'zh-CN' NOT NULL;--> statement-breakpoint
ALTER TABLE "identity"."members" ADD COLUMN "service_emails" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "identity"."notification_deliveries" ADD COLUMN "notice_id" uuid;--> statement-breakpoint
ALTER TABLE "identity"."notification_deliveries" ADD CONSTRAINT "notification_deliveries_notice_id_inbox_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "identity"."inbox_notices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notification_deliveries_notice_id_idx" ON "identity"."notification_deliveries" USING btree ("notice_id");