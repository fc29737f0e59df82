import { getDb } from "@/lib/db"
import type { Prisma } from "@/lib/generated/prisma/client"

/** Who caused an audit event and how they proved it. */
export type AuditActor = { id: string | null; via: "session" | "token" | "share" | "upload-request" | "system" }

/** A valet key that was handed out: everything about it except the URL itself (DESIGN §3.9). */
export type MintedKey = {
  action: string
  method: "GET" | "PUT" | "POST" | "DELETE"
  objectKey: string
  expiresAt: Date
  uploadId?: string
  fileId?: string
  details?: Prisma.InputJsonValue
}

type Db = Pick<Prisma.TransactionClient, "auditEvent">

/** One audit row per minted key. */
export async function recordMintedKeys(actor: AuditActor, keys: MintedKey[], db: Db = getDb()): Promise<void> {
  if (keys.length === 0) return
  await db.auditEvent.createMany({
    data: keys.map((key) => ({ ...key, actorId: actor.id, via: actor.via })),
  })
}

/** An action that changed something (a revoked share, a deleted file), as opposed to a minted key. */
export type AuditAction = { action: string; objectKey?: string; fileId?: string; details?: Prisma.InputJsonValue }

/** One audit row for an action: who did what to which object. */
export async function recordAction(actor: AuditActor, action: AuditAction, db: Db = getDb()): Promise<void> {
  await db.auditEvent.create({ data: { ...action, actorId: actor.id, via: actor.via } })
}

/**
 * A sign-in attempt with a password: who it was for and whether it worked. A failed one has no
 * actor (the email may name nobody); the email is kept so an admin can see who is being tried.
 */
export async function recordSignIn(email: string, accountId: string | null): Promise<void> {
  await recordAction(
    { id: accountId, via: "session" },
    {
      action: accountId ? "auth.sign_in" : "auth.sign_in_failed",
      details: { email: email.toLowerCase(), method: "password" },
    },
  )
}

/** An administrator's change to someone else's account or data ("admin.user.update", …). */
export async function recordAdminAction(
  admin: { id: string; via: "session" | "token" },
  action: AuditAction,
  db: Db = getDb(),
): Promise<void> {
  await recordAction({ id: admin.id, via: admin.via }, action, db)
}
