/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `next dev` otherwise writes an AGENTS.md into the repo when it guesses an agent started it.
  agentRules: false,
  // `next dev` logs every request's path; share links (/s/…) and upload-request links (/r/…, and
  // their API under /api/r/…) carry their token in the path (DESIGN §3.9).
  logging: { incomingRequests: { ignore: [/^\/(api\/)?[sr]\//] } },
  async headers() {
    // Share and upload-request pages carry the token in their URL: keep it out of caches and
    // Referer headers.
    const tokenInUrl = [
      { key: "Cache-Control", value: "no-store" },
      { key: "Referrer-Policy", value: "no-referrer" },
    ]
    return [
      { source: "/s/:token", headers: tokenInUrl },
      { source: "/r/:token", headers: tokenInUrl },
    ]
  },
}

export default nextConfig
