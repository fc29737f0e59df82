"use client"

import AwsS3, { type AwsS3Part } from "@uppy/aws-s3"
import Uppy, { type UppyFile } from "@uppy/core"
import Dashboard from "@uppy/dashboard"
import GoldenRetriever from "@uppy/golden-retriever"
import { useRouter } from "next/navigation"
import { useTranslations } from "next-intl"
import { useEffect, useRef, type RefObject } from "react"
import "@uppy/core/css/style.min.css"
import "@uppy/dashboard/css/style.min.css"
import "./file-uploader.css"
import { uploadPartBytes } from "@/components/azure-block-upload"
import { pluralize, useUploaderStrings } from "@/components/file-uploader-strings"
import { PartSigner } from "@/components/upload-part-signer"
import { useApiErrorMessage } from "@/components/use-api-error-message"
import { readApiFailure, type ApiFailure } from "@/lib/shared/api-client"
import { errorStatus, isErrorCode, type ApiErrorBody } from "@/lib/shared/error-codes"
import { partLayout } from "@/lib/shared/upload-layout"
import type { BatchCompleteWire, BatchGrantWire, UploadGrantWire } from "@/lib/shared/wire/uploads"
import { MAX_FILES_PER_BATCH } from "@/lib/shared/validations/uploads"

/** What the server told the browser about uploads (from lib/env, rendered into the page). */
export type UploadSettings = { maxFileSize: number; multipartThreshold: number; partSize: number }

/**
 * Where uploads go: the signed-in owner's routes (/api/uploads), or an upload request's
 * (/api/r/<token>/uploads, with the link's password in a header when it has one).
 */
export type UploadTarget = {
  apiBase: string
  headers?: Record<string, string>
  /**
   * A header of `headers` the API may renew (an upload request's session): when an answer carries
   * it, later calls send the new value.
   */
  renewableHeader?: string
  maxNumberOfFiles?: number
  allowedFileTypes?: string[]
  /** Separate saved state per target, so a reload never mixes the owner's and a link's uploads. */
  id: string
  /**
   * The target takes many files per call (`{ files }` grants and POST …/complete): the owner's
   * API does, an upload request's does not.
   */
  batch?: boolean
  /**
   * Re-render the page once files are stored (the owner's list shows them). Off for a sender:
   * the page's limits would change under the dashboard and wipe what it shows as sent.
   */
  refreshWhenStored?: boolean
}

/** Per-file state Uppy keeps (and Golden Retriever restores after a reload). */
type ValetMeta = { valetUploadId?: string; valetSinglePut?: boolean; valetCompleted?: boolean; valetFileId?: string }

/** A file the server has verified and recorded: what "upload and share" shares. */
export type StoredFile = { id: string; name: string }
/** The little of an Uppy file a grant needs. */
type FileFacts = Pick<UppyFile<ValetMeta, Record<string, never>>, "name" | "size" | "type">

/** `storage`: which protocol the keys speak; the grant's headers already carry what a PUT needs. */
type UploadGrant = UploadGrantWire

/** Parallel requests to storage across files and parts (Uppy's `limit`). */
const PARALLEL_REQUESTS = 6
/** A pre-granted single PUT is used while it has this long left; after that it is granted again. */
const GRANT_REUSE_MARGIN_MS = 60_000

/**
 * What the uploader says on a file, in the page's language. Read through a ref when needed, so a
 * language switch reaches a running uploader without re-creating it (and wiping its files).
 */
type UploaderWords = {
  failure: (failure: ApiFailure | "network") => string
  expectedParts: string
  expectedOnePiece: string
  partSizeChanged: string
  noAnswer: string
  verifying: string
}

/** JSON to and from Valet's API; a failure becomes an Error whose message Uppy shows on the file. */
type ApiInit = {
  method: string
  body?: unknown
  signal?: AbortSignal
  headers?: Record<string, string>
  onResponse?: (response: Response) => void
  describe: UploaderWords["failure"]
}

/** One item of a batch answer: its result, or its own error. */
const isItemError = <T extends object>(item: T | ApiErrorBody): item is ApiErrorBody => "error" in item

/** A batch item's own error, read like a failed response (its code names the status it would have had). */
const itemFailure = ({ error }: ApiErrorBody): ApiFailure =>
  isErrorCode(error.code)
    ? { status: errorStatus(error.code), code: error.code, message: error.message, issues: error.issues ?? [] }
    : { status: 0, code: "unexpected_response", message: error.message, issues: [] }

const chunks = <T,>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size))

async function callApi<T>(path: string, init: ApiInit): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method: init.method,
      signal: init.signal,
      headers: { ...init.headers, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    })
  } catch (error) {
    if (init.signal?.aborted) throw error
    throw new Error(init.describe("network"))
  }
  init.onResponse?.(response)
  if (!response.ok) throw new Error(init.describe(await readApiFailure(response)))
  return response.status === 204 ? (undefined as T) : ((await response.json()) as T)
}

