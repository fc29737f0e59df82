import type { ServerEnv } from "@/lib/env"

/** The settings the page headers depend on: all runtime environment, none known at build time. */
export type SecurityHeaderEnv = Pick<
  ServerEnv,
  | "NODE_ENV"
  | "APP_URL"
  | "S3_ENDPOINT"
  | "S3_PUBLIC_ENDPOINT"
  | "S3_BUCKET"
  | "S3_REGION"
  | "S3_FORCE_PATH_STYLE"
  | "STORAGE_BACKEND"
  | "AZURE_STORAGE_ACCOUNT"
  | "AZURE_BLOB_ENDPOINT"
  | "AZURE_BLOB_PUBLIC_ENDPOINT"
>

/** Two years, the value the HSTS preload list asks for. */
const HSTS_MAX_AGE_SECONDS = 2 * 365 * 24 * 60 * 60

const isIpAddress = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith("[")

/**
 * The origins a browser sends storage requests to: where Uppy PUTs parts and where download keys
 * point. The presigner picks path style (`endpoint/bucket/key`) or virtual-hosted style
 * (`bucket.endpoint/key`) by its own rules (bucket name, IP hosts, S3_FORCE_PATH_STYLE), so when
 * virtual-hosted style is possible both origins are allowed — both belong to our bucket's
 * endpoint, nothing wider.
 */
export function storageOrigins(env: SecurityHeaderEnv): string[] {
  // Azure SAS URLs always address the account's one blob endpoint (Azurite: path-style).
  if (env.STORAGE_BACKEND === "azure") {
    const endpoint =
      env.AZURE_BLOB_PUBLIC_ENDPOINT ??
      env.AZURE_BLOB_ENDPOINT ??
      `https://${env.AZURE_STORAGE_ACCOUNT}.blob.core.windows.net`
    return [new URL(endpoint).origin]
  }
  const endpoint = new URL(env.S3_PUBLIC_ENDPOINT ?? env.S3_ENDPOINT ?? `https://s3.${env.S3_REGION}.amazonaws.com`)
  const origins = [endpoint.origin]
  const virtualHostPossible =
    !env.S3_FORCE_PATH_STYLE && !env.S3_BUCKET.includes(".") && !isIpAddress(endpoint.hostname)
  if (virtualHostPossible) origins.push(`${endpoint.protocol}//${env.S3_BUCKET}.${endpoint.host}`)
  return origins
}

/** A fresh, unguessable nonce for one response (128 bits, base64). */
export function createNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))
}

/** HTTPS in production only: HSTS on http://localhost would pin a developer's browser to https. */
export function usesHsts(env: SecurityHeaderEnv): boolean {
  return env.NODE_ENV === "production" && new URL(env.APP_URL).protocol === "https:"
}

/**
 * The Content-Security-Policy of an HTML page. Scripts run only with this response's nonce
 * (Next.js puts it on its own script tags when it finds it in the request's CSP header);
 * 'strict-dynamic' lets those scripts load the app's chunks, so no host allow-list is needed.
 * Styles: Next.js serves CSS as <link> files and applies the nonce to any inline <style> it
 * emits, while Uppy and React set styles through the CSSOM (element.style), which CSP does not
 * govern — so neither 'unsafe-inline' nor hashes are needed.
 */
export function buildContentSecurityPolicy(env: SecurityHeaderEnv, nonce: string): string {
  const storage = storageOrigins(env).join(" ")
  const isDev = env.NODE_ENV === "development"
  const directives = [
    "default-src 'self'",
    // 'self' and https: are ignored by browsers that understand 'strict-dynamic' (all current
    // ones); they keep older ones working without opening inline scripts. React's dev build
    // evaluates code for its call stacks, hence 'unsafe-eval' in development only.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    // `next dev` injects CSS as <style> tags without a nonce while hot-reloading.
    isDev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    // Uppy previews chosen images as blob: URLs; data: for small inline images and icons. A share
    // page shows previews from storage (inline keys, reached through the app's 302): images,
    // players and the PDF viewer's frame.
    `img-src 'self' blob: data: ${storage}`,
    `media-src 'self' ${storage}`,
    `frame-src 'self' ${storage}`,
    // The share page's "Download all" streams through its own service worker (public/share-zip-sw.js).
    "worker-src 'self'",
    "font-src 'self'",
    // Uploads (PUT, multipart calls) go from the browser straight to storage.
    `connect-src 'self' ${storage}`,
    "object-src 'none'",
    "base-uri 'none'",
    // The share page's password form posts to /s/:token/download, which redirects to storage; a
    // form-action also governs the redirects that follow a submission.
    `form-action 'self' ${storage}`,
    "frame-ancestors 'none'",
  ]
  if (usesHsts(env)) directives.push("upgrade-insecure-requests")
  return directives.join("; ")
}

/**
 * The headers only a page response gets, computed per request. The static ones (nosniff,
 * X-Frame-Options, Referrer-Policy) come from next.config.mjs for every response.
 */
export function buildPageSecurityHeaders(env: SecurityHeaderEnv, nonce: string): Record<string, string> {
  const headers: Record<string, string> = { "Content-Security-Policy": buildContentSecurityPolicy(env, nonce) }
  if (usesHsts(env)) headers["Strict-Transport-Security"] = `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`
  return headers
}
