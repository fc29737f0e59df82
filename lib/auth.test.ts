import { afterEach, describe, expect, it, vi } from "vitest"

const baseEnv = {
  DATABASE_URL: "postgresql://unused@127.0.0.1:1/unused",
  AUTH_SECRET: "unit-test-secret-of-at-least-32-characters",
}

async function authOptionsWith(env: Record<string, string>) {
  vi.resetModules()
  for (const [name, value] of Object.entries({ ...baseEnv, ...env })) vi.stubEnv(name, value)
  return (await import("@/lib/auth")).getAuthOptions()
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe("getAuthOptions", () => {
  it("offers email and password only, with JWT sessions and Valet's own pages, by default", async () => {
    const options = await authOptionsWith({})
    expect(options.providers.map((provider) => provider.id)).toEqual(["credentials"])
    expect(options.session).toMatchObject({ strategy: "jwt" })
    expect(options.pages).toEqual({ signIn: "/sign-in", signOut: "/sign-out", error: "/sign-in" })
    expect(options.secret).toBe(baseEnv.AUTH_SECRET)
    // next-auth derives links and the cookies' Secure flag from NEXTAUTH_URL.
    expect(process.env.NEXTAUTH_URL).toBe("http://localhost:3000")
  })

  it("adds an OpenID Connect provider when its three settings are present", async () => {
    const options = await authOptionsWith({
      OIDC_ISSUER: "https://id.example.com/realms/valet",
      OIDC_CLIENT_ID: "valet",
      OIDC_CLIENT_SECRET: "s3cret",
      OIDC_DISPLAY_NAME: "Example SSO",
    })
    const oidc = options.providers.find((provider) => provider.id === "oidc")
    expect(oidc).toMatchObject({
      name: "Example SSO",
      type: "oauth",
      wellKnown: "https://id.example.com/realms/valet/.well-known/openid-configuration",
      clientId: "valet",
      idToken: true,
      checks: ["pkce", "state"],
    })
  })

  it("hands an https APP_URL to next-auth, which then marks its cookies Secure", async () => {
    await authOptionsWith({ APP_URL: "https://files.example.com" })
    expect(process.env.NEXTAUTH_URL).toBe("https://files.example.com")
  })
})
