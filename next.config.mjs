/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `next dev` otherwise writes an AGENTS.md into the repo when it guesses an agent started it.
  agentRules: false,
  // `next dev` logs every request's path; a share page's path is its token (DESIGN §3.9).
  logging: { incomingRequests: { ignore: [/^\/s\//] } },
  async headers() {
    // Share pages carry the token in their URL: keep it out of caches and Referer headers.
    return [
      {
        source: "/s/:token",
        headers: [
          { key: "Cache-Control", value: "no-store" },
          { key: "Referrer-Policy", value: "no-referrer" },
        ],
      },
    ]
  },
}

export default nextConfig
