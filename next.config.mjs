import createNextIntlPlugin from "next-intl/plugin"

// Languages without locale prefixes in URLs: i18n/request.ts picks one per request (cookie, then
// Accept-Language).
const withNextIntl = createNextIntlPlugin("./i18n/request.ts")

// `npm run bench` builds the app a second time with one more route, the empty handler it measures
// Next.js's own cost per request with (app/api/bench/floor/route.bench.ts). Only this flag adds the
// `bench.ts` extension, and that build goes to its own folder, so the production build in .next
// never holds the route (scripts/check-build.ts checks it after every `npm run build`).
const isBenchBuild = process.env.VALET_BENCH_BUILD === "1"
const BENCH_DIST_DIR = ".next-bench"

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  ...(isBenchBuild ? { pageExtensions: ["bench.ts", "tsx", "ts", "jsx", "js"], distDir: BENCH_DIST_DIR } : {}),
  poweredByHeader: false,
  // `next dev` otherwise writes an AGENTS.md into the repo when it guesses an agent started it.
  agentRules: false,
  // `next dev` logs every request's path; share links (/s/…) and upload-request links (/r/…, and
  // their API under /api/r/…) carry their token in the path (DESIGN §3.9).
  logging: { incomingRequests: { ignore: [/^\/(api\/)?[sr]\//] } },
  async headers() {
    // Every response, assets and JSON included. (Pages also get a per-request CSP with a nonce,
    // and HSTS in production over https, from proxy.ts: those depend on runtime settings, and
    // these headers are fixed at build time.)
    const everywhere = [
      { key: "X-Content-Type-Options", value: "nosniff" },
      // frame-ancestors 'none' in the CSP says the same to current browsers.
      { key: "X-Frame-Options", value: "DENY" },
      { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    ]
    // JSON loads nothing, so its policy denies everything (it matters if a response is ever
    // rendered as a document, e.g. opened directly in a tab).
    const apiPolicy = [
      {
        key: "Content-Security-Policy",
        value: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      },
    ]
    // Share and upload-request pages carry the token in their URL: keep it out of caches and
    // Referer headers. Listed after `everywhere`: for the same header the later rule wins (over the
    // route handler's own, too).
    const tokenInUrl = [
      { key: "Cache-Control", value: "no-store" },
      { key: "Referrer-Policy", value: "no-referrer" },
    ]
    return [
      { source: "/:path*", headers: everywhere },
      { source: "/api/:path*", headers: apiPolicy },
      { source: "/s/:token", headers: tokenInUrl },
      // The download redirect sets these itself, but a rule here overrides a handler's header.
      { source: "/s/:token/download", headers: tokenInUrl },
      { source: "/r/:token", headers: tokenInUrl },
    ]
  },
}

export default withNextIntl(nextConfig)
