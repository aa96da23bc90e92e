CREATE TABLE "identity"."member_keys" (
	"member_id" uuid PRIMARY KEY NOT NULL,
	"wrapped_key" text NOT NULL,
	"master_key_id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "identity"."members" ADD COLUMN "email_ciphertext" text;--> statement-breakpoint
ALTER TABLE "identity"."members" ADD COLUMN "email_lookup" text;--> statement-breakpoint
ALTER TABLE "identity"."members" ADD COLUMN "phone_ciphertext" text;--> statement-breakpoint
ALTER TABLE "identity"."members" ADD COLUMN "phone_lookup" text;--> statement-breakpoint
ALTER TABLE "identity"."member_keys" ADD CONSTRAINT "member_keys_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "identity"."members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "members_email_lookup_idx" ON "identity"."members" USING btree ("email_lookup");--> statement-breakpoint
CREATE UNIQUE INDEX "members_phone_lookup_idx" ON "identity"."members" USING btree ("phone_lookup");