import { getEnv } from "@/lib/env"
import { postSignInPath } from "@/lib/shared/redirects"

export type AuthSearchParams = Promise<Record<string, string | string[] | undefined>>

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)

/** The sanitised callback and the links between the auth pages that carry it along. */
export async function readAuthParams(searchParams: AuthSearchParams) {
  const params = await searchParams
  const callbackPath = postSignInPath(first(params.callbackUrl), new URL(getEnv().APP_URL).origin)
  const withCallback = (page: string) =>
    callbackPath === "/" ? page : `${page}?${new URLSearchParams({ callbackUrl: callbackPath })}`
  return {
    callbackPath,
    error: first(params.error),
    signInHref: withCallback("/sign-in"),
    signUpHref: withCallback("/sign-up"),
  }
}
