import { createHash } from "node:crypto"
import { getDb } from "@/lib/db"
import { headObject, listObjects, readObject, type ListedObject } from "@/lib/storage"

/**
 * What reconcile can find. "Bytes intact" can only mean what the database lets us check: every
 * file's size; the object's ETag against the one recorded at completion (a different one means
 * the object was replaced since); and, where the uploader declared one, the SHA-256 of the content
 * (signed into a single PUT so storage checks it; recorded as declared for multipart uploads).
 * Files without a recorded digest are not hashed: no digest is invented here.
 */
export type ReconcileProblem =
  | { kind: "orphan-object"; key: string; size: number; lastModified: string | null; reason: string }
  | { kind: "missing-object"; key: string; fileId: string; uploadId: string }
  | { kind: "size-mismatch"; key: string; fileId: string; expected: number; actual: number }
  | { kind: "etag-mismatch"; key: string; fileId: string; expected: string; actual: string }
  | { kind: "hash-mismatch"; key: string; fileId: string; expected: string; actual: string }

export type ReconcileReport = {
  clean: boolean
  startedAt: string
  /** Objects in the bucket. */
  objects: number
  /** File rows compared with the bucket. */
  files: number
  /** Objects of uploads still inside their window: not orphans, not checked. */
  inFlight: number
  /** With verifyHashes: files whose bytes were read and hashed, and files with no digest to compare. */
  hashed: number
  withoutDigest: number
  problems: ReconcileProblem[]
}

type FileRow = {
  id: string
  uploadId: string
  objectKey: string
  size: bigint
  sha256: string | null
  etag: string | null
  createdAt: Date
}

const HASH_CONCURRENCY = 4
const unquoted = (etag: string) => etag.replace(/^W\//, "").replaceAll('"', "")
const KEYS_PER_QUERY = 1000

async function listBucket(): Promise<Map<string, ListedObject>> {
  const objects = new Map<string, ListedObject>()
  for await (const page of listObjects()) for (const object of page) objects.set(object.key, object)
  return objects
}

/** Base64 SHA-256 of an object's bytes (the form uploads declare), or null if it vanished. */
async function hashObject(key: string): Promise<string | null> {
  const stream = await readObject(key)
  if (!stream) return null
  const hash = createHash("sha256")
  const reader = stream.getReader()
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) hash.update(chunk.value)
  return hash.digest("base64")
}

/** Why an object no File records is there, or null when it belongs to an upload still in flight. */
async function classifyUnrecorded(
  objects: ListedObject[],
  now: Date,
): Promise<{ orphans: ReconcileProblem[]; inFlight: number }> {
  const orphans: ReconcileProblem[] = []
  let inFlight = 0
  for (let start = 0; start < objects.length; start += KEYS_PER_QUERY) {
    const chunk = objects.slice(start, start + KEYS_PER_QUERY)
    const uploads = await getDb().upload.findMany({
      where: { objectKey: { in: chunk.map((object) => object.key) } },
      // The file too: a completion that committed after the file list was read is not an orphan.
      select: { objectKey: true, status: true, expiresAt: true, file: { select: { id: true } } },
    })
    const byKey = new Map(uploads.map((upload) => [upload.objectKey, upload]))
    for (const object of chunk) {
      const upload = byKey.get(object.key)
      if (upload?.file) continue
      if (upload?.status === "PENDING" && upload.expiresAt > now) {
        inFlight++
        continue
      }
      const reason = !upload
        ? "no upload or file records it"
        : upload.status === "PENDING"
          ? "its upload expired and awaits the reaper (npm run reap)"
          : upload.status === "COMPLETED"
            ? "its file was deleted"
            : `its upload was ${upload.status.toLowerCase()}`
      orphans.push({
        kind: "orphan-object",
        key: object.key,
        size: object.size,
        lastModified: object.lastModified?.toISOString() ?? null,
        reason,
      })
    }
  }
  return { orphans, inFlight }
}

/**
 * Compares the bucket with the database: objects no row records (orphans; objects of uploads
 * still inside their window are skipped), files whose object is missing or has another size, and
 * with `verifyHashes` every file's bytes against its recorded SHA-256.
 *
 * The bucket is listed before the database is read: an object can only exist after its upload
 * row was committed (the key is minted with the row), so no live object looks like an orphan;
 * files recorded after the listing began are left for the next run.
 */
export async function reconcile(options: { verifyHashes?: boolean } = {}): Promise<ReconcileReport> {
  const startedAt = new Date()
  const objects = await listBucket()
  const files: FileRow[] = await getDb().file.findMany({
    select: { id: true, uploadId: true, objectKey: true, size: true, sha256: true, etag: true, createdAt: true },
  })
  const fileKeys = new Set(files.map((file) => file.objectKey))
  const { orphans, inFlight } = await classifyUnrecorded(
    [...objects.values()].filter((object) => !fileKeys.has(object.key)),
    startedAt,
  )

  const problems: ReconcileProblem[] = [...orphans]
  const toHash: FileRow[] = []
  const checked = files.filter((file) => file.createdAt < startedAt)
  for (const file of checked) {
    // A listing can lag behind storage; ask for the object itself before calling it missing.
    const stored = objects.get(file.objectKey) ?? (await headObject(file.objectKey))
    if (!stored) {
      problems.push({ kind: "missing-object", key: file.objectKey, fileId: file.id, uploadId: file.uploadId })
    } else if (stored.size !== Number(file.size)) {
      problems.push({
        kind: "size-mismatch",
        key: file.objectKey,
        fileId: file.id,
        expected: Number(file.size),
        actual: stored.size,
      })
    } else if (file.etag && stored.etag && unquoted(stored.etag) !== unquoted(file.etag)) {
      problems.push({
        kind: "etag-mismatch",
        key: file.objectKey,
        fileId: file.id,
        expected: unquoted(file.etag),
        actual: unquoted(stored.etag),
      })
    }
    if (stored && stored.size === Number(file.size) && file.sha256) toHash.push(file)
  }

  let hashed = 0
  if (options.verifyHashes) {
    const queue = [...toHash]
    const worker = async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const actual = await hashObject(file.objectKey)
        hashed++
        if (actual === null)
          problems.push({ kind: "missing-object", key: file.objectKey, fileId: file.id, uploadId: file.uploadId })
        else if (actual !== file.sha256) {
          problems.push({
            kind: "hash-mismatch",
            key: file.objectKey,
            fileId: file.id,
            expected: file.sha256 ?? "",
            actual,
          })
        }
      }
    }
    await Promise.all(Array.from({ length: HASH_CONCURRENCY }, worker))
  }

  return {
    clean: problems.length === 0,
    startedAt: startedAt.toISOString(),
    objects: objects.size,
    files: checked.length,
    inFlight,
    hashed,
    withoutDigest: options.verifyHashes ? checked.filter((file) => !file.sha256).length : 0,
    problems,
  }
}
