import { accountPolicyFromEnv, registerUser, type AccountUser } from "@/lib/accounts"
import type { AuthUser } from "@/lib/auth"
import { recordAdminAction } from "@/lib/audit"
import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import { ApiError, notFound } from "@/lib/errors"
import { activeShareWhere } from "@/lib/share-state"
import type { RegisterInput } from "@/lib/shared/validations/auth"
import type { AdminUpdateUserInput } from "@/lib/shared/validations/admin"
import { isResourceId } from "@/lib/shared/validations/text"
import { contains, cursorArgs, pageOf, type Page } from "@/lib/admin/paging"
import type { AdminUserRow } from "@/lib/shared/wire/admin"

export type { AdminUserRow }

/** Every account, oldest first (the first admin on top), with what it stores and shares. */
export async function listUsers(
  page: Page & { q?: string },
): Promise<{ users: AdminUserRow[]; nextCursor: string | null }> {
  const db = getDb()
  const now = new Date()
  const rows = await db.user.findMany({
    where: page.q ? { OR: [{ email: contains(page.q) }, { name: contains(page.q) }] } : {},
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    ...cursorArgs(page),
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      disabledAt: true,
      createdAt: true,
      quotaBytes: true,
      totpEnabledAt: true,
      _count: { select: { files: true, shares: { where: activeShareWhere(now) } } },
    },
  })
  const { rows: shown, nextCursor } = pageOf(rows, page.limit)
  const usage = await db.file.groupBy({
    by: ["ownerId"],
    where: { ownerId: { in: shown.map((user) => user.id) } },
    _sum: { size: true },
  })
  const usedBy = new Map(usage.map((entry) => [entry.ownerId, Number(entry._sum.size ?? 0n)]))
  const defaultQuota = getEnv().USER_QUOTA_BYTES
  return {
    users: shown.map((user) => ({
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      disabled: user.disabledAt !== null,
      createdAt: user.createdAt,
      files: user._count.files,
      usedBytes: usedBy.get(user.id) ?? 0,
      quotaBytes: user.quotaBytes === null ? defaultQuota : Number(user.quotaBytes),
      hasCustomQuota: user.quotaBytes !== null,
      activeShares: user._count.shares,
      twoFactorEnabled: user.totpEnabledAt !== null,
    })),
    nextCursor,
  }
}

// pg_advisory_xact_lock key for "who are the admins": two admins demoting each other at the same
// moment must not both see the other one still active and leave nobody in charge.
const ADMIN_SET_LOCK = 72707371

/**
 * Changes an account. Disabling revokes every share and API token of the user in the same
 * transaction; their sessions stop at their next request because requireUser re-reads the
 * account. The last active admin can be neither demoted nor disabled (409).
 */
export async function updateUser(admin: AuthUser, userId: string, input: AdminUpdateUserInput): Promise<void> {
  if (!isResourceId(userId)) throw notFound("User")
  const db = getDb()
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_SET_LOCK})`
    const user = await tx.user.findUnique({
      where: { id: userId },
      select: { id: true, email: true, role: true, disabledAt: true },
    })
    if (!user) throw notFound("User")

    const losesAdmin =
      user.role === "ADMIN" && user.disabledAt === null && (input.role === "USER" || input.disabled === true)
    if (losesAdmin) {
      const otherAdmins = await tx.user.count({ where: { role: "ADMIN", disabledAt: null, id: { not: user.id } } })
      if (otherAdmins === 0) {
        throw new ApiError("last_admin", "This is the last active administrator; promote someone else first")
      }
    }

    const now = new Date()
    const disabling = input.disabled === true && user.disabledAt === null
    await tx.user.update({
      where: { id: user.id },
      data: {
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.quotaBytes !== undefined
          ? { quotaBytes: input.quotaBytes === null ? null : BigInt(input.quotaBytes) }
          : {}),
        ...(input.disabled === true && user.disabledAt === null ? { disabledAt: now } : {}),
        ...(input.disabled === false ? { disabledAt: null } : {}),
      },
    })
    let revokedShares = 0
    let revokedTokens = 0
    if (disabling) {
      // Re-enabling later does not bring these back: links and tokens were handed to others,
      // and the owner should mint new ones knowingly.
      revokedShares = (
        await tx.share.updateMany({
          where: { ownerId: user.id, revokedAt: null },
          data: { revokedAt: now, revokedById: admin.id },
        })
      ).count
      revokedTokens = (
        await tx.apiToken.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: now } })
      ).count
    }
    await recordAdminAction(
      admin,
      {
        action: "admin.user.update",
        details: {
          userId: user.id,
          email: user.email,
          changes: { ...input },
          ...(disabling ? { revokedShares, revokedTokens } : {}),
        },
      },
      tx,
    )
  })
}

/** Creates an account on an admin's behalf, also while self-registration is closed. */
export async function createUser(admin: AuthUser, input: RegisterInput): Promise<AccountUser> {
  const user = await registerUser(input, accountPolicyFromEnv(), { allowWhenClosed: true })
  await recordAdminAction(admin, {
    action: "admin.user.create",
    details: { userId: user.id, email: user.email, role: user.role },
  })
  return user
}
