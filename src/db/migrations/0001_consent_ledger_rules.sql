-- The consent ledger is append-only: nothing may change or remove a row.
CREATE FUNCTION consent_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'consent_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER consent_events_no_update BEFORE UPDATE OR DELETE ON consent_events
  FOR EACH ROW EXECUTE FUNCTION consent_events_refuse_change();
--> statement-breakpoint
CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events
  FOR EACH STATEMENT EXECUTE FUNCTION consent_events_refuse_change();
--> statement-breakpoint
-- The current state follows the ledger in the same transaction, one set-based
-- statement per insert: the newest event (by when it happened, then by id) wins,
-- so an old form date imported late never overrides a newer unsubscribe.
CREATE FUNCTION consents_follow_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO consents AS c (member_id, topic, channel, granted, source, occurred_at, event_id)
  SELECT DISTINCT ON (member_id, topic, channel)
         member_id, topic, channel, granted, source, occurred_at, id
    FROM new_events
   ORDER BY member_id, topic, channel, occurred_at DESC, id DESC
  ON CONFLICT (member_id, topic, channel) DO UPDATE
     SET granted = excluded.granted,
         source = excluded.source,
         occurred_at = excluded.occurred_at,
         event_id = excluded.event_id
   WHERE (excluded.occurred_at, excluded.event_id) >= (c.occurred_at, c.event_id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER consent_events_update_state AFTER INSERT ON consent_events
  REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION consents_follow_ledger();
