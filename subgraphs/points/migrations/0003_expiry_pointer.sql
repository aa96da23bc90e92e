ALTER TABLE "points"."lots" DROP CONSTRAINT "lots_expired_entry_id_ledger_id_fk";
