"""Cloudinary's official Python SDK against the console's Provisioning API.

Exercises every provisioning function of the installed `cloudinary` release (1.46.x sends
JSON, 1.44.x multipart and `pending`), pointed at the console as docs/rules/provisioning-api.md
says: CLOUDINARY_URL carries upload_prefix, CLOUDINARY_ACCOUNT_URL the account key.
Exits non-zero at the first difference.
"""

import inspect
import json
import os
import sys
import uuid

import cloudinary
import cloudinary.provisioning as account
from cloudinary import exceptions

VERSION = cloudinary.VERSION
TAG = "py" + VERSION.replace(".", "")[:4] + uuid.uuid4().hex[:6]
# Releases before 1.45 send multipart forms, where a dict can't go: they pass JSON text.
MULTIPART = tuple(int(p) for p in VERSION.split(".")[:2]) < (1, 45)


def obj(value):
    return json.dumps(value) if MULTIPART else value


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def expect_error(kind, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except kind as e:
        return str(e)
    raise AssertionError(f"{fn.__name__} should fail with {kind.__name__}")


def main():
    # Environments (sub accounts).
    envs = account.sub_accounts()["sub_accounts"]
    check(len(envs) >= 1, "the account has an environment")
    base = envs[0]
    cloud = f"{TAG}_pe"
    pe = account.create_sub_account(
        f"{TAG} PE", cloud_name=cloud, custom_attributes=obj({"team": "x"}),
        enabled=True, base_account=base["id"])
    check(pe["cloud_name"] == cloud, pe)
    check(list(pe.keys())[:5] == ["cloud_name", "name", "enabled", "id", "api_access_keys"], pe.keys())
    check(len(pe["api_access_keys"]) == 1 and pe["api_access_keys"][0]["enabled"], pe)
    check(pe["custom_attributes"] == {"team": "x"}, pe)
    pe_id = pe["id"]
    check(account.sub_account(pe_id)["name"] == f"{TAG} PE", "get")
    updated = account.update_sub_account(pe_id, name=f"{TAG} PE 2", enabled=False)
    check(updated["name"] == f"{TAG} PE 2" and updated["enabled"] is False, updated)
    account.update_sub_account(pe_id, enabled=True, custom_attributes=obj({"tier": "gold"}))
    listed = account.sub_accounts(ids=[pe_id, base["id"]])["sub_accounts"]
    check({e["id"] for e in listed} == {pe_id, base["id"]}, listed)
    by_prefix = account.sub_accounts(enabled=True, prefix=TAG)["sub_accounts"]
    check([e["id"] for e in by_prefix] == [pe_id], by_prefix)
    expect_error(exceptions.AlreadyExists, account.create_sub_account, "Dup", cloud_name=cloud)
    expect_error(exceptions.NotFound, account.sub_account, "0" * 32)

    # Access keys.
    keys = account.access_keys(pe_id)
    check(keys["total"] == 1 and keys["access_keys"][0]["root"] is True, keys)
    made = account.generate_access_key(pe_id, name=f"{TAG}_k", enabled=True)
    check(list(made.keys()) == ["name", "api_key", "api_secret", "created_at", "updated_at", "enabled", "root"], made)
    key = made["api_key"]
    dedicated = account.update_access_key(pe_id, key, dedicated_for="webhooks")
    check(dedicated["dedicated_for"] == ["webhooks"], dedicated)
    renamed = account.update_access_key(pe_id, key, name=f"{TAG}_k2")
    check(renamed["name"] == f"{TAG}_k2", renamed)
    page = account.access_keys(pe_id, page_size=1, page=2, sort_by="created_at", sort_order="desc")
    check(page["total"] == 2 and len(page["access_keys"]) == 1 and page["access_keys"][0]["root"], page)
    extra = account.generate_access_key(pe_id, name=f"{TAG}_k3")
    check(account.delete_access_key(pe_id, name=f"{TAG}_k3") == {"message": "ok"}, "delete by name")
    root_key = keys["access_keys"][0]["api_key"]
    account.update_access_key(pe_id, root_key, dedicated_for="webhooks")
    off = account.update_access_key(pe_id, key, enabled=False)
    check(off["enabled"] is False and "dedicated_for" not in off, off)
    check(account.delete_access_key(pe_id, api_key=key) == {"message": "ok"}, "delete by key")
    expect_error(exceptions.NotFound, account.delete_access_key, pe_id, api_key=extra["api_key"])

    # Users.
    email = f"{TAG}@example.com"
    u = account.create_user(f"{TAG} User", email, "technical_admin", sub_account_ids=[base["id"], pe_id])
    check(u["email"] == email and u["role"] == "technical_admin" and u["pending"] is True, u)
    check(u["sub_account_count"] == 2 and u["all_sub_accounts"] is False, u)
    uid = u["id"]
    check(account.user(uid)["id"] == uid, "get user")
    if "status" in inspect.signature(account.users).parameters:
        pending = account.users(user_ids=[uid], status="pending")["users"]
        not_pending = []
    else:
        pending = account.users(user_ids=[uid], pending=True)["users"]
        not_pending = account.users(user_ids=[uid], pending=False)["users"]
    check([x["id"] for x in pending] == [uid], pending)
    check(not_pending == [], not_pending)
    found = account.users(prefix=TAG, sub_account_id=pe_id)["users"]
    check([x["id"] for x in found] == [uid], found)
    never = account.users(user_ids=[uid], last_login=True, from_date="2024-01-01", to_date="2024-02-01")
    check(never["users"] == [], never)
    excluded = account.users(user_ids=[uid], last_login=False, from_date="2024-01-01", to_date="2024-02-01")
    check([x["id"] for x in excluded["users"]] == [uid], excluded)
    changed = account.update_user(uid, name=f"{TAG} Renamed", role="admin", sub_account_ids=[pe_id])
    check(changed["name"] == f"{TAG} Renamed" and changed["role"] == "admin", changed)
    check(changed["sub_account_count"] == 1, changed)
    expect_error(exceptions.AlreadyExists, account.create_user, "Dup", email, "admin")
    expect_error(exceptions.BadRequest, account.create_user, "Bad", f"x{email}", "boss")

    # Groups.
    g = account.create_user_group(f"{TAG} Group")
    gid = g["id"]
    check(account.update_user_group(gid, f"{TAG} Group 2")["name"] == f"{TAG} Group 2", "rename group")
    check(account.user_group(gid)["id"] == gid, "get group")
    check(any(x["id"] == gid for x in account.user_groups()["user_groups"]), "list groups")
    members = account.add_user_to_group(gid, uid)
    check([m["id"] for m in members["users"]] == [uid], members)
    check([m["id"] for m in account.user_group_users(gid)["users"]] == [uid], "members")
    check([x["id"] for x in account.user_in_user_groups(uid)["groups"]] == [gid], "user's groups")
    check(account.remove_user_from_group(gid, uid)["users"] == [], "removed")
    expect_error(exceptions.AlreadyExists, account.create_user_group, f"{TAG} group 2")
    check(account.delete_user_group(gid) == {"ok": True}, "delete group")
    expect_error(exceptions.NotFound, account.user_group, gid)

    # Clean up; deleting users and environments.
    check(account.delete_user(uid) == {"message": "ok"}, "delete user")
    check(account.user(uid)["status"] == "inactive", "inactive")
    check(account.delete_sub_account(pe_id) == {"message": "ok"}, "delete environment")
    expect_error(exceptions.NotFound, account.sub_account, pe_id)

    # Wrong credentials.
    expect_error(exceptions.AuthorizationRequired, account.users,
                 provisioning_api_key="123456789012345", provisioning_api_secret="wrong")
    print(f"python cloudinary {VERSION}: every provisioning function passed")


if __name__ == "__main__":
    for var in ("CLOUDINARY_URL", "CLOUDINARY_ACCOUNT_URL"):
        if not os.environ.get(var):
            sys.exit(f"{var} is not set")
    main()
