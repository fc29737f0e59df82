-- A token-authenticated single-PUT grant in one statement (issue 20): the API token's check, its
-- lastUsedAt touch, the per-user grant rate limit and the grant itself (quota under the owner's
-- row lock, the Upload row and the key's audit row) were three round trips. Each step keeps one
-- definition here, shared with the statements that run it alone (lib/api-tokens.ts,
-- lib/rate-limit.ts, lib/uploads/grant.ts).

-- The account a live API token acts for: not revoked, not expired (by the database's clock, in
-- UTC like every Prisma DateTime), its account not disabled. STABLE SQL, so the planner inlines it.
CREATE FUNCTION valet_api_token_account(p_token_hash TEXT)
RETURNS TABLE ("tokenId" TEXT, id TEXT, email TEXT, name TEXT, role TEXT) LANGUAGE sql STABLE AS $$
  SELECT t.id, u.id, u.email, u.name, u.role::text
  FROM "ApiToken" t JOIN "User" u ON u.id = t."userId"
  WHERE t."tokenHash" = p_token_hash AND t."revokedAt" IS NULL
    AND (t."expiresAt" IS NULL OR t."expiresAt" > (now() AT TIME ZONE 'UTC'))
    AND u."disabledAt" IS NULL
$$;

-- Records that a token was used, at most once per p_precision_secs (else every read is a write).
-- Answers whether it wrote. PL/pgSQL, here and below: its plans are cached per connection, where
-- a non-inlined SQL function's body is planned again on every call.
CREATE FUNCTION valet_touch_api_token(p_token_id TEXT, p_precision_secs FLOAT8) RETURNS BOOLEAN LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "ApiToken" SET "lastUsedAt" = (now() AT TIME ZONE 'UTC')
  WHERE id = p_token_id
    AND ("lastUsedAt" IS NULL OR "lastUsedAt" < (now() AT TIME ZONE 'UTC') - make_interval(secs => p_precision_secs));
  RETURN FOUND;
END
$$;

-- Counts p_cost hits against a fixed window: one atomic upsert, so concurrent requests on any
-- number of app instances each get a distinct count. Answers the hits so far in the window and
-- the seconds until it ends.
CREATE FUNCTION valet_consume_rate_limit(p_key TEXT, p_cost INT, p_window_secs FLOAT8)
RETURNS TABLE (hits INT, "retryAfterSeconds" INT) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY
  INSERT INTO "RateLimit" AS r ("key", "hits", "resetAt")
  VALUES (p_key, p_cost, (now() AT TIME ZONE 'UTC') + make_interval(secs => p_window_secs))
  ON CONFLICT ("key") DO UPDATE SET
    "hits" = CASE WHEN r."resetAt" <= (now() AT TIME ZONE 'UTC') THEN p_cost ELSE r."hits" + p_cost END,
    "resetAt" = CASE WHEN r."resetAt" <= (now() AT TIME ZONE 'UTC') THEN EXCLUDED."resetAt" ELSE r."resetAt" END
  RETURNING r."hits", GREATEST(1, ceil(EXTRACT(EPOCH FROM (r."resetAt" - (now() AT TIME ZONE 'UTC')))))::int;
END
$$;

-- The grant of an API-token caller, in the order the separate steps ran: the token (an unknown,
-- revoked or expired token, or a disabled account, charges and writes nothing), the rate limit
-- (charged even when the quota then refuses, as before), then valet_grant_single_upload. The
-- caller signed the URL before this statement under p_owner_id's prefix (the owner its cache says
-- the token belongs to); a token of another owner answers 'other_owner' with nothing written, and
-- the caller starts over the long way. The lastUsedAt touch comes last, so the row locks are
-- always taken in the order RateLimit, User, ApiToken (an account deletion locks User, then its
-- tokens: the same order, no deadlock).
--
-- outcome: granted | invalid_token | other_owner | rate_limited | quota_exceeded | no_account
CREATE FUNCTION valet_grant_single_upload_by_token(
  p_token_hash TEXT,
  p_owner_id TEXT,
  p_touch_precision_secs FLOAT8,
  p_rate_key TEXT,
  p_rate_limit BIGINT,
  p_rate_window_secs FLOAT8,
  p_upload_id TEXT,
  p_object_key TEXT,
  p_file_name TEXT,
  p_content_type TEXT,
  p_size BIGINT,
  p_sha256 TEXT,
  p_expires_at TIMESTAMP(3),
  p_default_quota BIGINT,
  p_audit_id TEXT,
  p_key_expires_at TIMESTAMP(3)
) RETURNS TABLE (outcome TEXT, used BIGINT, quota BIGINT, "retryAfterSeconds" INT) LANGUAGE plpgsql AS $$
DECLARE
  v_token_id TEXT;
  v_owner_id TEXT;
  v_hits INT;
  v_retry INT;
  v_granted BOOLEAN;
  v_used BIGINT;
  v_quota BIGINT;
  v_outcome TEXT;
BEGIN
  SELECT a."tokenId", a.id INTO v_token_id, v_owner_id FROM valet_api_token_account(p_token_hash) a;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'invalid_token', NULL::BIGINT, NULL::BIGINT, NULL::INT;
    RETURN;
  END IF;
  IF v_owner_id <> p_owner_id THEN
    RETURN QUERY SELECT 'other_owner', NULL::BIGINT, NULL::BIGINT, NULL::INT;
    RETURN;
  END IF;
  SELECT r.hits, r."retryAfterSeconds" INTO v_hits, v_retry FROM valet_consume_rate_limit(p_rate_key, 1, p_rate_window_secs) r;
  IF v_hits > p_rate_limit THEN
    v_outcome := 'rate_limited';
  ELSE
    SELECT g.granted, g.used, g.quota INTO v_granted, v_used, v_quota
    FROM valet_grant_single_upload(p_upload_id, p_owner_id, p_object_key, p_file_name, p_content_type, p_size, p_sha256,
                                   p_expires_at, p_default_quota, p_audit_id, 'token', p_key_expires_at) g;
    v_outcome := CASE WHEN v_granted THEN 'granted' WHEN v_quota IS NULL THEN 'no_account' ELSE 'quota_exceeded' END;
  END IF;
  PERFORM valet_touch_api_token(v_token_id, p_touch_precision_secs);
  RETURN QUERY SELECT v_outcome, v_used, v_quota, v_retry;
END
$$;
