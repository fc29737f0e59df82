import type { Metadata } from "next"
import { CreateApiTokenForm } from "@/components/api-tokens-create-form"
import { ApiTokenList, type ApiTokenView } from "@/components/api-tokens-list"
import { listApiTokens } from "@/lib/api-tokens"
import { requirePageUser } from "@/lib/auth"
import { getEnv } from "@/lib/env"
import { apiTokenSchema } from "@/lib/shared/wire/account"

export const metadata: Metadata = { title: "API tokens" }

export default async function ApiTokensPage() {
  const user = await requirePageUser("/settings/tokens")
  const tokens: ApiTokenView[] = (await listApiTokens(user)).map((token) => apiTokenSchema.encode(token))

  return (
    <div className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold tracking-tight">API tokens</h1>
        <p className="max-w-2xl text-slate-600 dark:text-slate-300">
          Personal tokens let scripts and CI call Valet&apos;s API as you: send one as{" "}
          <code className="rounded bg-slate-100 px-1 py-0.5 font-mono text-sm dark:bg-slate-800">
            Authorization: Bearer …
          </code>
          . Each can do everything your account can, so keep them secret and revoke the ones you no longer use.
        </p>
      </header>
      <CreateApiTokenForm apiOrigin={new URL(getEnv().APP_URL).origin} />
      <section aria-labelledby="active-tokens-heading" className="space-y-3">
        <h2 id="active-tokens-heading" className="text-sm font-semibold uppercase tracking-wide text-slate-500">
          Active tokens
        </h2>
        <ApiTokenList tokens={tokens} />
      </section>
    </div>
  )
}
