-- Switch the summary triggers (V21, V23, V25) off or on: psql -v state=DISABLE (or ENABLE) -f triggers.sql
ALTER TABLE leads :state TRIGGER leads_summarize_insert, :state TRIGGER leads_summarize_update,
    :state TRIGGER leads_summarize_delete, :state TRIGGER leads_tags_insert,
    :state TRIGGER leads_tags_update, :state TRIGGER leads_tags_delete;
ALTER TABLE communications :state TRIGGER communications_summarize_insert,
    :state TRIGGER communications_summarize_update, :state TRIGGER communications_summarize_delete,
    :state TRIGGER communications_tally_days_insert, :state TRIGGER communications_tally_days_update,
    :state TRIGGER communications_tally_days_delete;
