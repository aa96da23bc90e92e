CREATE TABLE "points"."tier_multipliers" (
	"tier" text PRIMARY KEY NOT NULL,
	"multiplier_percent" integer NOT NULL,
	"applied_at" timestamp with time zone NOT NULL
);
