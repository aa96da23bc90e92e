CREATE TABLE "orders"."order_reviews" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid,
	"rating" integer NOT NULL,
	"comment" text,
	"reviewed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "order_reviews_rating_check" CHECK ("orders"."order_reviews"."rating" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "orders"."orders" ADD COLUMN "share_code" text;--> statement-breakpoint
ALTER TABLE "orders"."order_reviews" ADD CONSTRAINT "order_reviews_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"."orders"("id") ON DELETE cascade ON UPDATE no action;