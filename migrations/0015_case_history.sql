-- A case's history for the moderators who can see it (GET …/cases/{id}/history): the audit events of the case
-- itself, and those of other subjects (decisions) that name it in their data.
create index audit_events_case_data_idx on audit_events (service_id, (data->>'case_id'), id) where data ? 'case_id';
