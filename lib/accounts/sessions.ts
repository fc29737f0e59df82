import { encode } from "next-auth/jwt"
import { getDb } from "@/lib/db"
import { getEnv } from "@/lib/env"
import type { Prisma } from "@/lib/generated/prisma/client"

type Db = Pick<Prisma.TransactionClient, "user">

/**
 * Ends every session of a user: sessions are JWTs with no server record, so the user row keeps a
 * "valid after" mark that requireUser compares with the session's sign-in time on every request.
 * Returns the mark, so a caller can hand the current browser a session issued after it.
 */
export async function endAllSessions(userId: string, db: Db = getDb()): Promise<Date> {
  const mark = new Date()
  await db.user.update({ where: { id: userId }, data: { sessionsValidAfter: mark } })
  return mark
}

/** Whether a session signed in at `signedInAt` is still honoured given the user's mark. */
export const isSessionCurrent = (signedInAt: Date | null, validAfter: Date | null): boolean =>
  validAfter === null || (signedInAt !== null && signedInAt.getTime() > validAfter.getTime())

/** next-auth names the cookie after the URL scheme. */
export const sessionCookieName = (): string =>
  getEnv().APP_URL.startsWith("https://") ? "__Secure-next-auth.session-token" : "next-auth.session-token"

/**
 * A Set-Cookie header with a new session for this user, signed in now (after any mark just set):
 * a password change ends the other sessions and keeps this browser signed in.
 */
export async function freshSessionCookie(userId: string, maxAgeSeconds: number): Promise<string> {
  const env = getEnv()
  const value = await encode({
    token: { sub: userId, authAt: Date.now() + 1 },
    secret: env.AUTH_SECRET,
    maxAge: maxAgeSeconds,
  })
  const secure = env.APP_URL.startsWith("https://") ? "; Secure" : ""
  return `${sessionCookieName()}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`
}
