create table if not exists orders (
    id         bigserial primary key,
    customer   text        not null,
    created_at timestamptz not null default now()
);
create table if not exists order_line (
    order_id bigint not null references orders (id),
    sku      text   not null,
    quantity int    not null check (quantity > 0)
);
create table if not exists stock (
    sku       text primary key,
    available int  not null
);
insert into stock (sku, available) values ('apple', 1000), ('pear', 1000), ('plum', 5)
on conflict (sku) do nothing;
