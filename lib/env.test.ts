import { describe, expect, it } from "vitest"
import { describeEnvValue, EnvError, MAX_PRESIGN_TTL_SECONDS, parseLauncherEnv, parseServerEnv } from "@/lib/env"

const base = { DATABASE_URL: "postgresql://valet:secret@127.0.0.1:5432/valet", AUTH_SECRET: "a".repeat(32) }

describe("parseServerEnv", () => {
  it("applies the documented defaults", () => {
    const env = parseServerEnv(base)
    expect(env).toMatchObject({
      APP_URL: "http://localhost:3000",
      S3_REGION: "us-east-1",
      S3_BUCKET: "valet",
      S3_FORCE_PATH_STYLE: true,
      UPLOAD_URL_TTL_SECONDS: 900,
      PART_URL_TTL_SECONDS: 900,
      DOWNLOAD_URL_TTL_SECONDS: 60,
      UPLOAD_GRANT_RATE_LIMIT: 300,
      UPLOAD_GRANT_RATE_WINDOW_SECONDS: 600,
    })
    expect(env.S3_ENDPOINT).toBeUndefined()
  })

  it("validates the Azure settings only when STORAGE_BACKEND=azure, and keeps SAS tokens HTTPS-only unless told", () => {
    expect(parseServerEnv(base).STORAGE_BACKEND).toBe("s3")
    const azure = {
      ...base,
      STORAGE_BACKEND: "azure",
      AZURE_STORAGE_ACCOUNT: "valetprod",
      AZURE_STORAGE_KEY: "c2VjcmV0a2V5",
    }
    expect(parseServerEnv(azure)).toMatchObject({ AZURE_STORAGE_CONTAINER: "valet", AZURE_SAS_ALLOW_HTTP: false })
    expect(() => parseServerEnv({ ...azure, AZURE_STORAGE_KEY: "" })).toThrow(
      /needs AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY/,
    )
    expect(() => parseServerEnv({ ...azure, AZURE_STORAGE_KEY: "not base64!" })).toThrow(
      /AZURE_STORAGE_KEY must be the account key/,
    )
    expect(() => parseServerEnv({ ...azure, AZURE_STORAGE_ACCOUNT: "Valet_Prod" })).toThrow(/AZURE_STORAGE_ACCOUNT/)
    expect(() => parseServerEnv({ ...azure, AZURE_STORAGE_CONTAINER: "v" })).toThrow(/AZURE_STORAGE_CONTAINER/)
    const azurite = { ...azure, AZURE_BLOB_ENDPOINT: "http://127.0.0.1:10000/valetprod" }
    expect(() => parseServerEnv(azurite)).toThrow(/AZURE_SAS_ALLOW_HTTP=true/)
    expect(parseServerEnv({ ...azurite, AZURE_SAS_ALLOW_HTTP: "true" }).AZURE_SAS_ALLOW_HTTP).toBe(true)
    // The S3 settings are not required on Azure, nor the Azure ones on S3.
    expect(parseServerEnv({ ...base, AZURE_STORAGE_KEY: "not base64!" }).STORAGE_BACKEND).toBe("s3")
  })

  it("names the bad variable and its value in one line", () => {
    const attempt = () => parseServerEnv({ ...base, S3_ENDPOINT: "not a url" })
    expect(attempt).toThrow(EnvError)
    expect(attempt).toThrow(/^Invalid environment: S3_ENDPOINT .*\(got "not a url"\)$/)
    try {
      attempt()
    } catch (error) {
      expect(String((error as Error).message)).not.toContain("\n")
    }
  })

  it("lists every bad variable, and says when one is missing", () => {
    expect(() => parseServerEnv({ S3_BUCKET: "Not_A_Bucket" })).toThrow(
      /DATABASE_URL .*\(unset\).*S3_BUCKET must be a valid S3 bucket name/,
    )
  })

  it("refuses a database URL that is not PostgreSQL", () => {
    expect(() => parseServerEnv({ DATABASE_URL: "mysql://root@localhost/valet" })).toThrow(
      /DATABASE_URL must be a postgres/,
    )
  })

  it("caps presign TTLs at S3's 7-day limit and refuses zero", () => {
    expect(
      parseServerEnv({ ...base, DOWNLOAD_URL_TTL_SECONDS: String(MAX_PRESIGN_TTL_SECONDS) }).DOWNLOAD_URL_TTL_SECONDS,
    ).toBe(604800)
    expect(() => parseServerEnv({ ...base, DOWNLOAD_URL_TTL_SECONDS: String(MAX_PRESIGN_TTL_SECONDS + 1) })).toThrow(
      /DOWNLOAD_URL_TTL_SECONDS/,
    )
    expect(() => parseServerEnv({ ...base, UPLOAD_URL_TTL_SECONDS: "0" })).toThrow(/UPLOAD_URL_TTL_SECONDS/)
  })

  it("parses boolean flags strictly", () => {
    expect(parseServerEnv({ ...base, S3_FORCE_PATH_STYLE: "false" }).S3_FORCE_PATH_STYLE).toBe(false)
    expect(() => parseServerEnv({ ...base, S3_FORCE_PATH_STYLE: "maybe" })).toThrow(/S3_FORCE_PATH_STYLE/)
  })

  it("requires S3 keys in pairs and treats empty strings as unset", () => {
    expect(() => parseServerEnv({ ...base, S3_ACCESS_KEY_ID: "AKIA" })).toThrow(/set together/)
    expect(parseServerEnv({ ...base, S3_ACCESS_KEY_ID: "", S3_SECRET_ACCESS_KEY: "" }).S3_ACCESS_KEY_ID).toBeUndefined()
  })
})

