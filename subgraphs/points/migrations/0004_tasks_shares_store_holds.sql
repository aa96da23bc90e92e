CREATE TABLE "points"."order_refunds" (
	"refund_id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"payload" jsonb NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"applied_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "points"."share_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"product_sku" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "points"."member_verifications" ADD COLUMN "refused" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "points"."redemptions" ADD COLUMN "status" text DEFAULT 'committed' NOT NULL;--> statement-breakpoint
ALTER TABLE "points"."redemptions" ADD COLUMN "expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "points"."redemptions" ADD COLUMN "settled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "points"."share_codes" ADD CONSTRAINT "share_codes_member_id_accounts_member_id_fk" FOREIGN KEY ("member_id") REFERENCES "points"."accounts"("member_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "order_refunds_order_id_idx" ON "points"."order_refunds" USING btree ("order_id") WHERE "points"."order_refunds"."applied_at" is null;--> statement-breakpoint
CREATE INDEX "order_refunds_member_id_idx" ON "points"."order_refunds" USING btree ("member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "share_codes_member_id_product_sku_idx" ON "points"."share_codes" USING btree ("member_id","product_sku");--> statement-breakpoint
CREATE INDEX "redemptions_expires_at_idx" ON "points"."redemptions" USING btree ("expires_at") WHERE "points"."redemptions"."status" = 'held';