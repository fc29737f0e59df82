/**
 * The command-line client (cli/, `npx valet`) against a real app instance from the production
 * build and this profile's storage: every command as a user would run it (a separate Node process,
 * its own config and state folders), their exit codes, and a multipart upload whose process is
 * SIGKILLed mid-way and resumed by a rerun that sends only the parts storage does not hold.
 */
import { spawn } from "node:child_process"
import { createHash, randomBytes, randomUUID } from "node:crypto"
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises"
import { createConnection, createServer, type Socket } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import ts from "typescript"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { applyMigrations } from "@/scripts/migrate"
import { freePort } from "@/scripts/services/ports"
import { sessionCookie } from "@/tests/support/app"
import { startAppInstance, type AppInstance } from "@/tests/support/app-instance"
import { createFreshDatabase, query } from "@/tests/support/database"

const PROFILE = process.env.VALET_STORAGE_PROFILE ?? "unknown"
const MIB = 1024 * 1024
/** The exit codes docs/cli.md promises. */
const EXIT = { ok: 0, usage: 2, auth: 3, password: 4, notFound: 5, gone: 6 } as const

type Run = { code: number | null; stdout: string; stderr: string; json: () => Record<string, unknown> }

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex")
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The CLI's sources as plain JavaScript, transpiled once (as `npm run build` in cli/ would, minus
 * the type check): some 40 runs then skip tsx's start-up. The one test of `npx valet` runs the
 * real bin, sources through tsx.
 */
async function compileCli(into: string): Promise<string> {
  const sources = path.resolve("cli/src")
  await mkdir(into, { recursive: true })
  for (const name of await readdir(sources)) {
    if (!name.endsWith(".ts")) continue
    const { outputText } = ts.transpileModule(await readFile(path.join(sources, name), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    })
    await writeFile(path.join(into, name.replace(/\.ts$/, ".js")), outputText)
  }
  await writeFile(path.join(into, "package.json"), JSON.stringify({ type: "module" }))
  return path.join(into, "main.js")
}

/**
 * A loopback relay in front of storage's public endpoint that can be told to stop forwarding what
 * clients send after a number of bytes: an upload stalls mid-part, deterministically, while the
 * parts before it are already in storage.
 */
