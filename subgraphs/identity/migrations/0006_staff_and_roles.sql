CREATE TABLE "identity"."role_scopes" (
	"role_name" text NOT NULL,
	"scope" text NOT NULL,
	CONSTRAINT "role_scopes_pk" PRIMARY KEY("role_name","scope")
);
--> statement-breakpoint
CREATE TABLE "identity"."roles" (
	"name" text PRIMARY KEY NOT NULL,
	"description" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity"."staff" (
	"id" uuid PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"display_name" text NOT NULL,
	"password_hash" text NOT NULL,
	"password_changed_at" timestamp with time zone,
	"failed_logins" integer DEFAULT 0 NOT NULL,
	"lock_count" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity"."staff_operation_log" (
	"id" uuid PRIMARY KEY NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"subgraph" text NOT NULL,
	"operation" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"reason" text,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "identity"."staff_roles" (
	"staff_id" uuid NOT NULL,
	"role_name" text NOT NULL,
	"granted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "staff_roles_pk" PRIMARY KEY("staff_id","role_name")
);
--> statement-breakpoint
ALTER TABLE "identity"."role_scopes" ADD CONSTRAINT "role_scopes_role_name_roles_name_fk" FOREIGN KEY ("role_name") REFERENCES "identity"."roles"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."staff_roles" ADD CONSTRAINT "staff_roles_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "identity"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity"."staff_roles" ADD CONSTRAINT "staff_roles_role_name_roles_name_fk" FOREIGN KEY ("role_name") REFERENCES "identity"."roles"("name") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "staff_email_idx" ON "identity"."staff" USING btree ("email");--> statement-breakpoint
CREATE INDEX "staff_operation_log_occurred_at_id_idx" ON "identity"."staff_operation_log" USING btree ("occurred_at","id");--> statement-breakpoint
CREATE INDEX "staff_operation_log_target_type_target_id_idx" ON "identity"."staff_operation_log" USING btree ("target_type","target_id");--> statement-breakpoint
CREATE INDEX "staff_roles_role_name_idx" ON "identity"."staff_roles" USING btree ("role_name");