describe("parseServerEnv: accounts", () => {
  it("requires a session secret of at least 32 characters", () => {
    expect(() => parseServerEnv({ DATABASE_URL: base.DATABASE_URL })).toThrow(/AUTH_SECRET .*\(unset\)/)
    expect(() => parseServerEnv({ ...base, AUTH_SECRET: "short" })).toThrow(
      /AUTH_SECRET must be at least 32 characters/,
    )
  })

  it("defaults to open registration, no extra admins, no trusted proxy (the socket's address) and no OIDC", () => {
    const env = parseServerEnv(base)
    expect(env).toMatchObject({ REGISTRATION: "open", ADMIN_EMAILS: [], TRUSTED_PROXY_COUNT: 0 })
    expect(env.OIDC_ISSUER).toBeUndefined()
  })

  it("parses ADMIN_EMAILS as a lower-cased list and refuses a bad entry", () => {
    expect(parseServerEnv({ ...base, ADMIN_EMAILS: " Boss@Example.com,, ops@example.com " }).ADMIN_EMAILS).toEqual([
      "boss@example.com",
      "ops@example.com",
    ])
    expect(() => parseServerEnv({ ...base, ADMIN_EMAILS: "boss@example.com, nope" })).toThrow(/ADMIN_EMAILS/)
  })

  it("accepts REGISTRATION open or closed only", () => {
    expect(parseServerEnv({ ...base, REGISTRATION: "closed" }).REGISTRATION).toBe("closed")
    expect(() => parseServerEnv({ ...base, REGISTRATION: "invite" })).toThrow(/REGISTRATION/)
  })

  it("wants the three OIDC settings together", () => {
    const oidc = {
      OIDC_ISSUER: "https://id.example.com/realms/valet",
      OIDC_CLIENT_ID: "valet",
      OIDC_CLIENT_SECRET: "s3cret",
    }
    expect(parseServerEnv({ ...base, ...oidc })).toMatchObject({ ...oidc, OIDC_DISPLAY_NAME: "single sign-on" })
    expect(() => parseServerEnv({ ...base, OIDC_ISSUER: oidc.OIDC_ISSUER })).toThrow(
      /OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together/,
    )
  })
})

describe("startup errors never echo a secret", () => {
  const messageOf = (attempt: () => unknown) => {
    try {
      attempt()
    } catch (error) {
      return (error as Error).message
    }
    throw new Error("expected the environment to be refused")
  }

  it("hides the password of a refused DATABASE_URL, well-formed or not, and its query", () => {
    for (const url of [
      "mysql://valet:hunter2-db-pass@db.example.com:3306/valet",
      "mysql://valet:hunter2-db-pass@db.example.com/valet?password=hunter2-db-pass",
      "postgres://valet:hunter2/db-pass@ broken host/valet",
      "mysql://valet:hunter2@db@pass@db.example.com/valet",
    ]) {
      const message = messageOf(() => parseServerEnv({ ...base, DATABASE_URL: url }))
      expect(message).toMatch(/^Invalid environment: DATABASE_URL /)
      expect(message).not.toMatch(/hunter2|db-pass|valet:/)
      expect(message).toContain("[redacted]@")
    }
  })

  it("never shows the value of a secret variable, only that it is set", () => {
    const message = messageOf(() => parseServerEnv({ ...base, AUTH_SECRET: "too-short-but-secret" }))
    expect(message).toMatch(/AUTH_SECRET must be at least 32 characters .*\(set, 20 characters, not shown\)$/)
    expect(message).not.toContain("too-short-but-secret")
    for (const name of [
      "S3_SECRET_ACCESS_KEY",
      "OIDC_CLIENT_SECRET",
      "AZURE_STORAGE_KEY",
      "METRICS_TOKEN",
      "SMTP_PASSWORD",
      "S3_ACCESS_KEY_ID",
    ]) {
      expect(describeEnvValue(name, "wJalrXUtnFEMI/K7MDENG")).toBe("set, 21 characters, not shown")
    }
  })

  it("strips userinfo from any URL-valued variable and still shows harmless values", () => {
    const message = messageOf(() => parseServerEnv({ ...base, S3_ENDPOINT: "ftp://key:s3-secret@s3.example.com" }))
    expect(message).toContain("S3_ENDPOINT")
    expect(message).not.toContain("s3-secret")
    expect(describeEnvValue("SMTP_URL", "smtps://mailer:smtp-pass@mail.example.com:465")).toBe(
      'got "smtps://[redacted]@mail.example.com:465"',
    )
    expect(describeEnvValue("REGISTRATION", "invite")).toBe('got "invite"')
    expect(describeEnvValue("S3_ENDPOINT", "not a url")).toBe('got "not a url"')
  })

  it("redacts the launcher's settings the same way", () => {
    const message = messageOf(() =>
      parseLauncherEnv({ VALET_PG_PORT: "70000", DATABASE_URL: "postgres://u:launcher-pass@h/db" }),
    )
    expect(message).not.toContain("launcher-pass")
  })
})

describe("parseLauncherEnv", () => {
  it("defaults to embedded services under .data on non-default ports", () => {
    expect(parseLauncherEnv({})).toMatchObject({
      VALET_DATA_DIR: ".data",
      VALET_PG_PORT: 54329,
      VALET_S3_PORT: 4569,
      PORT: 3000,
    })
  })

  it("refuses a port out of range", () => {
    expect(() => parseLauncherEnv({ VALET_PG_PORT: "70000" })).toThrow(/VALET_PG_PORT/)
  })
})
