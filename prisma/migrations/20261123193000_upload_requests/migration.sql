-- AlterTable
ALTER TABLE "Upload" ADD COLUMN     "uploadRequestId" TEXT;

-- CreateTable
CREATE TABLE "UploadRequest" (
    "id" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "message" TEXT,
    "tokenHash" TEXT NOT NULL,
    "passwordHash" TEXT,
    "expiresAt" TIMESTAMP(3),
    "maxFiles" INTEGER NOT NULL,
    "maxFileSize" BIGINT NOT NULL,
    "maxTotalSize" BIGINT NOT NULL,
    "allowedTypes" TEXT[],
    "closedAt" TIMESTAMP(3),
    "closedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UploadRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "UploadRequest_tokenHash_key" ON "UploadRequest"("tokenHash");

-- CreateIndex
CREATE INDEX "UploadRequest_ownerId_createdAt_idx" ON "UploadRequest"("ownerId", "createdAt");

-- CreateIndex
CREATE INDEX "Upload_uploadRequestId_status_idx" ON "Upload"("uploadRequestId", "status");

-- AddForeignKey
ALTER TABLE "Upload" ADD CONSTRAINT "Upload_uploadRequestId_fkey" FOREIGN KEY ("uploadRequestId") REFERENCES "UploadRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UploadRequest" ADD CONSTRAINT "UploadRequest_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
