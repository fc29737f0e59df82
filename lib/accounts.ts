import { getDb } from "@/lib/db"
import { ApiError, prismaErrorCode } from "@/lib/errors"
import { getEnv } from "@/lib/env"
import type { Prisma, Role } from "@/lib/generated/prisma/client"
import { isSessionCurrent } from "@/lib/accounts/sessions"
import { hashPassword, passwordNeedsRehash, verifyPassword } from "@/lib/passwords"
import type { RegisterInput, SignInInput } from "@/lib/shared/validations/auth"

/** What the rest of the app knows about a signed-in person. */
export type AccountUser = { id: string; email: string; name: string | null; role: Role }

export type AccountPolicy = { registration: "open" | "closed"; adminEmails: string[] }

export const accountPolicyFromEnv = (): AccountPolicy => {
  const env = getEnv()
  return { registration: env.REGISTRATION, adminEmails: env.ADMIN_EMAILS }
}

const ACCOUNT_SELECT = { id: true, email: true, name: true, role: true } as const

// pg_advisory_xact_lock key for "who is the first account": serialises concurrent sign-ups so
// exactly one of them can see an empty table.
const FIRST_ACCOUNT_LOCK = 72707370

/** Thrown out of next-auth's authorize(); the sign-in form maps the code to a message. */
export class SignInRefused extends Error {
  override name = "SignInRefused"
}

/**
 * Creates an account. The first account ever created, and any listed in ADMIN_EMAILS, is an admin.
 * `allowWhenClosed` is for admins creating users while self-registration is off.
 */
export async function registerUser(
  input: RegisterInput,
  policy: AccountPolicy = accountPolicyFromEnv(),
  /** `locale`: the language the person signed up in, so the verification mail already speaks it. */
  options: { allowWhenClosed?: boolean; locale?: string } = {},
): Promise<AccountUser> {
  if (policy.registration === "closed" && !options.allowWhenClosed) {
    throw new ApiError(
      "registration_closed",
      "Registration is closed on this server; ask an administrator for an account",
    )
  }
  // Hash before taking the lock: it takes ~100 ms.
  const passwordHash = await hashPassword(input.password)
  try {
    return await createAccount(
      { email: input.email, name: input.name ?? null, passwordHash, locale: options.locale ?? null },
      policy,
    )
  } catch (error) {
    if (prismaErrorCode(error) === "P2002") {
      throw new ApiError("email_taken", "An account with this email already exists; sign in instead")
    }
    throw error
  }
}

/**
 * Inserts an account; the first one ever is an admin, and so is one named in ADMIN_EMAILS whose
 * address is already proven (an OIDC email_verified claim). A self-registered address only counts
 * once its owner follows the verification mail (lib/accounts/verification.ts).
 */
function createAccount(
  data: {
    email: string
    name: string | null
    passwordHash: string | null
    emailVerifiedAt?: Date | null
    locale?: string | null
  },
  policy: AccountPolicy,
) {
  return getDb().$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${FIRST_ACCOUNT_LOCK})`
    const isFirstAccount = (await tx.user.count()) === 0
    const isListedAdmin = Boolean(data.emailVerifiedAt) && policy.adminEmails.includes(data.email)
    const role: Role = isFirstAccount || isListedAdmin ? "ADMIN" : "USER"
    return tx.user.create({ data: { ...data, role }, select: ACCOUNT_SELECT })
  })
}

/**
 * The credentials check behind sign-in: the account for a correct email and password, or null.
 * A correct password on a disabled account is refused with a reason; a wrong one never says more
 * than "wrong".
 */
export async function verifyCredentials(input: Pick<SignInInput, "email" | "password">): Promise<AccountUser | null> {
  const db = getDb()
  const account = await db.user.findUnique({
    where: { email: input.email },
    select: { ...ACCOUNT_SELECT, passwordHash: true, disabledAt: true },
  })
  if (!(await verifyPassword(account?.passwordHash, input.password)) || !account?.passwordHash) return null
  if (account.disabledAt) throw new SignInRefused("AccountDisabled")

  // ADMIN_EMAILS is applied when an address is proven (lib/accounts/verification.ts), never here:
  // a password proves nothing about the address, and an admin's demotion must stick.
  if (passwordNeedsRehash(account.passwordHash)) {
    await db.user.update({ where: { id: account.id }, data: { passwordHash: await hashPassword(input.password) } })
  }
  return { id: account.id, email: account.email, name: account.name, role: account.role }
}

/**
 * Maps a verified OIDC identity to an account: an existing account with that email, or a new
 * one while registration is open. Returns null when the person may not sign in.
 */
export async function accountForOidcIdentity(
  identity: { email: string; emailVerified: boolean; name?: string | null },
  policy: AccountPolicy = accountPolicyFromEnv(),
): Promise<AccountUser | null> {
  // An unverified email claim would let anyone who can edit their IdP profile take over the
  // Valet account with that address.
  if (!identity.emailVerified) return null
  const email = identity.email.trim().toLowerCase()
  const db = getDb()
  const existing = await db.user.findUnique({ where: { email }, select: { ...ACCOUNT_SELECT, disabledAt: true } })
  if (existing) {
    if (existing.disabledAt) return null
    // The provider vouches for the address: it counts as verified (once, see markEmailVerified).
    const role = (await markEmailVerified(db, { id: existing.id, email: existing.email }, policy)) ?? existing.role
    return { id: existing.id, email: existing.email, name: existing.name, role }
  }
  if (policy.registration === "closed" && !policy.adminEmails.includes(email)) return null
  try {
    return await createAccount(
      { email, name: identity.name?.trim() || null, passwordHash: null, emailVerifiedAt: new Date() },
      policy,
    )
  } catch (error) {
    // Two first sign-ins of the same person raced; the other one created the account.
    if (prismaErrorCode(error) === "P2002") return db.user.findUnique({ where: { email }, select: ACCOUNT_SELECT })
    throw error
  }
}

/**
 * The account behind a session or token, if it may still act. One primary-key read per request:
 * this is what makes disabling an account take effect immediately, which a JWT alone cannot.
 */
export async function findActiveAccount(
  userId: string,
  session?: { signedInAt: Date | null },
): Promise<AccountUser | null> {
  const account = await getDb().user.findUnique({
    where: { id: userId },
    select: { ...ACCOUNT_SELECT, disabledAt: true, sessionsValidAfter: true },
  })
  if (!account || account.disabledAt) return null
  // A session from before sign-out, "sign out everywhere" or a password change is over.
  if (session && !isSessionCurrent(session.signedInAt, account.sessionsValidAfter)) return null
  return { id: account.id, email: account.email, name: account.name, role: account.role }
}

/**
 * Records that the account's current address is proven. The first time only, an address listed in
 * ADMIN_EMAILS makes the account an admin; later proofs change nothing, so a demotion sticks.
 * Returns the new role when it changed.
 */
export async function markEmailVerified(
  db: Pick<Prisma.TransactionClient, "user">,
  account: { id: string; email: string },
  policy: AccountPolicy = accountPolicyFromEnv(),
): Promise<Role | undefined> {
  const { count } = await db.user.updateMany({
    where: { id: account.id, email: account.email, emailVerifiedAt: null },
    data: { emailVerifiedAt: new Date() },
  })
  if (count !== 1 || !policy.adminEmails.includes(account.email)) return undefined
  await db.user.update({ where: { id: account.id }, data: { role: "ADMIN" } })
  return "ADMIN"
}
