-- Switch the V21 summary triggers off or on: psql -v state=DISABLE (or ENABLE) -f triggers.sql
ALTER TABLE leads :state TRIGGER leads_summarize_insert, :state TRIGGER leads_summarize_update,
    :state TRIGGER leads_summarize_delete;
ALTER TABLE communications :state TRIGGER communications_summarize_insert,
    :state TRIGGER communications_summarize_update, :state TRIGGER communications_summarize_delete;
