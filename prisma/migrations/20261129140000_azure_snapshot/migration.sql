-- Azure Blob Storage: completion snapshots the blob it verified and every download reads that
-- snapshot, since a client's write key may still change the blob itself. S3 rows leave it null.
ALTER TABLE "Upload" ADD COLUMN "snapshotId" TEXT;
ALTER TABLE "File" ADD COLUMN "snapshotId" TEXT;
