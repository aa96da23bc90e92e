ALTER TABLE "orders"."orders" ALTER COLUMN "member_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD CONSTRAINT "orders_member_or_erased_check" CHECK (("orders"."orders"."member_id" is null) = ("orders"."orders"."erased_at" is not null));