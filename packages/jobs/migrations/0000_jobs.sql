CREATE SCHEMA "jobs";
--> statement-breakpoint
CREATE TABLE "jobs"."runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"job" text NOT NULL,
	"instance" text NOT NULL,
	"trigger" text NOT NULL,
	"due_at" timestamp with time zone,
	"attempt" integer NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"result" jsonb,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "jobs"."schedules" (
	"name" text PRIMARY KEY NOT NULL,
	"every" text NOT NULL,
	"next_run_at" timestamp with time zone NOT NULL,
	"claimed_due_at" timestamp with time zone,
	"failures" integer DEFAULT 0 NOT NULL,
	"locked_by" text,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "runs_started_at_id_idx" ON "jobs"."runs" USING btree ("started_at","id");--> statement-breakpoint
CREATE INDEX "runs_job_started_at_id_idx" ON "jobs"."runs" USING btree ("job","started_at","id");--> statement-breakpoint
CREATE INDEX "runs_job_status_idx" ON "jobs"."runs" USING btree ("job","status");--> statement-breakpoint
CREATE UNIQUE INDEX "runs_job_due_at_idx" ON "jobs"."runs" USING btree ("job","due_at") WHERE "jobs"."runs"."trigger" = 'schedule';