const declaredType = (file: FileFacts) => file.type || "application/octet-stream"

function createUppy(
  settings: UploadSettings,
  target: UploadTarget,
  onFileStored: (files: StoredFile[]) => void,
  words: RefObject<UploaderWords>,
) {
  // One object for every call, so a renewed header is sent from the next call on.
  const headers = { ...target.headers }
  const renewHeaders = (response: Response) => {
    const renewed = target.renewableHeader ? response.headers.get(target.renewableHeader) : null
    if (target.renewableHeader && renewed) headers[target.renewableHeader] = renewed
  }
  const api = <T,>(
    path: string,
    init: { method: string; body?: unknown; signal?: AbortSignal; onResponse?: (response: Response) => void },
  ) =>
    callApi<T>(`${target.apiBase}${path}`, {
      ...init,
      headers,
      describe: (failure) => words.current.failure(failure),
      onResponse: (response) => {
        renewHeaders(response)
        init.onResponse?.(response)
      },
    })
  const grantUpload = async (file: FileFacts) =>
    (
      await api<{ upload: UploadGrant }>("", {
        method: "POST",
        body: { name: file.name, size: file.size ?? 0, type: declaredType(file) },
      })
    ).upload

  // Part URLs signed ahead in batches; the server's Date header lets them be dropped in time
  // whatever this browser's clock says.
  const partSigner = new PartSigner(async (uploadId, partNumbers) => {
    let serverDate: number | undefined
    const { parts } = await api<{ parts: { partNumber: number; url: string; expiresAt: string }[] }>(
      `/${uploadId}/parts`,
      {
        method: "POST",
        body: { partNumbers },
        onResponse: (response) => {
          const date = response.headers.get("date")
          serverDate = date ? Date.parse(date) : undefined
        },
      },
    )
    return { parts, serverDate }
  })

  /**
   * Single PUTs granted many per call when a batch starts (the owner's API only): each file still
   * gets its own key and audit row, and a refused one its own error. Kept in memory only, never
   * in the saved state: a URL is a key.
   */
  const pregranted = new Map<string, { upload: UploadGrant; usableUntil: number } | { error: string }>()
  const grantAhead = async (fileIDs: string[]) => {
    const files = fileIDs
      .map((fileID) => uppy.getFile(fileID))
      .filter(
        (file) =>
          file &&
          !file.isRemote &&
          !file.meta.valetCompleted &&
          !file.progress.uploadComplete &&
          (file.size ?? 0) <= settings.multipartThreshold &&
          !pregranted.has(file.id),
      )
    // One file gains nothing from the batch form.
    if (files.length < 2) return
    await Promise.all(
      chunks(files, MAX_FILES_PER_BATCH).map(async (batch) => {
        const requestedAt = Date.now()
        try {
          const { results } = await api<BatchGrantWire>("", {
            method: "POST",
            body: { files: batch.map((file) => ({ name: file.name, size: file.size ?? 0, type: declaredType(file) })) },
          })
          for (const [index, file] of batch.entries()) {
            const result = results[index]
            if (!result) continue
            if (isItemError(result)) {
              pregranted.set(file.id, { error: words.current.failure(itemFailure(result)) })
              continue
            }
            const lifetime = Date.parse(result.upload.expiresAt) - requestedAt
            pregranted.set(file.id, {
              upload: result.upload,
              usableUntil: requestedAt + lifetime - GRANT_REUSE_MARGIN_MS,
            })
            uppy.setFileMeta(file.id, { valetUploadId: result.upload.id, valetSinglePut: true })
          }
        } catch {
          // Each file is then granted on its own, as without batches.
        }
      }),
    )
  }

  const uppy = new Uppy<ValetMeta, Record<string, never>>({
    id: target.id,
    restrictions: {
      maxFileSize: settings.maxFileSize,
      maxNumberOfFiles: target.maxNumberOfFiles ?? null,
      allowedFileTypes: target.allowedFileTypes?.length ? target.allowedFileTypes : null,
    },
    // Only Valet's own meta lives on files; nothing of it is sent to storage.
    meta: {},
  })

  uppy.use(AwsS3, {
    limit: PARALLEL_REQUESTS,
    allowedMetaFields: false,
    // The server decides the same way (MULTIPART_THRESHOLD_BYTES); a disagreement is refused there.
    shouldUseMultipart: (file) => (file.size ?? 0) > settings.multipartThreshold,
    // Each part URL has its exact length signed in, so cut the file the way the server does.
    getChunkSize: (file) => partLayout(file.size, settings.partSize).partSize,
    // Azure's Put Block answers without an ETag; this one reports the block id instead.
    uploadPartBytes,

    async getUploadParameters(file) {
      const ahead = pregranted.get(file.id)
      pregranted.delete(file.id)
      if (ahead && "error" in ahead) throw new Error(ahead.error)
      if (ahead && ahead.usableUntil > Date.now() && !ahead.upload.multipart) {
        return { method: "PUT", url: ahead.upload.url, headers: ahead.upload.headers }
      }
      // A grant that went stale in the queue, or one from before a reload: give it back first.
      if (file.meta.valetUploadId && !file.meta.valetCompleted) {
        void api(`/${file.meta.valetUploadId}`, { method: "DELETE" }).catch(() => undefined)
      }
      const upload = await grantUpload(file)
      if (upload.multipart) throw new Error(words.current.expectedParts)
      uppy.setFileMeta(file.id, { valetUploadId: upload.id, valetSinglePut: true })
      return { method: "PUT", url: upload.url, headers: upload.headers }
    },

    async createMultipartUpload(file) {
      const upload = await grantUpload(file)
      if (!upload.multipart) throw new Error(words.current.expectedOnePiece)
      if (upload.partSize !== partLayout(file.size ?? 0, settings.partSize).partSize) {
        throw new Error(words.current.partSizeChanged)
      }
      uppy.setFileMeta(file.id, { valetUploadId: upload.id })
      // Valet's upload id stands in for both: S3's own id and the object key stay on the server.
      return { uploadId: upload.id, key: upload.id }
    },

    async signPart(file, { uploadId, partNumber }) {
      const { partCount } = partLayout(file.size ?? 0, settings.partSize)
      return { method: "PUT", url: await partSigner.sign(uploadId, partNumber, partCount) }
    },

    async listParts(_file, { uploadId, signal }) {
      const { parts } = await api<{ parts: { partNumber: number; etag: string; size: number }[] }>(
        `/${uploadId}/parts`,
        {
          method: "GET",
          signal,
        },
      )
      return parts.map((part): AwsS3Part => ({ PartNumber: part.partNumber, ETag: part.etag, Size: part.size }))
    },

    async completeMultipartUpload(file, { uploadId, parts, signal }) {
      const completed = await api<{ file?: { id: string } }>(`/${uploadId}/complete`, {
        method: "POST",
        body: { parts: parts.map((part) => ({ partNumber: part.PartNumber, etag: part.ETag })) },
        signal,
      })
      uppy.setFileMeta(file.id, { valetCompleted: true, valetFileId: completed?.file?.id })
      partSigner.forget(uploadId)
      return {}
    },

    async abortMultipartUpload(_file, { uploadId }) {
      if (!uploadId) return
      partSigner.forget(uploadId)
      await api(`/${uploadId}`, { method: "DELETE" })
    },
  })

  if (target.batch) uppy.addPreProcessor(grantAhead)

  // A single PUT is only a file once the server has checked storage holds what it granted.
  // (Multipart uploads are completed by completeMultipartUpload above.) Only files whose bytes
  // are in: after a reload, Golden Retriever replays the pipeline for files still being re-added.
  // Many at once go in batches of completions (the owner's API), each still verified on its own.
  uppy.addPostProcessor(async (fileIDs) => {
    const waiting = fileIDs.flatMap((fileID) => {
      const file = uppy.getFile(fileID)
      return file?.meta.valetSinglePut &&
        file.meta.valetUploadId &&
        !file.meta.valetCompleted &&
        file.progress.uploadComplete
        ? [{ fileID, uploadId: file.meta.valetUploadId }]
        : []
    })
    const fail = (fileID: string, message: string) => {
      uppy.setFileState(fileID, { error: message })
      uppy.emit("upload-error", uppy.getFile(fileID), new Error(message))
    }
    for (const { fileID } of waiting)
      uppy.emit("postprocess-progress", uppy.getFile(fileID), {
        mode: "indeterminate",
        message: words.current.verifying,
      })
    const completeOne = async ({ fileID, uploadId }: { fileID: string; uploadId: string }) => {
      try {
        const completed = await api<{ file?: { id: string } }>(`/${uploadId}/complete`, { method: "POST" })
        uppy.setFileMeta(fileID, { valetCompleted: true, valetFileId: completed?.file?.id })
      } catch (error) {
        fail(fileID, error instanceof Error ? error.message : String(error))
      }
    }
    const completeMany = async (batch: { fileID: string; uploadId: string }[]) => {
      let results: BatchCompleteWire["results"]
      try {
        ;({ results } = await api<{ results: typeof results }>("/complete", {
          method: "POST",
          body: { uploads: batch.map((item) => ({ id: item.uploadId })) },
        }))
      } catch (error) {
        for (const item of batch) fail(item.fileID, error instanceof Error ? error.message : String(error))
        return
      }
      for (const [index, item] of batch.entries()) {
        const result = results[index]
        if (!result) fail(item.fileID, words.current.noAnswer)
        else if (isItemError(result)) fail(item.fileID, words.current.failure(itemFailure(result)))
        else uppy.setFileMeta(item.fileID, { valetCompleted: true, valetFileId: result.file.id })
      }
    }
    await (target.batch && waiting.length > 1
      ? Promise.all(chunks(waiting, MAX_FILES_PER_BATCH).map(completeMany))
      : Promise.all(waiting.map(completeOne)))
    for (const { fileID } of waiting) uppy.emit("postprocess-complete", uppy.getFile(fileID))
  })

  // Cancelling a single PUT leaves a grant on the server; give it back (frees quota at once).
  uppy.on("file-removed", (file) => {
    pregranted.delete(file.id)
    if (file.meta.valetUploadId && !file.meta.valetCompleted && !file.isRemote) {
      void api(`/${file.meta.valetUploadId}`, { method: "DELETE" }).catch(() => undefined)
    }
  })
  uppy.on("complete", (result) => {
    const stored = (result.successful ?? []).flatMap((file) => {
      const id = uppy.getFile(file.id)?.meta.valetFileId
      return id ? [{ id, name: file.name ?? "file" }] : []
    })
    if ((result.successful ?? []).length > 0) onFileStored(stored)
  })

  // Keeps files and multipart upload ids across a reload, so a big upload resumes where it was.
  uppy.use(GoldenRetriever)
  return uppy
}

