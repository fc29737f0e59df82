-- Quota use as two counters on the account (issue 20, growth): the grant read SUM(size) over the
-- owner's files and uploads in flight, which grows with the number of files (index-only, but
-- still O(files)). Now every grant reads one row.
--
--   "usedBytes"     = SUM("File".size) of the owner's files
--   "reservedBytes" = SUM("Upload".size) of the owner's uploads still PENDING (granted, not yet
--                     completed, aborted, rejected or expired)
--
-- Triggers keep them, not the app: every write that adds or frees bytes is a row change in "File"
-- or "Upload" (grants, completions, aborts, rejections, the reaper, file deletes by owner or
-- admin, account deletion's cascades, scripts and seeds), so no code path can forget one. The
-- triggers are per statement (transition tables): a reaper closing 50 uploads or a seed of 10^6
-- rows updates each owner once. Owners are locked in id order, so two statements touching the
-- same owners in any order cannot deadlock on them.
--
-- Concurrency: a grant locks its owner's row (FOR NO KEY UPDATE: plain foreign-key checks on
-- rows that reference the user are not blocked), reads the counters and inserts the upload; the
-- trigger's update runs under that same lock. A second grant waits for the row and then reads
-- the counters as the first one committed them (READ COMMITTED re-reads a locked row's newest
-- version), so grants at the quota edge never over-admit. Completions, deletes and reaps only
-- lower the sum or move bytes from reserved to used in one transaction.

-- AlterTable
ALTER TABLE "User" ADD COLUMN "usedBytes" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "User" ADD COLUMN "reservedBytes" BIGINT NOT NULL DEFAULT 0;

