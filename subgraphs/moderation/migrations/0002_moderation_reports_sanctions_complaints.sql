CREATE TABLE "moderation"."appeals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"sanction_id" uuid NOT NULL,
	"member_id" uuid,
	"statement" text,
	"status" text NOT NULL,
	"filed_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"decision_note" text
);
--> statement-breakpoint
CREATE TABLE "moderation"."benefit_changes" (
	"change_id" uuid PRIMARY KEY NOT NULL,
	"tier" text NOT NULL,
	"benefit" text NOT NULL,
	"effective_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "moderation"."complaint_messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"complaint_id" uuid NOT NULL,
	"author_kind" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "moderation"."complaints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid,
	"channel" text NOT NULL,
	"category" text NOT NULL,
	"priority" text NOT NULL,
	"status" text NOT NULL,
	"subject" text,
	"change_id" uuid,
	"assignee_id" text,
	"recorded_by" text,
	"created_at" timestamp with time zone NOT NULL,
	"first_response_due_at" timestamp with time zone NOT NULL,
	"resolution_due_at" timestamp with time zone NOT NULL,
	"first_responded_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"root_cause" text,
	"rating" smallint,
	"escalations" smallint NOT NULL,
	"next_due_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "moderation"."member_tiers" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"tier" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "moderation"."report_submissions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"report_id" uuid NOT NULL,
	"reporter" text NOT NULL,
	"details" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "moderation"."reports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"subject_member_id" uuid,
	"content_ref" text NOT NULL,
	"category" text NOT NULL,
	"status" text NOT NULL,
	"priority" integer NOT NULL,
	"submissions" integer NOT NULL,
	"reporters" integer NOT NULL,
	"first_reported_at" timestamp with time zone NOT NULL,
	"last_reported_at" timestamp with time zone NOT NULL,
	"decided_by" text,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "moderation"."staff_operations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"staff_id" text NOT NULL,
	"operation" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"details" jsonb NOT NULL,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "moderation"."violations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"member_id" uuid,
	"category" text NOT NULL,
	"severity" text NOT NULL,
	"evidence" text,
	"evidence_refs" jsonb NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp with time zone NOT NULL,
	"report_id" uuid,
	"rung" smallint NOT NULL,
	"reversed_at" timestamp with time zone,
	"erased_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "moderation"."sanctions" ADD COLUMN "violation_id" uuid;--> statement-breakpoint
ALTER TABLE "moderation"."sanctions" ADD COLUMN "announced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "moderation"."sanctions" ADD COLUMN "appeal_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "moderation"."sanctions" ADD COLUMN "lifted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "moderation"."sanctions" ADD COLUMN "lift_reason" text;--> statement-breakpoint
ALTER TABLE "moderation"."appeals" ADD CONSTRAINT "appeals_sanction_id_sanctions_id_fk" FOREIGN KEY ("sanction_id") REFERENCES "moderation"."sanctions"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "moderation"."complaint_messages" ADD CONSTRAINT "complaint_messages_complaint_id_complaints_id_fk" FOREIGN KEY ("complaint_id") REFERENCES "moderation"."complaints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation"."report_submissions" ADD CONSTRAINT "report_submissions_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "moderation"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "moderation"."violations" ADD CONSTRAINT "violations_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "moderation"."reports"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "appeals_sanction_id_idx" ON "moderation"."appeals" USING btree ("sanction_id");--> statement-breakpoint
CREATE INDEX "appeals_status_filed_at_idx" ON "moderation"."appeals" USING btree ("status","filed_at");--> statement-breakpoint
CREATE INDEX "complaint_messages_complaint_id_created_at_idx" ON "moderation"."complaint_messages" USING btree ("complaint_id","created_at");--> statement-breakpoint
CREATE INDEX "complaints_member_id_created_at_idx" ON "moderation"."complaints" USING btree ("member_id","created_at");--> statement-breakpoint
CREATE INDEX "complaints_next_due_at_idx" ON "moderation"."complaints" USING btree ("next_due_at","id") WHERE "moderation"."complaints"."next_due_at" is not null;--> statement-breakpoint
CREATE INDEX "complaints_created_at_idx" ON "moderation"."complaints" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "report_submissions_report_id_idx" ON "moderation"."report_submissions" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "report_submissions_reporter_idx" ON "moderation"."report_submissions" USING btree ("reporter");--> statement-breakpoint
CREATE INDEX "reports_status_priority_first_reported_at_idx" ON "moderation"."reports" USING btree ("status","priority" DESC NULLS FIRST,"first_reported_at","id");--> statement-breakpoint
CREATE INDEX "reports_subject_member_id_category_idx" ON "moderation"."reports" USING btree ("subject_member_id","category","content_ref");--> statement-breakpoint
CREATE INDEX "staff_operations_occurred_at_id_idx" ON "moderation"."staff_operations" USING btree ("occurred_at","id");--> statement-breakpoint
CREATE INDEX "staff_operations_target_type_target_id_idx" ON "moderation"."staff_operations" USING btree ("target_type","target_id");--> statement-breakpoint
CREATE INDEX "violations_member_id_recorded_at_idx" ON "moderation"."violations" USING btree ("member_id","recorded_at");--> statement-breakpoint
CREATE INDEX "sanctions_status_starts_at_idx" ON "moderation"."sanctions" USING btree ("status","starts_at");--> statement-breakpoint
CREATE INDEX "sanctions_status_ends_at_idx" ON "moderation"."sanctions" USING btree ("status","ends_at");