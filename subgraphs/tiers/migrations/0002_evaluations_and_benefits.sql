CREATE TABLE "tiers"."activities" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tiers"."benefit_changes" (
	"change_id" uuid PRIMARY KEY NOT NULL,
	"tier_code" text NOT NULL,
	"benefit" text NOT NULL,
	"value" integer,
	"description" text,
	"removes" boolean DEFAULT false NOT NULL,
	"effective_at" timestamp with time zone NOT NULL,
	"announced_at" timestamp with time zone NOT NULL,
	"announced_by" text NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tiers"."purchases" (
	"order_id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"return_window_ends_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "tiers"."refunds" (
	"refund_id" uuid PRIMARY KEY NOT NULL,
	"order_id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"completed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tiers"."rule_versions" (
	"version" integer PRIMARY KEY NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"currency" text NOT NULL,
	"window_days" integer NOT NULL,
	"spend_per_point" integer NOT NULL,
	"check_in_weight" integer NOT NULL,
	"activity_weight" integer NOT NULL,
	"review_weight" integer NOT NULL,
	"share_weight" integer NOT NULL,
	"purchase_month_weight" integer NOT NULL,
	"repeat_purchase_weight" integer NOT NULL,
	"credit_base" integer NOT NULL,
	"warning_penalty" integer NOT NULL,
	"restricted_benefits_penalty" integer NOT NULL,
	"downgrade_penalty" integer NOT NULL,
	"ban_penalty" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tiers"."sanctions" (
	"sanction_id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"applied_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"lifted_at" timestamp with time zone,
	"lift_reason" text
);
--> statement-breakpoint
CREATE TABLE "tiers"."staff_operations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"actor_id" text NOT NULL,
	"operation" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"reason" text,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "tiers"."tier_benefits" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tier_code" text NOT NULL,
	"benefit" text NOT NULL,
	"value" integer,
	"description" text NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"effective_until" timestamp with time zone,
	"change_id" uuid
);
--> statement-breakpoint
CREATE TABLE "tiers"."tier_evaluations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"member_id" uuid NOT NULL,
	"rule_version" integer NOT NULL,
	"evaluated_at" timestamp with time zone NOT NULL,
	"trigger" text NOT NULL,
	"inputs" jsonb NOT NULL,
	"score" integer NOT NULL,
	"credit_score" integer NOT NULL,
	"earned_tier" text NOT NULL,
	"tier_before" text,
	"tier_after" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tiers"."tier_requirements" (
	"rule_version" integer NOT NULL,
	"tier_code" text NOT NULL,
	"min_score" integer NOT NULL,
	"min_credit_score" integer NOT NULL,
	CONSTRAINT "tier_requirements_rule_version_tier_code_pk" PRIMARY KEY("rule_version","tier_code")
);
--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "rule_version" integer;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "evaluated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "purchases" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "months_with_purchase" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "check_ins" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "activities" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "reviews" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "shares" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "violations" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "violation_penalty" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "score" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "credit_score" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "earned_tier" text;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "tier_before_sanction" text;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "downgrade_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "downgrade_to" text;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "provisional_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tiers"."member_tiers" ADD COLUMN "provisional_from" text;--> statement-breakpoint
ALTER TABLE "tiers"."benefit_changes" ADD CONSTRAINT "benefit_changes_tier_code_tiers_code_fk" FOREIGN KEY ("tier_code") REFERENCES "tiers"."tiers"("code") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tiers"."tier_benefits" ADD CONSTRAINT "tier_benefits_tier_code_tiers_code_fk" FOREIGN KEY ("tier_code") REFERENCES "tiers"."tiers"("code") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tiers"."tier_requirements" ADD CONSTRAINT "tier_requirements_rule_version_rule_versions_version_fk" FOREIGN KEY ("rule_version") REFERENCES "tiers"."rule_versions"("version") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tiers"."tier_requirements" ADD CONSTRAINT "tier_requirements_tier_code_tiers_code_fk" FOREIGN KEY ("tier_code") REFERENCES "tiers"."tiers"("code") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "activities_member_id_kind_occurred_at_idx" ON "tiers"."activities" USING btree ("member_id","kind","occurred_at");--> statement-breakpoint
CREATE INDEX "benefit_changes_effective_at_idx" ON "tiers"."benefit_changes" USING btree ("effective_at");--> statement-breakpoint
CREATE INDEX "purchases_member_id_paid_at_idx" ON "tiers"."purchases" USING btree ("member_id","paid_at");--> statement-breakpoint
CREATE INDEX "refunds_order_id_idx" ON "tiers"."refunds" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "refunds_member_id_idx" ON "tiers"."refunds" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "sanctions_member_id_idx" ON "tiers"."sanctions" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "staff_operations_occurred_at_id_idx" ON "tiers"."staff_operations" USING btree ("occurred_at","id");--> statement-breakpoint
CREATE INDEX "tier_benefits_tier_code_benefit_effective_from_idx" ON "tiers"."tier_benefits" USING btree ("tier_code","benefit","effective_from");--> statement-breakpoint
CREATE INDEX "tier_evaluations_member_id_evaluated_at_idx" ON "tiers"."tier_evaluations" USING btree ("member_id","evaluated_at");