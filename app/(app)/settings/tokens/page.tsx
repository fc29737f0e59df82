import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import { CreateApiTokenForm } from "@/components/api-tokens-create-form"
import { ApiTokenList, type ApiTokenView } from "@/components/api-tokens-list"
import { listApiTokens } from "@/lib/api-tokens"
import { requirePageUser } from "@/lib/auth"
import { getEnv } from "@/lib/env"
import { apiTokenSchema } from "@/lib/shared/wire/account"

/** A protocol header, the same in every language. */
const AUTH_HEADER_EXAMPLE = "Authorization: Bearer …"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("tokens"))("title") }
}

export default async function ApiTokensPage() {
  const user = await requirePageUser("/settings/tokens")
  const t = await getTranslations("tokens")
  const tokens: ApiTokenView[] = (await listApiTokens(user)).map((token) => apiTokenSchema.encode(token))

  return (
    <div className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="max-w-2xl text-slate-600 dark:text-slate-300">
          {t.rich("intro", {
            header: () => (
              <code dir="ltr" className="rounded bg-slate-100 px-1 py-0.5 font-mono text-sm dark:bg-slate-800">
                {AUTH_HEADER_EXAMPLE}
              </code>
            ),
          })}
        </p>
      </header>
      <CreateApiTokenForm apiOrigin={new URL(getEnv().APP_URL).origin} />
      <section aria-labelledby="active-tokens-heading" className="space-y-3">
        <h2
          id="active-tokens-heading"
          className="text-sm font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-400"
        >
          {t("active")}
        </h2>
        <ApiTokenList tokens={tokens} />
      </section>
    </div>
  )
}
