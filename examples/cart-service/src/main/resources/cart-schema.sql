create table if not exists cart_item (
    customer text not null,
    sku      text not null,
    quantity int  not null check (quantity >= 0),
    primary key (customer, sku)
);
-- why the cart changed: one row per order line removed
create table if not exists cart_history (
    order_id   bigint      not null,
    message_id uuid        not null,
    customer   text        not null,
    sku        text        not null,
    quantity   int         not null,
    at         timestamptz not null default now()
);
create index if not exists cart_history_order on cart_history (order_id);
