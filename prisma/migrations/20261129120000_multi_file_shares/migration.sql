-- A link holds 1..500 files (ShareFile), has a title and a message, and keeps an access log.

-- AlterTable
ALTER TABLE "Share" ADD COLUMN "title" TEXT, ADD COLUMN "message" TEXT, ADD COLUMN "tokenSealed" TEXT;

-- CreateTable
CREATE TABLE "ShareFile" (
    "shareId" TEXT NOT NULL,
    "fileId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "ShareFile_pkey" PRIMARY KEY ("shareId","fileId")
);

-- CreateIndex
CREATE INDEX "ShareFile_fileId_idx" ON "ShareFile"("fileId");

-- AddForeignKey
ALTER TABLE "ShareFile" ADD CONSTRAINT "ShareFile_shareId_fkey" FOREIGN KEY ("shareId") REFERENCES "Share"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShareFile" ADD CONSTRAINT "ShareFile_fileId_fkey" FOREIGN KEY ("fileId") REFERENCES "File"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every existing one-file link becomes a link holding that one file.
INSERT INTO "ShareFile" ("shareId", "fileId", "position") SELECT "id", "fileId", 0 FROM "Share" WHERE "fileId" IS NOT NULL;

-- A link whose file was deleted read as revoked through its null fileId; deleteFile always set
-- revokedAt too, but a row from before that must not come back to life without its column.
UPDATE "Share" SET "revokedAt" = COALESCE("revokedAt", "createdAt") WHERE "fileId" IS NULL;

-- DropForeignKey
ALTER TABLE "Share" DROP CONSTRAINT "Share_fileId_fkey";

-- DropIndex
DROP INDEX "Share_fileId_idx";

-- AlterTable
ALTER TABLE "Share" DROP COLUMN "fileId";

-- CreateEnum
CREATE TYPE "ShareEventKind" AS ENUM ('view', 'preview', 'download', 'download_all');

-- CreateTable
CREATE TABLE "ShareEvent" (
    "id" TEXT NOT NULL,
    "shareId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" "ShareEventKind" NOT NULL,
    "fileId" TEXT,
    "ip" TEXT NOT NULL,
    "userAgent" TEXT,

    CONSTRAINT "ShareEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ShareEvent_shareId_at_idx" ON "ShareEvent"("shareId", "at");

-- AddForeignKey
ALTER TABLE "ShareEvent" ADD CONSTRAINT "ShareEvent_shareId_fkey" FOREIGN KEY ("shareId") REFERENCES "Share"("id") ON DELETE CASCADE ON UPDATE CASCADE;
