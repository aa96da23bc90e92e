CREATE SCHEMA "orders";
--> statement-breakpoint
CREATE TABLE "orders"."inbox" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"processed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders"."order_lines" (
	"id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"sku" text NOT NULL,
	"title" text NOT NULL,
	"quantity" integer NOT NULL,
	"unit_amount" integer NOT NULL,
	CONSTRAINT "order_lines_quantity_check" CHECK ("orders"."order_lines"."quantity" > 0),
	CONSTRAINT "order_lines_unit_amount_check" CHECK ("orders"."order_lines"."unit_amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "orders"."orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"status" text NOT NULL,
	"total_amount" integer NOT NULL,
	"currency" char(3) NOT NULL,
	"placed_at" timestamp with time zone NOT NULL,
	"paid_at" timestamp with time zone,
	CONSTRAINT "orders_status_check" CHECK ("orders"."orders"."status" in ('PENDING', 'PAID', 'REFUNDED', 'CANCELLED')),
	CONSTRAINT "orders_total_amount_check" CHECK ("orders"."orders"."total_amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "orders"."outbox" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "orders"."order_lines" ADD CONSTRAINT "order_lines_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "orders"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "order_lines_order_id_position_idx" ON "orders"."order_lines" USING btree ("order_id","position");--> statement-breakpoint
CREATE INDEX "orders_member_id_placed_at_id_idx" ON "orders"."orders" USING btree ("member_id","placed_at","id");--> statement-breakpoint
CREATE INDEX "outbox_published_at_occurred_at_idx" ON "orders"."outbox" USING btree ("published_at","occurred_at");