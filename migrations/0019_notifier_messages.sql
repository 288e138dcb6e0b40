-- Telling a notifier about a decision about them (DSA Art. 23(2)): a warning or a suspension is emailed to a
-- person who notified through the public form, in the same transaction as the decision. The message names the
-- notifier action it is about; its notice_id is the notifier's latest notice that left an email (the address is
-- read from notice_notifiers at send time, never copied). Organisations (API keys) have no contact address.
alter table outbox add column notifier_action_id uuid references notifier_actions(id);

-- One message per template per notice, decision, appeal and notifier action.
drop index outbox_message_key;
create unique index outbox_message_key on outbox (notice_id, template, decision_id, appeal_id, notifier_action_id) nulls not distinct;
