-- Quota sums read only indexes (issue 7, growth): every grant sums the owner's file sizes and the
-- sizes of its uploads in flight. With the size in the index these are index-only scans; without
-- it each row was a heap fetch (95 ms for an owner of 10^4 files among 10^6, measured by
-- `npm run bench`). The upload index replaces the narrower (ownerId, status) one, whose queries
-- it serves as well.

-- CreateIndex
CREATE INDEX "File_ownerId_size_idx" ON "File"("ownerId", "size");

-- DropIndex
DROP INDEX "Upload_ownerId_status_idx";

-- CreateIndex
CREATE INDEX "Upload_ownerId_status_size_idx" ON "Upload"("ownerId", "status", "size");
