/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `next dev` otherwise writes an AGENTS.md into the repo when it guesses an agent started it.
  agentRules: false,
}

export default nextConfig
