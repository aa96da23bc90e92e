ALTER TABLE "points"."lots" DROP CONSTRAINT "lots_expired_entry_id_ledger_id_fk";
--> statement-breakpoint
CREATE INDEX "lot_usages_lot_id_idx" ON "points"."lot_usages" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "lots_entry_id_idx" ON "points"."lots" USING btree ("entry_id");