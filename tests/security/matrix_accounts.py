"""Matrix rows for the accounts pages: one-time links, the signed-out lost-authenticator request, one's own
account, and account administration (administrators only). No row changes anything: the POST rows name a
request or an action that does not exist, so the outcome shows who gets past the permission check."""
from __future__ import annotations

from tests.security.matrix import ROLES, Case, everyone


def cases(org):
    every = {r: 200 for r in ROLES}
    gone = {r: 404 for r in ROLES}
    return [
        Case("account_activate", "/accounts/activate/not-a-real-token/", gone, default=404,
             note="an unknown or altered token is refused the same way for everyone"),
        Case("account_activate_form", "/accounts/activate/", gone, default=404,
             note="without a link opened in this session there is nothing to complete"),
        Case("account_lost_authenticator", "/accounts/lost-authenticator/", every, default=200),
        Case("account_home", "/accounts/", everyone(200)),
        Case("account_password", "/accounts/password/", everyone(200)),
        Case("account_users", "/accounts/users/", {"administrator": 200}),
        Case("account_user", "/accounts/users/offender_manager/", {"administrator": 200}),
        Case("account_user_new", "/accounts/new-user/", {"administrator": 200}),
        Case("account_user_new", "/accounts/new-user/", {"administrator": 400}, method="post",
             data={"officer": "", "username": ""}, note="nothing chosen: the form says so"),
        Case("account_teams", "/accounts/teams/", {"administrator": 200}),
        Case("account_teams", "/accounts/teams/", {"administrator": 400}, method="post", data={"name": ""},
             note="no name or kind: the form says so"),
        Case("account_team", f"/accounts/teams/{org.teams['om'].ref}/", {"administrator": 200}),
        Case("account_team", f"/accounts/teams/{org.teams['om'].ref}/", {"administrator": 400}, method="post",
             data={"officer": "", "reason": ""}, note="nobody chosen: the form says so"),
        Case("account_user_action", "/accounts/users/offender_manager/no-such-action/", {"administrator": 404},
             method="post"),
        Case("account_mfa_request", "/accounts/requests/mfa/999999/", {"administrator": 400}, method="post",
             data={"decision": "approve"}),
        Case("account_role_request", "/accounts/requests/roles/999999/", {"administrator": 400}, method="post",
             data={"decision": "approve"}),
    ]
