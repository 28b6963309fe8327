-- A dashboard user logged in through OIDC is linked to one identity-provider account by
-- (issuer, subject); the link is made at the first login whose verified email is the user's name.
alter table dashboard_user add column oidc_issuer text;
alter table dashboard_user add column oidc_subject text;
alter table dashboard_user add constraint dashboard_user_oidc_pair
    check ((oidc_issuer is null) = (oidc_subject is null));
create unique index dashboard_user_oidc on dashboard_user (oidc_issuer, oidc_subject)
    where oidc_issuer is not null;
