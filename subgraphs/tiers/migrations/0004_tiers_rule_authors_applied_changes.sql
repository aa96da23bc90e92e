ALTER TABLE "tiers"."benefit_changes" ADD COLUMN "applied_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tiers"."rule_versions" ADD COLUMN "created_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tiers"."rule_versions" ADD COLUMN "created_by" text;--> statement-breakpoint
ALTER TABLE "tiers"."rule_versions" ADD COLUMN "reason" text;--> statement-breakpoint
CREATE INDEX "benefit_changes_pending_effective_at_idx" ON "tiers"."benefit_changes" USING btree ("effective_at") WHERE "tiers"."benefit_changes"."applied_at" is null;--> statement-breakpoint
-- The multiplier lives in the POINTS_MULTIPLIER benefit from now on: a tier without one (none ships so)
-- gets its ladder value as a benefit before the column goes, so nothing is lost.
INSERT INTO "tiers"."tier_benefits" ("tier_code", "benefit", "value", "description", "effective_from")
SELECT t."code", 'POINTS_MULTIPLIER', t."points_multiplier_percent", (t."points_multiplier_percent"::numeric / 100)::text || ' points per yuan spent.', '2000-01-01T00:00:00.000Z'
FROM "tiers"."tiers" t
WHERE NOT EXISTS (SELECT 1 FROM "tiers"."tier_benefits" b WHERE b."tier_code" = t."code" AND b."benefit" = 'POINTS_MULTIPLIER');--> statement-breakpoint
ALTER TABLE "tiers"."tiers" DROP COLUMN "min_qualifying_spend";--> statement-breakpoint
ALTER TABLE "tiers"."tiers" DROP COLUMN "points_multiplier_percent";