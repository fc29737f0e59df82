import { describe, expect, it } from "vitest"
import { parseServerEnv } from "@/lib/env"
import {
  buildContentSecurityPolicy,
  buildPageSecurityHeaders,
  createNonce,
  storageOrigins,
} from "@/lib/security-headers"

const BASE = { DATABASE_URL: "postgres://valet@localhost/valet", AUTH_SECRET: "x".repeat(32) }
const envWith = (vars: Record<string, string>) => parseServerEnv({ ...BASE, ...vars })

/** The CSP as a map of directive → its sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((part) => {
      const [name = "", ...sources] = part.trim().split(/\s+/)
      return [name, sources] as const
    }),
  )
}

describe("page security headers", () => {
  it("send HSTS only in production behind https", () => {
    const cases = [
      { NODE_ENV: "production", APP_URL: "https://files.example.com", hsts: true },
      { NODE_ENV: "production", APP_URL: "http://localhost:3000", hsts: false },
      { NODE_ENV: "development", APP_URL: "https://files.example.com", hsts: false },
      { NODE_ENV: "development", APP_URL: "http://localhost:3000", hsts: false },
      { NODE_ENV: "test", APP_URL: "https://files.example.com", hsts: false },
    ]
    for (const { hsts, ...vars } of cases) {
      const headers = buildPageSecurityHeaders(envWith(vars), createNonce())
      expect(headers["Strict-Transport-Security"], JSON.stringify(vars)).toBe(
        hsts ? "max-age=63072000; includeSubDomains" : undefined,
      )
      expect(headers["Content-Security-Policy"]?.includes("upgrade-insecure-requests"), JSON.stringify(vars)).toBe(hsts)
    }
  })

  it("let the browser reach the public storage endpoint, not the private one", () => {
    const env = envWith({
      NODE_ENV: "production",
      S3_ENDPOINT: "http://minio.internal:9000",
      S3_PUBLIC_ENDPOINT: "https://files-s3.example.com/",
    })
    const policy = directives(buildContentSecurityPolicy(env, "bm9uY2U="))
    expect(policy.get("connect-src")).toEqual(["'self'", "https://files-s3.example.com"])
    expect(policy.get("form-action")).toEqual(["'self'", "https://files-s3.example.com"])
    expect(policy.get("connect-src")?.join(" ")).not.toContain("minio.internal")
  })

  it("use S3_ENDPOINT when there is no public endpoint, with its port", () => {
    const env = envWith({ S3_ENDPOINT: "http://127.0.0.1:4569" })
    expect(directives(buildContentSecurityPolicy(env, "n")).get("connect-src")).toEqual([
      "'self'",
      "http://127.0.0.1:4569",
    ])
  })

  it("allow the virtual-hosted origin too when the presigner may use it", () => {
    // Origins the AWS SDK presigns for (checked against @aws-sdk/s3-request-presigner).
    expect(
      storageOrigins(envWith({ S3_FORCE_PATH_STYLE: "false", S3_BUCKET: "mybucket", S3_REGION: "eu-west-1" })),
    ).toEqual(["https://s3.eu-west-1.amazonaws.com", "https://mybucket.s3.eu-west-1.amazonaws.com"])
    expect(storageOrigins(envWith({ S3_FORCE_PATH_STYLE: "true", S3_BUCKET: "mybucket" }))).toEqual([
      "https://s3.us-east-1.amazonaws.com",
    ])
    // IP hosts and dotted bucket names are always addressed path-style.
    expect(storageOrigins(envWith({ S3_FORCE_PATH_STYLE: "false", S3_ENDPOINT: "http://10.0.0.5:9000" }))).toEqual([
      "http://10.0.0.5:9000",
    ])
    expect(storageOrigins(envWith({ S3_FORCE_PATH_STYLE: "false", S3_BUCKET: "files.example.com" }))).toEqual([
      "https://s3.us-east-1.amazonaws.com",
    ])
    const azure = { STORAGE_BACKEND: "azure", AZURE_STORAGE_ACCOUNT: "valetprod", AZURE_STORAGE_KEY: "a2V5" }
    expect(storageOrigins(envWith(azure))).toEqual(["https://valetprod.blob.core.windows.net"])
    expect(
      storageOrigins(
        envWith({ ...azure, AZURE_BLOB_ENDPOINT: "http://10.0.0.7:10000/valetprod", AZURE_SAS_ALLOW_HTTP: "true" }),
      ),
    ).toEqual(["http://10.0.0.7:10000"])
  })

  it("allow scripts only by this response's nonce, and nothing inline or framed", () => {
    const nonce = createNonce()
    const policy = directives(buildContentSecurityPolicy(envWith({ NODE_ENV: "production" }), nonce))
    expect(policy.get("script-src")).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"])
    expect(policy.get("style-src")).toEqual(["'self'", `'nonce-${nonce}'`])
    // Storage only for what a share page previews: images, players and the PDF viewer's frame.
    const storage = "https://s3.us-east-1.amazonaws.com"
    expect(policy.get("img-src")).toEqual(["'self'", "blob:", "data:", storage])
    expect(policy.get("media-src")).toEqual(["'self'", storage])
    expect(policy.get("frame-src")).toEqual(["'self'", storage])
    expect(policy.get("object-src")).toEqual(["'none'"])
    expect(policy.get("base-uri")).toEqual(["'none'"])
    expect(policy.get("frame-ancestors")).toEqual(["'none'"])
    expect(buildContentSecurityPolicy(envWith({ NODE_ENV: "production" }), nonce)).not.toMatch(/unsafe-(inline|eval)/)
  })

  it("mint a different nonce every time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce))
    expect(nonces.size).toBe(100)
    for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/)
  })
})
