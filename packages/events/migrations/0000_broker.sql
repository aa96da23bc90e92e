CREATE SCHEMA "events";
--> statement-breakpoint
CREATE TABLE "events"."deliveries" (
	"consumer" text NOT NULL,
	"event_id" uuid NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"last_error" text,
	CONSTRAINT "deliveries_consumer_event_id_pk" PRIMARY KEY("consumer","event_id")
);
--> statement-breakpoint
CREATE TABLE "events"."log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"event_id" uuid NOT NULL,
	"type" text NOT NULL,
	"producer" text NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	CONSTRAINT "log_event_id_unique" UNIQUE("event_id")
);
--> statement-breakpoint
CREATE TABLE "events"."subscriptions" (
	"consumer" text NOT NULL,
	"type" text NOT NULL,
	CONSTRAINT "subscriptions_consumer_type_pk" PRIMARY KEY("consumer","type")
);
--> statement-breakpoint
ALTER TABLE "events"."deliveries" ADD CONSTRAINT "deliveries_event_id_log_event_id_fk" FOREIGN KEY ("event_id") REFERENCES "events"."log"("event_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deliveries_consumer_delivered_at_available_at_idx" ON "events"."deliveries" USING btree ("consumer","delivered_at","available_at");