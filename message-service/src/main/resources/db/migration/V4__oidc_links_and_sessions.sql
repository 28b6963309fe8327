-- A dashboard user logged in through OIDC is linked to one identity-provider account by
-- (issuer, subject); the link is made at the first login whose verified email is the user's name.
alter table dashboard_user add column oidc_issuer text;
alter table dashboard_user add column oidc_subject text;
alter table dashboard_user add constraint dashboard_user_oidc_pair
    check ((oidc_issuer is null) = (oidc_subject is null));
create unique index dashboard_user_oidc on dashboard_user (oidc_issuer, oidc_subject)
    where oidc_issuer is not null;

-- Dashboard sessions (with their CSRF tokens and security context) live here, so that every
-- replica knows every session: Spring Session JDBC's PostgreSQL schema.
create table spring_session (
    primary_id            char(36)     not null,
    session_id            char(36)     not null,
    creation_time         bigint       not null,
    last_access_time      bigint       not null,
    max_inactive_interval int          not null,
    expiry_time           bigint       not null,
    principal_name        varchar(100),
    constraint spring_session_pk primary key (primary_id)
);
create unique index spring_session_ix1 on spring_session (session_id);
create index spring_session_ix2 on spring_session (expiry_time);
create index spring_session_ix3 on spring_session (principal_name);

create table spring_session_attributes (
    session_primary_id char(36)     not null,
    attribute_name     varchar(200) not null,
    attribute_bytes    bytea        not null,
    constraint spring_session_attributes_pk primary key (session_primary_id, attribute_name),
    constraint spring_session_attributes_fk foreign key (session_primary_id)
        references spring_session (primary_id) on delete cascade
);
