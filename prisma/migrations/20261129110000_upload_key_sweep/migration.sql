-- A key outlives its upload (issue 14): a presigned PUT still works after the upload was
-- cancelled, rejected or expired, or after its file was deleted, and can write an object no row
-- records. Each upload now records when its last key dies; once it is closed without a file
-- (or its file is deleted) it is due for one sweep after that moment, which deletes whatever the
-- key wrote and marks the row swept.

-- AlterTable
ALTER TABLE "Upload" ADD COLUMN "keysExpireAt" TIMESTAMP(3);
ALTER TABLE "Upload" ADD COLUMN "sweepDueAt" TIMESTAMP(3);
ALTER TABLE "Upload" ADD COLUMN "sweptAt" TIMESTAMP(3);

-- No key of an earlier grant outlives its upload's expiry (part URLs are capped to it, a single
-- PUT's URL expires before it).
UPDATE "Upload" SET "keysExpireAt" = "expiresAt";
ALTER TABLE "Upload" ALTER COLUMN "keysExpireAt" SET NOT NULL;
-- A writer that does not say (a script, a seed) gets the safe bound: no presigned URL lives
-- longer than 7 days (S3's own limit, MAX_PRESIGN_TTL_SECONDS).
ALTER TABLE "Upload" ALTER COLUMN "keysExpireAt" SET DEFAULT ((now() AT TIME ZONE 'UTC') + interval '7 days');

-- Uploads closed before this migration may hold objects written after they closed: sweep them once.
UPDATE "Upload" u SET "sweepDueAt" = u."keysExpireAt"
WHERE u."status" <> 'PENDING' AND NOT EXISTS (SELECT 1 FROM "File" f WHERE f."uploadId" = u."id");

-- CreateIndex
CREATE INDEX "Upload_sweepDueAt_idx" ON "Upload"("sweepDueAt");

-- The single-PUT grant records its key's expiry on the row too (same signature, same behaviour).
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
  INSERT INTO "Upload" ("id", "ownerId", "objectKey", "fileName", "contentType", "size", "sha256", "expiresAt", "keysExpireAt", "createdAt")
  VALUES (p_upload_id, p_owner_id, p_object_key, p_file_name, p_content_type, p_size, p_sha256, p_expires_at, p_key_expires_at,
          now() AT TIME ZONE 'UTC');
  INSERT INTO "AuditEvent" ("id", "action", "actorId", "via", "method", "objectKey", "expiresAt", "uploadId", "createdAt")
  VALUES (p_audit_id, 'upload.put', p_owner_id, p_via, 'PUT', p_object_key, p_key_expires_at, p_upload_id, now() AT TIME ZONE 'UTC');
  RETURN QUERY SELECT TRUE, v_used, v_quota;
END
$$;
