-- Upload grants in one round trip (issue 7, key minting under load).
--
-- A grant must check the owner's quota and record the upload under a per-user lock, or two
-- concurrent grants could both fit into the last free bytes. Done as an interactive transaction
-- from the app that is eight round trips with the lock held across the app's event loop; under
-- load (hundreds of grants per second, one user) grants queued on the lock and on the pool. These
-- functions do the locked part inside PostgreSQL, so the lock is held for microseconds.
-- Prisma's schema does not describe functions; `prisma migrate diff` leaves them alone.

-- Bytes a user holds or has been granted: stored files plus uploads still in flight. The one
-- definition of quota use; lib/uploads.ts calls it on every path. VOLATILE (the default), so
-- called after the lock it reads a snapshot taken after the lock too.
CREATE FUNCTION valet_bytes_in_use(owner_id TEXT) RETURNS BIGINT LANGUAGE sql AS $$
  SELECT (COALESCE((SELECT sum("size") FROM "File" WHERE "ownerId" = owner_id), 0)
        + COALESCE((SELECT sum("size") FROM "Upload" WHERE "ownerId" = owner_id AND "status" = 'PENDING'), 0))::BIGINT
$$;

-- A single-PUT grant for an account owner: takes the owner's quota lock (the same key
-- lib/uploads.ts locks on other paths), checks the quota, and records the Upload row and the
-- minted key's audit row. Returns granted = false (nothing written) when the upload does not fit,
-- and quota = NULL when the account does not exist. Each statement of a VOLATILE plpgsql function
-- takes a fresh snapshot, so everything after the lock sees every grant committed before it.
CREATE FUNCTION valet_grant_single_upload(
  p_upload_id TEXT,
  p_owner_id TEXT,
  p_object_key TEXT,
  p_file_name TEXT,
  p_content_type TEXT,
  p_size BIGINT,
  p_sha256 TEXT,
  p_expires_at TIMESTAMP(3),
  p_default_quota BIGINT,
  p_audit_id TEXT,
  p_via TEXT,
  p_key_expires_at TIMESTAMP(3)
) RETURNS TABLE (granted BOOLEAN, used BIGINT, quota BIGINT) LANGUAGE plpgsql AS $$
DECLARE
  v_quota BIGINT;
  v_used BIGINT;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('quota:' || p_owner_id, 0));
  SELECT COALESCE(u."quotaBytes", p_default_quota) INTO v_quota FROM "User" u WHERE u.id = p_owner_id;
  IF NOT FOUND THEN
    RETURN QUERY SELECT FALSE, 0::BIGINT, NULL::BIGINT;
    RETURN;
  END IF;
  v_used := valet_bytes_in_use(p_owner_id);
  IF v_used + p_size > v_quota THEN
    RETURN QUERY SELECT FALSE, v_used, v_quota;
    RETURN;
  END IF;
  -- Prisma keeps DateTime columns as UTC `timestamp`s, whatever the server's TimeZone.
  INSERT INTO "Upload" ("id", "ownerId", "objectKey", "fileName", "contentType", "size", "sha256", "expiresAt", "createdAt")
  VALUES (p_upload_id, p_owner_id, p_object_key, p_file_name, p_content_type, p_size, p_sha256, p_expires_at, now() AT TIME ZONE 'UTC');
  INSERT INTO "AuditEvent" ("id", "action", "actorId", "via", "method", "objectKey", "expiresAt", "uploadId", "createdAt")
  VALUES (p_audit_id, 'upload.put', p_owner_id, p_via, 'PUT', p_object_key, p_key_expires_at, p_upload_id, now() AT TIME ZONE 'UTC');
  RETURN QUERY SELECT TRUE, v_used, v_quota;
END
$$;