-- Adds per-owner deltas to the counters, locking the owners in id order first.
CREATE FUNCTION valet_shift_usage(p_owner_ids TEXT[], p_used BIGINT[], p_reserved BIGINT[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "User" WHERE id = ANY (p_owner_ids) ORDER BY id FOR NO KEY UPDATE;
  UPDATE "User" u
  SET "usedBytes" = u."usedBytes" + d.used, "reservedBytes" = u."reservedBytes" + d.reserved
  FROM unnest(p_owner_ids, p_used, p_reserved) AS d(id, used, reserved)
  WHERE u.id = d.id;
END
$$;

CREATE FUNCTION valet_file_usage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_owners TEXT[];
  v_bytes BIGINT[];
BEGIN
  -- Each branch names only the transition tables its trigger declares.
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(o), array_agg(b) INTO v_owners, v_bytes
    FROM (SELECT "ownerId" AS o, sum(size)::BIGINT AS b FROM new_rows GROUP BY 1) d WHERE b <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(o), array_agg(b) INTO v_owners, v_bytes
    FROM (SELECT "ownerId" AS o, -sum(size)::BIGINT AS b FROM old_rows GROUP BY 1) d WHERE b <> 0;
  ELSE
    SELECT array_agg(o), array_agg(b) INTO v_owners, v_bytes
    FROM (
      SELECT o, sum(b)::BIGINT AS b
      FROM (SELECT "ownerId" AS o, size AS b FROM new_rows UNION ALL SELECT "ownerId", -size FROM old_rows) c
      GROUP BY 1
    ) d WHERE b <> 0;
  END IF;
  IF v_owners IS NOT NULL THEN
    PERFORM valet_shift_usage(v_owners, v_bytes, array_fill(0::BIGINT, ARRAY[cardinality(v_owners)]));
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION valet_upload_usage() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_owners TEXT[];
  v_bytes BIGINT[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(o), array_agg(b) INTO v_owners, v_bytes
    FROM (SELECT "ownerId" AS o, sum(size)::BIGINT AS b FROM new_rows WHERE status = 'PENDING' GROUP BY 1) d
    WHERE b <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(o), array_agg(b) INTO v_owners, v_bytes
    FROM (SELECT "ownerId" AS o, -sum(size)::BIGINT AS b FROM old_rows WHERE status = 'PENDING' GROUP BY 1) d
    WHERE b <> 0;
  ELSE
    SELECT array_agg(o), array_agg(b) INTO v_owners, v_bytes
    FROM (
      SELECT o, sum(b)::BIGINT AS b
      FROM (
        SELECT "ownerId" AS o, size AS b FROM new_rows WHERE status = 'PENDING'
        UNION ALL SELECT "ownerId", -size FROM old_rows WHERE status = 'PENDING'
      ) c
      GROUP BY 1
    ) d WHERE b <> 0;
  END IF;
  IF v_owners IS NOT NULL THEN
    PERFORM valet_shift_usage(v_owners, array_fill(0::BIGINT, ARRAY[cardinality(v_owners)]), v_bytes);
  END IF;
  RETURN NULL;
END
$$;

-- TRUNCATE fires no row or statement DELETE trigger; it empties the table, so the counter is 0.
CREATE FUNCTION valet_usage_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'File' THEN
    UPDATE "User" SET "usedBytes" = 0 WHERE "usedBytes" <> 0;
  ELSE
    UPDATE "User" SET "reservedBytes" = 0 WHERE "reservedBytes" <> 0;
  END IF;
  RETURN NULL;
END
$$;

-- No grant, completion or delete may run between the backfill's read and the triggers' start.
LOCK TABLE "File", "Upload" IN SHARE ROW EXCLUSIVE MODE;

-- Transition tables allow one event per trigger.
CREATE TRIGGER "File_usage_insert" AFTER INSERT ON "File"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION valet_file_usage();
CREATE TRIGGER "File_usage_update" AFTER UPDATE ON "File"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION valet_file_usage();
CREATE TRIGGER "File_usage_delete" AFTER DELETE ON "File"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION valet_file_usage();
CREATE TRIGGER "File_usage_truncate" AFTER TRUNCATE ON "File"
  FOR EACH STATEMENT EXECUTE FUNCTION valet_usage_truncated();
CREATE TRIGGER "Upload_usage_insert" AFTER INSERT ON "Upload"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION valet_upload_usage();
CREATE TRIGGER "Upload_usage_update" AFTER UPDATE ON "Upload"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION valet_upload_usage();
CREATE TRIGGER "Upload_usage_delete" AFTER DELETE ON "Upload"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION valet_upload_usage();
CREATE TRIGGER "Upload_usage_truncate" AFTER TRUNCATE ON "Upload"
  FOR EACH STATEMENT EXECUTE FUNCTION valet_usage_truncated();

-- Backfill.
UPDATE "User" u SET
  "usedBytes" = COALESCE((SELECT sum(f.size) FROM "File" f WHERE f."ownerId" = u.id), 0),
  "reservedBytes" = COALESCE((SELECT sum(up.size) FROM "Upload" up WHERE up."ownerId" = u.id AND up.status = 'PENDING'), 0);

-- The one definition of quota use, now O(1): the two counters.
CREATE OR REPLACE FUNCTION valet_bytes_in_use(owner_id TEXT) RETURNS BIGINT LANGUAGE sql AS $$
  SELECT COALESCE((SELECT "usedBytes" + "reservedBytes" FROM "User" WHERE id = owner_id), 0)::BIGINT
$$;

-- The single-PUT grant under the owner's row lock (was an advisory lock and two sums).
CREATE OR REPLACE FUNCTION valet_grant_single_upload(
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
  SELECT COALESCE(u."quotaBytes", p_default_quota), u."usedBytes" + u."reservedBytes" INTO v_quota, v_used
  FROM "User" u WHERE u.id = p_owner_id FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT FALSE, 0::BIGINT, NULL::BIGINT;
    RETURN;
  END IF;
  IF v_used + p_size > v_quota THEN
    RETURN QUERY SELECT FALSE, v_used, v_quota;
    RETURN;
  END IF;
  -- Prisma keeps DateTime columns as UTC `timestamp`s, whatever the server's TimeZone.
  INSERT INTO "Upload" ("id", "ownerId", "objectKey", "fileName", "contentType", "size", "sha256", "expiresAt", "keysExpireAt", "createdAt")
  VALUES (p_upload_id, p_owner_id, p_object_key, p_file_name, p_content_type, p_size, p_sha256, p_expires_at, p_key_expires_at,
          now() AT TIME ZONE 'UTC');
  INSERT INTO "AuditEvent" ("id", "action", "actorId", "via", "method", "objectKey", "expiresAt", "uploadId", "createdAt")
  VALUES (p_audit_id, 'upload.put', p_owner_id, p_via, 'PUT', p_object_key, p_key_expires_at, p_upload_id, now() AT TIME ZONE 'UTC');
  RETURN QUERY SELECT TRUE, v_used, v_quota;
END
$$;

-- Many single-PUT grants of one owner at once (POST /api/uploads with an array): one lock, one
-- read of the counters, then the items admitted in the order given while they fit. Each admitted
-- item gets its own Upload row and its own audit row; `granted` says which were.
CREATE FUNCTION valet_grant_single_uploads(
  p_owner_id TEXT,
  p_default_quota BIGINT,
  p_via TEXT,
  p_expires_at TIMESTAMP(3),
  p_upload_ids TEXT[],
  p_object_keys TEXT[],
  p_file_names TEXT[],
  p_content_types TEXT[],
  p_sizes BIGINT[],
  p_sha256s TEXT[],
  p_audit_ids TEXT[],
  p_key_expires_ats TIMESTAMP(3)[]
) RETURNS TABLE (idx INT, granted BOOLEAN, used BIGINT, quota BIGINT) LANGUAGE plpgsql AS $$
DECLARE
  v_quota BIGINT;
  v_used BIGINT;
  v_admitted BOOLEAN[] := '{}';
  v_before BIGINT[] := '{}';
BEGIN
  SELECT COALESCE(u."quotaBytes", p_default_quota), u."usedBytes" + u."reservedBytes" INTO v_quota, v_used
  FROM "User" u WHERE u.id = p_owner_id FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT i, FALSE, 0::BIGINT, NULL::BIGINT FROM generate_series(1, cardinality(p_upload_ids)) AS i;
    RETURN;
  END IF;
  FOR i IN 1 .. cardinality(p_upload_ids) LOOP
    v_before := v_before || v_used;
    IF v_used + p_sizes[i] <= v_quota THEN
      v_admitted := v_admitted || TRUE;
      v_used := v_used + p_sizes[i];
    ELSE
      v_admitted := v_admitted || FALSE;
    END IF;
  END LOOP;
  INSERT INTO "Upload" ("id", "ownerId", "objectKey", "fileName", "contentType", "size", "sha256", "expiresAt", "keysExpireAt", "createdAt")
  SELECT t.id, p_owner_id, t.object_key, t.file_name, t.content_type, t.size, t.sha256, p_expires_at, t.key_expires_at,
         now() AT TIME ZONE 'UTC'
  FROM unnest(p_upload_ids, p_object_keys, p_file_names, p_content_types, p_sizes, p_sha256s, p_key_expires_ats, v_admitted)
       AS t(id, object_key, file_name, content_type, size, sha256, key_expires_at, admitted)
  WHERE t.admitted;
  INSERT INTO "AuditEvent" ("id", "action", "actorId", "via", "method", "objectKey", "expiresAt", "uploadId", "createdAt")
  SELECT t.audit_id, 'upload.put', p_owner_id, p_via, 'PUT', t.object_key, t.key_expires_at, t.id, now() AT TIME ZONE 'UTC'
  FROM unnest(p_upload_ids, p_object_keys, p_audit_ids, p_key_expires_ats, v_admitted)
       AS t(id, object_key, audit_id, key_expires_at, admitted)
  WHERE t.admitted;
  RETURN QUERY SELECT i, v_admitted[i], v_before[i], v_quota FROM generate_series(1, cardinality(p_upload_ids)) AS i;
END
$$;
