-- W3C trace context (docs/tracing.md): the traceparent and tracestate a prepare, send or batch item
-- carried, stored as received (validated) and sent with every publish of the message. Both are
-- null for a message prepared without one; adding nullable columns rewrites no row.
alter table message add column traceparent text;
alter table message add column tracestate text;
