// Cloudinary's official Node SDK (cloudinary@2.11.0) against the console's Provisioning
// API: every provisioning function, filters, group membership, access keys with
// dedicated_for, and wrong credentials. CLOUDINARY_ACCOUNT_URL carries the key and the
// upload_prefix (read when the module loads, so http works). Exits non-zero on a difference.
"use strict";

const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const cloudinary = require("cloudinary");

const account = cloudinary.provisioning.account;
const TAG = "node" + crypto.randomBytes(3).toString("hex");

// A result without the rate_limit_* fields the SDK adds from the response headers.
function plain(result) {
  const out = { ...result };
  for (const k of ["rate_limit_allowed", "rate_limit_remaining", "rate_limit_reset_at"]) {
    assert.ok(k in out, `${k} missing: the X-FeatureRateLimit-* headers weren't read`);
    delete out[k];
  }
  return out;
}

async function rejects(promise, status) {
  try {
    await promise;
  } catch (e) {
    const code = e.error ? e.error.http_code : e.http_code;
    assert.equal(code, status, JSON.stringify(e));
    return e;
  }
  assert.fail(`expected an error with status ${status}`);
}

async function main() {
  const envs = (await account.sub_accounts()).sub_accounts;
  assert.ok(envs.length >= 1);
  const base = envs[0];

  // Product environments.
  const cloud = `${TAG}_pe`;
  const pe = await account.create_sub_account(`${TAG} PE`, cloud, { team: "x" }, true, base.id);
  assert.equal(pe.cloud_name, cloud);
  assert.deepEqual(pe.custom_attributes, { team: "x" });
  assert.equal(pe.api_access_keys.length, 1);
  assert.deepEqual(Object.keys(pe).slice(0, 7),
    ["cloud_name", "name", "enabled", "id", "api_access_keys", "created_at", "updated_at"]);
  assert.equal((await account.sub_account(pe.id)).id, pe.id);
  const updated = await account.update_sub_account(pe.id, `${TAG} PE 2`, undefined, undefined, false);
  assert.equal(updated.name, `${TAG} PE 2`);
  assert.equal(updated.enabled, false);
  await account.update_sub_account(pe.id, undefined, undefined, undefined, true);
  const byIds = (await account.sub_accounts(undefined, [pe.id, base.id])).sub_accounts;
  assert.deepEqual(new Set(byIds.map((e) => e.id)), new Set([pe.id, base.id]));
  const byPrefix = (await account.sub_accounts(true, [], TAG)).sub_accounts;
  assert.deepEqual(byPrefix.map((e) => e.id), [pe.id]);
  await rejects(account.create_sub_account("Dup", cloud), 409);
  await rejects(account.sub_account("0".repeat(32)), 404);

  // Access keys.
  const keys = await account.access_keys(pe.id);
  assert.equal(keys.total, 1);
  const rootKey = keys.access_keys[0].api_key;
  const made = await account.generate_access_key(pe.id, { name: `${TAG}_k`, enabled: true });
  // The SDK appends rate_limit_* from our X-FeatureRateLimit-* headers.
  assert.deepEqual(Object.keys(made).slice(0, 7),
    ["name", "api_key", "api_secret", "created_at", "updated_at", "enabled", "root"]);
  assert.equal(made.rate_limit_allowed, 5000);
  const dedicated = await account.update_access_key(pe.id, made.api_key, { dedicated_for: "webhooks" });
  assert.deepEqual(dedicated.dedicated_for, ["webhooks"]);
  const page = await account.access_keys(pe.id, { page_size: 1, page: 1, sort_by: "created_at", sort_order: "asc" });
  assert.equal(page.total, 2);
  assert.equal(page.access_keys[0].api_key, rootKey);
  await account.update_access_key(pe.id, rootKey, { dedicated_for: "webhooks" });
  const off = await account.update_access_key(pe.id, made.api_key, { enabled: false, name: `${TAG}_k2` });
  assert.equal(off.enabled, false);
  assert.equal(off.name, `${TAG}_k2`);
  assert.deepEqual(plain(await account.delete_access_key_by_name(pe.id, { name: `${TAG}_k2` })), { message: "ok" });
  const third = await account.generate_access_key(pe.id, { name: `${TAG}_k3` });
  assert.deepEqual(plain(await account.delete_access_key(pe.id, third.api_key)), { message: "ok" });
  await rejects(account.delete_access_key(pe.id, third.api_key), 404);
  await rejects(account.delete_access_key(pe.id, rootKey), 400);

  // Users.
  const email = `${TAG}@example.com`;
  const u = await account.create_user(`${TAG} User`, email, "technical_admin", [base.id, pe.id]);
  assert.equal(u.pending, true);
  assert.equal(u.sub_account_count, 2);
  assert.equal((await account.user(u.id)).email, email);
  const pending = (await account.users(true, [u.id])).users;
  assert.deepEqual(pending.map((x) => x.id), [u.id]);
  assert.deepEqual((await account.users(false, [u.id])).users, []);
  const found = (await account.users(undefined, undefined, TAG, pe.id)).users;
  assert.deepEqual(found.map((x) => x.id), [u.id]);
  const range = { lastLogin: true, fromDate: "2024-01-01", toDate: "2024-02-01" };
  assert.deepEqual((await account.users(undefined, [u.id], undefined, undefined, range)).users, []);
  const changed = await account.update_user(u.id, `${TAG} Renamed`, undefined, "admin", [pe.id]);
  assert.equal(changed.role, "admin");
  assert.equal(changed.sub_account_count, 1);
  await rejects(account.create_user("Dup", email, "admin"), 409);
  await rejects(account.user("c".repeat(32)), 404);

  // Groups.
  const g = await account.create_user_group(`${TAG} Group`);
  assert.equal((await account.update_user_group(g.id, `${TAG} Group 2`)).name, `${TAG} Group 2`);
  assert.equal((await account.user_group(g.id)).id, g.id);
  assert.ok((await account.user_groups()).user_groups.some((x) => x.id === g.id));
  const members = await account.add_user_to_group(g.id, u.id);
  assert.deepEqual(members.users.map((m) => m.id), [u.id]);
  assert.deepEqual((await account.user_group_users(g.id)).users.map((m) => m.id), [u.id]);
  assert.deepEqual((await account.remove_user_from_group(g.id, u.id)).users, []);
  assert.deepEqual(plain(await account.delete_user_group(g.id)), { ok: true });
  await rejects(account.user_group(g.id), 404);

  assert.deepEqual(plain(await account.delete_user(u.id)), { message: "ok" });
  assert.equal((await account.user(u.id)).status, "inactive");
  assert.deepEqual(plain(await account.delete_sub_account(pe.id)), { message: "ok" });

  // Wrong credentials.
  await rejects(account.users(undefined, undefined, undefined, undefined,
    { provisioning_api_key: "123456789012345", provisioning_api_secret: "wrong" }), 401);
  console.log("node cloudinary 2.11.0: every provisioning function passed");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
