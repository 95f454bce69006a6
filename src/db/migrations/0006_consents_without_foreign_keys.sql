ALTER TABLE "consents" DROP CONSTRAINT "consents_member_id_members_id_fk";
--> statement-breakpoint
ALTER TABLE "consents" DROP CONSTRAINT "consents_event_id_consent_events_id_fk";
