import type { Metadata } from "next"
import { getTranslations } from "next-intl/server"
import { ApiReference } from "@/components/api-docs"
import { getEnv } from "@/lib/env"
import { openApiDocument } from "@/lib/shared/wire/openapi"
import packageJson from "@/package.json"

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("apiDocs"))("title") }
}

// GET /docs/api — the reference, from the same generated document GET /api/openapi.json serves
export default async function ApiDocsPage() {
  const t = await getTranslations("apiDocs")
  const document = openApiDocument({ serverUrl: getEnv().APP_URL, version: packageJson.version })
  return (
    <div className="space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-semibold tracking-tight">{t("title")}</h1>
        <p className="max-w-2xl text-slate-600 dark:text-slate-300">
          {t.rich("intro", {
            link: (chunks) => (
              <a href="/api/openapi.json" dir="ltr" className="font-mono underline">
                {chunks}
              </a>
            ),
          })}
        </p>
      </header>
      <ApiReference document={document} />
    </div>
  )
}