async function startStallingRelay(target: string) {
  const { hostname, port: targetPort } = new URL(target)
  let budget = Number.POSITIVE_INFINITY
  const open = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(targetPort) })
    for (const socket of [client, upstream]) {
      open.add(socket)
      socket.once("close", () => open.delete(socket))
      socket.on("error", () => undefined)
    }
    client.on("data", (chunk: Buffer) => {
      if (budget <= 0) return
      const allowed = chunk.subarray(0, Math.min(chunk.length, budget))
      budget -= allowed.length
      upstream.write(allowed)
    })
    upstream.pipe(client)
    client.once("close", () => upstream.destroy())
    upstream.once("close", () => client.destroy())
  })
  const port = await freePort()
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()))
  return {
    url: `http://127.0.0.1:${port}${new URL(target).pathname.replace(/\/$/, "")}`,
    /** From now on, forward at most `bytes` more of what clients send; the rest waits forever. */
    stallAfter: (bytes: number) => void (budget = bytes),
    /** Forward everything again; stalled connections are cut (their clients are gone anyway). */
    flow() {
      budget = Number.POSITIVE_INFINITY
      for (const socket of open) socket.destroy()
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

describe(`valet CLI on ${PROFILE} storage`, () => {
  let database: { url: string; drop: () => Promise<void> }
  let relay: Awaited<ReturnType<typeof startStallingRelay>>
  let instance: AppInstance
  let home: string
  let token: string
  let userId: string
  let CLI: string

  /** A user's environment: HOME and XDG folders of the test's own, no variable of the test runner's. */
  const cliEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    NODE_ENV: "production",
    PATH: process.env.PATH ?? "",
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, "config"),
    XDG_STATE_HOME: path.join(home, "state"),
    ...extra,
  })

  /** The CLI as a user runs it: its own process and folders. */
  function valet(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: home, env: cliEnv(env), stdio: "pipe" })
      let stdout = ""
      let stderr = ""
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
      child.stdin.end(stdin ?? "")
      const timer = setTimeout(() => child.kill("SIGKILL"), 120_000)
      child.once("error", reject)
      child.once("close", (code) => {
        clearTimeout(timer)
        resolve({
          code,
          stdout,
          stderr,
          json: () => {
            try {
              return JSON.parse(stdout) as Record<string, unknown>
            } catch {
              throw new Error(`not JSON (exit ${code}):\n${stdout}\n${stderr}`)
            }
          },
        })
      })
    })
  }
  const expectExit = (run: Run, code: number) => expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(code)

  async function writeRandomFile(name: string, size: number) {
    const data = new Uint8Array(randomBytes(size))
    const file = path.join(home, "files", name)
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, data)
    return { file, data }
  }

  beforeAll(async () => {
    home = await mkdtemp(path.join(tmpdir(), "valet-cli-"))
    CLI = await compileCli(path.join(home, "cli"))
    database = await createFreshDatabase("cli")
    await applyMigrations(database.url)
    const isAzure = process.env.STORAGE_BACKEND === "azure"
    const endpoint = isAzure ? process.env.AZURE_BLOB_ENDPOINT : process.env.S3_ENDPOINT
    if (!endpoint) throw new Error("no storage endpoint: run the tests through `npm test`")
    relay = await startStallingRelay(endpoint)
    instance = await startAppInstance({
      env: {
        DATABASE_URL: database.url,
        // Keys name the relay (the signed host must be the one the client reaches); the app's own
        // storage calls go straight to storage.
        ...(isAzure ? { AZURE_BLOB_PUBLIC_ENDPOINT: relay.url } : { S3_PUBLIC_ENDPOINT: relay.url }),
        // Small parts keep the multipart case cheap: 5 MiB is S3's minimum.
        MULTIPART_THRESHOLD_BYTES: String(5 * MIB),
        MULTIPART_PART_SIZE_BYTES: String(5 * MIB),
        REAPER_INTERVAL_SECONDS: "0",
      },
    })
    const email = `cli-${randomUUID()}@example.com`
    const registered = await fetch(`${instance.url}/api/register`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: instance.url },
      body: JSON.stringify({ email, password: "a long enough cli password" }),
    })
    expect(registered.status).toBe(201)
    userId = ((await registered.json()) as { user: { id: string } }).user.id
    const created = await fetch(`${instance.url}/api/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: instance.url, cookie: await sessionCookie(userId) },
      body: JSON.stringify({ name: "cli" }),
    })
    expect(created.status).toBe(201)
    token = ((await created.json()) as { token: { secret: string } }).token.secret
  })

  afterAll(async () => {
    await instance?.stop()
    await relay?.close()
    await database?.drop()
    if (home) await rm(home, { recursive: true, force: true })
  })

  it("`npx valet` runs the CLI from anywhere in the repository (the root package's bin)", async () => {
    const npx = await new Promise<Run>((resolve, reject) => {
      const child = spawn("npx", ["--offline", "--no-install", "valet", "--version"], {
        cwd: path.resolve("docs"),
        env: { ...process.env, XDG_CONFIG_HOME: path.join(home, "config") },
      })
      let stdout = ""
      let stderr = ""
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
      child.once("error", reject)
      child.once("close", (code) => resolve({ code, stdout, stderr, json: () => ({}) }))
    })
    expectExit(npx, EXIT.ok)
    const cliPackage = JSON.parse(await readFile(path.resolve("cli/package.json"), "utf8")) as { version: string }
    expect(npx.stdout.trim()).toBe(cliPackage.version)
  })

  it("login refuses a bad token and saves nothing; a good one is saved 0600 in a 0700 folder", async () => {
    const refused = await valet(["login", instance.url], { VALET_TOKEN: `vlt_${"x".repeat(43)}` })
    expectExit(refused, EXIT.auth)
    await expect(stat(path.join(home, "config", "valet", "config.json"))).rejects.toThrow()

    // A token piped on stdin (no terminal to ask on), as a script would.
    const login = await valet(["login", instance.url, "--json"], {}, `${token}\n`)
    expectExit(login, EXIT.ok)
    const file = path.join(home, "config", "valet", "config.json")
    expect(login.json()).toMatchObject({ url: instance.url, config: file })
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    expect((await stat(path.dirname(file))).mode & 0o777).toBe(0o700)
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ url: instance.url, token })
  })

  it("uploads small files with --share, lists them, and a recipient downloads the link intact", async () => {
    const one = await writeRandomFile("one.txt", 3000)
    const two = await writeRandomFile("two words.bin", 70_000)
    const upload = await valet([
      "upload",
      one.file,
      two.file,
      "--share",
      "--expires",
      "2h",
      "--max-downloads",
      "3",
      "--title",
      "from the cli",
      "--json",
    ])
    expectExit(upload, EXIT.ok)
    const result = upload.json() as {
      files: { file: { id: string; name: string; size: number; type: string }; partsSent: number }[]
      share: { id: string; url: string; maxDownloads: number; expiresAt: string; files: { id: string }[] }
    }
    expect(result.files.map((report) => report.file)).toMatchObject([
      { name: "one.txt", size: 3000, type: "text/plain" },
      { name: "two words.bin", size: 70_000, type: "application/octet-stream" },
    ])
    expect(result.share.maxDownloads).toBe(3)
    expect(Date.parse(result.share.expiresAt) - Date.now()).toBeGreaterThan(7100_000)
    expect(Date.parse(result.share.expiresAt) - Date.now()).toBeLessThanOrEqual(7200_000)
    expect(result.share.files.map((file) => file.id)).toEqual(result.files.map((report) => report.file.id))

    const listed = await valet(["ls", "--json"])
    expectExit(listed, EXIT.ok)
    const ids = (listed.json().files as { id: string }[]).map((file) => file.id)
    for (const report of result.files) expect(ids).toContain(report.file.id)
    const plain = await valet(["ls"])
    expect(plain.stdout).toContain("two words.bin")

    const shares = await valet(["shares", "--json"])
    expectExit(shares, EXIT.ok)
    expect(shares.json().shares).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: result.share.id, url: result.share.url })]),
    )

    // The recipient has no account: no config, no token.
    const recipient = path.join(home, "recipient")
    const download = await valet(["download", result.share.url, "-o", recipient, "--json"], {
      XDG_CONFIG_HOME: path.join(home, "nobody"),
    })
    expectExit(download, EXIT.ok)
    expect(sha256(await readFile(path.join(recipient, "one.txt")))).toBe(sha256(one.data))
    expect(sha256(await readFile(path.join(recipient, "two words.bin")))).toBe(sha256(two.data))
    // A second download of the same link does not overwrite what the first one saved.
    const again = await valet(["download", result.share.url, "-o", recipient, "--json"])
    expectExit(again, EXIT.ok)
    expect((again.json().files as { path: string }[]).map((file) => path.basename(file.path))).toEqual([
      "one (1).txt",
      "two words (1).bin",
    ])
  })

  it("a password link: asked of the recipient, refused when wrong, never taken from argv", async () => {
    const secret = await writeRandomFile("secret.pdf", 1234)
    const upload = await valet(["upload", secret.file, "--json"])
    expectExit(upload, EXIT.ok)
    const fileId = (upload.json().files as { file: { id: string } }[])[0]?.file.id ?? ""

    const inArgv = await valet(["share", fileId, "--password=hunter22"])
    expectExit(inArgv, EXIT.usage)
    expect(inArgv.stderr).toContain("VALET_SHARE_PASSWORD")

    const shared = await valet(["share", fileId, "--password", "--json"], { VALET_SHARE_PASSWORD: "tangerine" })
    expectExit(shared, EXIT.ok)
    const share = shared.json().share as { url: string; hasPassword: boolean }
    expect(share.hasPassword).toBe(true)

    const out = path.join(home, "password-out")
    const none = await valet(["download", share.url, "-o", out, "--json"])
    expectExit(none, EXIT.password)
    expect(none.json()).toMatchObject({ error: { code: "password_required", exitCode: EXIT.password } })
    const wrong = await valet(["download", share.url, "-o", out], { VALET_SHARE_PASSWORD: "grapefruit" })
    expectExit(wrong, EXIT.password)
    const right = await valet(["download", share.url, "-o", out], { VALET_SHARE_PASSWORD: "tangerine" })
    expectExit(right, EXIT.ok)
    expect(sha256(await readFile(path.join(out, "secret.pdf")))).toBe(sha256(secret.data))
  })

  it("revoke ends a link for its recipients; rm deletes a file, then answers not found", async () => {
    const data = await writeRandomFile("short-lived.txt", 500)
    const upload = await valet(["upload", data.file, "--share", "--json"])
    expectExit(upload, EXIT.ok)
    const { share, files } = upload.json() as { share: { id: string; url: string }; files: { file: { id: string } }[] }
    const fileId = files[0]?.file.id ?? ""

    expectExit(await valet(["revoke", share.id]), EXIT.ok)
    const revoked = await valet(["download", share.url, "-o", path.join(home, "revoked"), "--json"])
    expectExit(revoked, EXIT.gone)
    expect(revoked.json()).toMatchObject({ error: { code: "share_revoked" } })
    expectExit(await valet(["revoke", "cl0000000000000000000000"]), EXIT.notFound)

    expectExit(await valet(["rm", fileId]), EXIT.ok)
    const listed = await valet(["ls", "--json"])
    expect((listed.json().files as { id: string }[]).map((file) => file.id)).not.toContain(fileId)
    expectExit(await valet(["rm", fileId]), EXIT.notFound)
  })

  it("auth and usage errors have their own exit codes; a config others can read is made 0600", async () => {
    expectExit(await valet(["ls"], { VALET_TOKEN: `vlt_${"y".repeat(43)}` }), EXIT.auth)
    expectExit(await valet(["ls"], { XDG_CONFIG_HOME: path.join(home, "nobody") }), EXIT.auth)
    expectExit(await valet(["frobnicate"]), EXIT.usage)
    expectExit(await valet(["upload"]), EXIT.usage)
    expectExit(await valet(["upload", path.join(home, "no-such-file")]), EXIT.usage)
    expectExit(await valet(["ls", "--share"]), EXIT.usage)
    expectExit(await valet(["share", "x", "--expires", "soon"]), EXIT.usage)

    const file = path.join(home, "config", "valet", "config.json")
    await chmod(file, 0o644)
    const loose = await valet(["ls"])
    expectExit(loose, EXIT.ok)
    expect(loose.stderr).toContain("readable by others")
    expect((await stat(file)).mode & 0o777).toBe(0o600)

    // An expired token is refused like a wrong one.
    const created = await fetch(`${instance.url}/api/tokens`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: "soon expired", expiresInDays: 1 }),
    })
    expect(created.status).toBe(201)
    const { token: shortLived } = (await created.json()) as { token: { id: string; secret: string } }
    expectExit(await valet(["ls"], { VALET_TOKEN: shortLived.secret }), EXIT.ok)
    await query(database.url, `UPDATE "ApiToken" SET "expiresAt" = now() - interval '1 minute' WHERE id = $1`, [
      shortLived.id,
    ])
    const expired = await valet(["ls", "--json"], { VALET_TOKEN: shortLived.secret })
    expectExit(expired, EXIT.auth)
    expect(expired.json()).toMatchObject({ error: { code: "invalid_token", status: 401 } })
  })

  it("draws a progress bar on a terminal", async () => {
    const { file } = await writeRandomFile("on-a-terminal.txt", 2000)
    // util-linux `script` gives the CLI a pseudo-terminal; -e passes its exit code on.
    const onTty = await new Promise<Run>((resolve, reject) => {
      const child = spawn("script", ["-qec", `'${process.execPath}' '${CLI}' upload '${file}'`, "/dev/null"], {
        cwd: home,
        env: cliEnv(),
      })
      let stdout = ""
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
      child.once("error", reject)
      child.once("close", (code) => resolve({ code, stdout, stderr: "", json: () => ({}) }))
    })
    expectExit(onTty, EXIT.ok)
    expect(onTty.stdout).toContain("\r\x1b[2Kon-a-terminal.txt [########################] 100%")
  })

  it("the README's curl recipe (grant, PUT, complete, share) works as printed", async () => {
    const readme = await readFile(path.resolve("README.md"), "utf8")
    const block = /<!-- curl-recipe -->\s*```sh\n([\s\S]*?)```\s*<!-- \/curl-recipe -->/.exec(readme)?.[1]
    expect(block).toBeDefined()
    // Its first line sets placeholders; the test sets them in the environment instead.
    const [placeholders, ...rest] = (block ?? "").split("\n")
    expect(placeholders).toMatch(/^VALET=\S+ TOKEN=\S+ FILE=\S+ TYPE=\S+$/)
    const { file, data } = await writeRandomFile("curl report.pdf", 20_000)
    const recipe = await new Promise<Run>((resolve, reject) => {
      const child = spawn("bash", ["-euo", "pipefail", "-c", rest.join("\n")], {
        cwd: home,
        env: cliEnv({ VALET: instance.url, TOKEN: token, FILE: file, TYPE: "application/pdf" }),
      })
      let stdout = ""
      let stderr = ""
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
      child.once("error", reject)
      child.once("close", (code) => resolve({ code, stdout, stderr, json: () => ({}) }))
    })
    expectExit(recipe, EXIT.ok)
    const url = recipe.stdout.trim()
    expect(url).toMatch(new RegExp(`^${instance.url}/s/[A-Za-z0-9_-]+$`))
    const out = path.join(home, "curl-out")
    const download = await valet(["download", url, "-o", out, "--json"])
    expectExit(download, EXIT.ok)
    expect(download.json().files).toMatchObject([{ name: "curl report.pdf", type: "application/pdf", size: 20_000 }])
    expect(sha256(await readFile(path.join(out, "curl report.pdf")))).toBe(sha256(data))
  })

  it("a multipart upload killed mid-way resumes on rerun, sends only the missing parts, and downloads intact", async () => {
    // 4 parts of 5, 5, 5 and 1 MiB; one part in flight at a time, so the stall comes after part 1.
    const big = await writeRandomFile("big.bin", 16 * MIB)
    const stateDir = path.join(home, "state", "valet", "uploads")
    relay.stallAfter(5 * MIB + 64 * 1024)
    const child = spawn(process.execPath, [CLI, "upload", big.file, "--parallel", "1"], {
      cwd: home,
      env: cliEnv(),
      stdio: "ignore",
    })
    const exited = new Promise((resolve) => child.once("exit", resolve))
    let state: { uploadId: string; partCount: number; parts: Record<string, string> } | undefined
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline) {
      const [name] = await readdir(stateDir).catch(() => [] as string[])
      if (name?.endsWith(".json")) {
        state = JSON.parse(await readFile(path.join(stateDir, name), "utf8")) as typeof state
        if (state && Object.keys(state.parts).length > 0) break
      }
      await sleep(50)
    }
    expect(state?.partCount).toBe(4)
    expect(Object.keys(state?.parts ?? {})).toEqual(["1"])
    child.kill("SIGKILL")
    await exited
    relay.flow()
    const uploadId = state?.uploadId ?? ""
    const resumedAt = (await query<{ now: Date }>(database.url, "SELECT now()"))[0]?.now

    const rerun = await valet(["upload", big.file, "--share", "--json"])
    expectExit(rerun, EXIT.ok)
    const result = rerun.json() as {
      files: { file: { id: string; size: number }; resumed: boolean; partCount: number; partsSent: number }[]
      share: { url: string }
    }
    expect(result.files[0]).toMatchObject({ resumed: true, partCount: 4, partsSent: 3, file: { size: 16 * MIB } })
    // Off a terminal, progress is one plain line per event on stderr.
    expect(rerun.stderr).toContain("big.bin: resuming: 1 of 4 parts already in storage, sending 3")
    expect(rerun.stderr).toContain("big.bin: part 4/4 uploaded")
    expect(rerun.stderr).not.toContain("\r")
    // The server's audit of minted keys agrees: the rerun had parts 2-4 signed, never part 1.
    const signed = await query<{ part: number }>(
      database.url,
      // One audit row per signing call, listing its parts (details.partNumbers).
      `SELECT part::int AS part FROM "AuditEvent", jsonb_array_elements_text(details->'partNumbers') AS part
        WHERE action = 'upload.part' AND "uploadId" = $1 AND "createdAt" >= $2 ORDER BY 1`,
      [uploadId, resumedAt],
    )
    expect([...new Set(signed.map((row) => row.part))]).toEqual([2, 3, 4])
    expect(await readdir(stateDir)).toEqual([])

    const out = path.join(home, "big-out")
    expectExit(await valet(["download", result.share.url, "-o", out]), EXIT.ok)
    expect(sha256(await readFile(path.join(out, "big.bin")))).toBe(sha256(big.data))
  })
})
