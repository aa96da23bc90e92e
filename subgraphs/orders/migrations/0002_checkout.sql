CREATE TABLE "orders"."invoices" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"member_id" uuid,
	"number" text NOT NULL,
	"kind" text NOT NULL,
	"company_name" text,
	"tax_id" text,
	"amount" integer NOT NULL,
	"currency" char(3) NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	CONSTRAINT "invoices_company_check" CHECK (("orders"."invoices"."kind" = 'COMPANY') = ("orders"."invoices"."company_name" is not null and "orders"."invoices"."tax_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "orders"."member_sanctions" (
	"sanction_id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"ends_at" timestamp with time zone,
	"applied_at" timestamp with time zone,
	"lifted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "orders"."payments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"member_id" uuid,
	"method" text NOT NULL,
	"status" text NOT NULL,
	"amount" integer NOT NULL,
	"currency" char(3) NOT NULL,
	"idempotency_key" text NOT NULL,
	"provider" text NOT NULL,
	"provider_reference" text,
	"last4" char(4),
	"instrument_fingerprint" text,
	"device_fingerprint" text,
	"recorded_by" text,
	"failure_reason" text,
	"created_at" timestamp with time zone NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "payments_amount_check" CHECK ("orders"."payments"."amount" >= 0),
	CONSTRAINT "payments_status_check" CHECK ("orders"."payments"."status" in ('PENDING', 'SUCCEEDED', 'FAILED'))
);
--> statement-breakpoint
CREATE TABLE "orders"."refunds" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"member_id" uuid,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"note" text,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"lines" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"amount" integer NOT NULL,
	"approved_amount" integer,
	"points_restored" integer DEFAULT 0 NOT NULL,
	"idempotency_key" text NOT NULL,
	"decided_by" text,
	"decision_reason" text,
	"provider_reference" text,
	"requested_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	CONSTRAINT "refunds_amount_check" CHECK ("orders"."refunds"."amount" >= 0 and ("orders"."refunds"."approved_amount" is null or "orders"."refunds"."approved_amount" between 0 and "orders"."refunds"."amount")),
	CONSTRAINT "refunds_status_check" CHECK ("orders"."refunds"."status" in ('REQUESTED', 'APPROVED', 'REJECTED', 'COMPLETED'))
);
--> statement-breakpoint
CREATE TABLE "orders"."risk_flags" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"order_id" uuid,
	"status" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"raised_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decision_note" text,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "orders"."orders" DROP CONSTRAINT "orders_status_check";--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "discount_amount" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "discounts" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "points_used" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "points_discount_amount" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "points_hold_id" uuid;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "amount_due" integer;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "paid_amount" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "payment_method" text;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "shipping_address" text;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "idempotency_key" text;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "payment_deadline_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "return_window_ends_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "cancelled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "resume_status" text;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "refunded_amount" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "points_restored" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Orders from before checkout: unpaid ones are PLACED now; paid ones were paid online in full.
UPDATE "orders"."orders" SET "status" = 'PLACED' WHERE "status" = 'PENDING';--> statement-breakpoint
UPDATE "orders"."orders" SET "amount_due" = "total_amount", "paid_amount" = CASE WHEN "paid_at" IS NULL THEN 0 ELSE "total_amount" END, "payment_method" = CASE WHEN "paid_at" IS NULL THEN NULL ELSE 'ONLINE' END;--> statement-breakpoint
UPDATE "orders"."orders" SET "refunded_amount" = "paid_amount" WHERE "status" = 'REFUNDED';--> statement-breakpoint
ALTER TABLE "orders"."orders" ALTER COLUMN "amount_due" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "orders"."invoices" ADD CONSTRAINT "invoices_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders"."payments" ADD CONSTRAINT "payments_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders"."refunds" ADD CONSTRAINT "refunds_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders"."risk_flags" ADD CONSTRAINT "risk_flags_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"."orders"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_order_id_idx" ON "orders"."invoices" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "member_sanctions_member_id_idx" ON "orders"."member_sanctions" USING btree ("member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_order_id_idempotency_key_idx" ON "orders"."payments" USING btree ("order_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "payments_instrument_fingerprint_idx" ON "orders"."payments" USING btree ("instrument_fingerprint");--> statement-breakpoint
CREATE INDEX "payments_device_fingerprint_idx" ON "orders"."payments" USING btree ("device_fingerprint");--> statement-breakpoint
CREATE UNIQUE INDEX "refunds_order_id_idempotency_key_idx" ON "orders"."refunds" USING btree ("order_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "refunds_order_id_idx" ON "orders"."refunds" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "refunds_member_id_requested_at_idx" ON "orders"."refunds" USING btree ("member_id","requested_at");--> statement-breakpoint
CREATE INDEX "refunds_status_requested_at_idx" ON "orders"."refunds" USING btree ("status","requested_at");--> statement-breakpoint
CREATE UNIQUE INDEX "risk_flags_dedupe_key_idx" ON "orders"."risk_flags" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "risk_flags_status_raised_at_idx" ON "orders"."risk_flags" USING btree ("status","raised_at");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_member_id_idempotency_key_idx" ON "orders"."orders" USING btree ("member_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "orders_status_payment_deadline_at_idx" ON "orders"."orders" USING btree ("status","payment_deadline_at");--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD CONSTRAINT "orders_amounts_check" CHECK ("orders"."orders"."amount_due" >= 0 and "orders"."orders"."paid_amount" >= 0 and "orders"."orders"."discount_amount" >= 0 and "orders"."orders"."points_used" >= 0);--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD CONSTRAINT "orders_refunded_amount_check" CHECK ("orders"."orders"."refunded_amount" >= 0 and "orders"."orders"."refunded_amount" <= "orders"."orders"."paid_amount");--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD CONSTRAINT "orders_points_restored_check" CHECK ("orders"."orders"."points_restored" >= 0 and "orders"."orders"."points_restored" <= "orders"."orders"."points_used");--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD CONSTRAINT "orders_status_check" CHECK ("orders"."orders"."status" in ('PLACED', 'PAID', 'SHIPPED', 'DELIVERED', 'COMPLETED', 'CANCELLED', 'REFUND_REQUESTED', 'PARTIALLY_REFUNDED', 'REFUNDED'));