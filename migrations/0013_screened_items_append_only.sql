-- A screening that acts (opens or escalates a case, holds the content, suggests a label) is a state change and
-- is audited. One that does not is recorded only as its screened item: an audit event for every automated
-- check would triple the writes of the busiest endpoint and fill the chain with non-events. So that the
-- record cannot be rewritten either, screened items are append-only, like decisions.
create trigger screened_items_append_only before update or delete on screened_items
  for each row execute function audit_forbid_change();
