-- AlterTable
ALTER TABLE "File" ADD COLUMN     "etag" TEXT;