/** The note under the drop zone and Uppy's strings, in the page's language. */
function dashboardText({ note, strings }: ReturnType<typeof useUploaderStrings>, override?: string) {
  return { note: override ?? note, locale: { strings, pluralize } }
}

const OWNER_TARGET: UploadTarget = {
  apiBase: "/api/uploads",
  id: "valet-uploader",
  refreshWhenStored: true,
  batch: true,
}

/** The Uppy dashboard: drag and drop, progress per file and in total, pause/resume, retry, cancel. */
export function FileUploader({
  settings,
  target = OWNER_TARGET,
  note,
  onStored,
}: {
  settings: UploadSettings
  target?: UploadTarget
  note?: string
  /** Called with the files of a finished batch ("upload and share" offers one link for them). */
  onStored?: (files: StoredFile[]) => void
}) {
  const element = useRef<HTMLDivElement>(null)
  // Stable for the page's lifetime in the App Router, so it does not re-create Uppy.
  const router = useRouter()
  const { maxFileSize, multipartThreshold, partSize } = settings
  // The target as a string: an equal but new object on a re-render must not re-create Uppy.
  const targetKey = JSON.stringify(target)
  // A ref, so a new callback on a re-render does not re-create Uppy.
  const storedCallback = useRef(onStored)
  useEffect(() => {
    storedCallback.current = onStored
  }, [onStored])
  const strings = useUploaderStrings(maxFileSize)
  const stringsKey = JSON.stringify(strings)
  const t = useTranslations("uploader.problems")
  const failure = useApiErrorMessage()
  const currentWords = (): UploaderWords => ({
    failure,
    expectedParts: t("expectedParts"),
    expectedOnePiece: t("expectedOnePiece"),
    partSizeChanged: t("partSizeChanged"),
    noAnswer: t("noAnswer"),
    verifying: t("verifying"),
  })
  const words = useRef<UploaderWords>(currentWords())
  useEffect(() => {
    words.current = currentWords()
  })

  // Keyed on values, not objects: refreshing the file list re-renders the page with equal but
  // new props, and re-creating Uppy then would wipe the finished uploads.
  useEffect(() => {
    if (!element.current) return
    const uploadTarget = JSON.parse(targetKey) as UploadTarget
    const uppy = createUppy(
      { maxFileSize, multipartThreshold, partSize },
      uploadTarget,
      (stored) => {
        if (uploadTarget.refreshWhenStored) router.refresh()
        storedCallback.current?.(stored)
      },
      words,
    )
    uppy.use(Dashboard, {
      inline: true,
      target: element.current,
      width: "100%",
      // The height file-uploader.css starts from; it grows while dragging or with files listed.
      height: 216,
      theme: "auto",
      proudlyDisplayPoweredByUppy: false,
      ...dashboardText(JSON.parse(stringsKey) as ReturnType<typeof useUploaderStrings>, note),
    })
    return () => uppy.destroy()
  }, [maxFileSize, multipartThreshold, partSize, targetKey, note, router, stringsKey])

  return <div ref={element} className="valet-uploader overflow-hidden rounded-xl" />
}
