-- Push delivery of the messages to authorities (docs/orders.md, "Push delivery"): each message to an authority
-- with a callback URL is POSTed there by a durable job (type 'order.message.deliver'), signed like webhooks.

-- The callback signing secret. HMAC needs the secret itself (a hash would not do), as for webhook endpoints
-- (0005): shown once at creation and at rotation, never listed, never in the audit log. NULL for authorities
-- created before this migration: nothing is pushed to them until the secret is rotated (POST …/secret).
alter table authorities add column callback_secret text;

-- NULL: not pushed (no callback URL when the message was written; the authority polls). 'pending': a delivery
-- job is queued or retrying; 'delivered' (delivered_at set) or 'failed' (attempts exhausted or address refused,
-- audited as order.message_delivery_failed) once it settles, with the attempts made and the last error seen.
alter table order_messages
  add column delivery_status text check (delivery_status in ('pending', 'delivered', 'failed')),
  add column delivery_attempts integer not null default 0,
  add column delivery_last_error text;
