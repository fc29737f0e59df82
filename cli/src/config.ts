import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises"
import { homedir } from "node:os"
import path from "node:path"
import { CliError, EXIT } from "./errors.js"

export type Config = { url: string; token: string }
/** The environment variables read here (process.env by default; tests pass their own). */
type Env = Record<string, string | undefined>

/** Where `login` keeps the server URL and token: $XDG_CONFIG_HOME/valet, else ~/.config/valet. */
export function configDir(env: Env = process.env): string {
  const base =
    env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(homedir(), ".config")
  return path.join(base, "valet")
}

export const configFile = (env: Env = process.env) => path.join(configDir(env), "config.json")

/** Interrupted uploads' state: $XDG_STATE_HOME/valet/uploads, else ~/.local/state/valet/uploads. */
export function uploadStateDir(env: Env = process.env): string {
  const base =
    env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)
      ? env.XDG_STATE_HOME
      : path.join(homedir(), ".local", "state")
  return path.join(base, "valet", "uploads")
}

/** Writes a file readable by its owner only, whole or not at all (a kill mid-write leaves the old one). */
export async function writePrivateFile(file: string, content: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 })
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, content, { mode: 0o600 })
  await rename(temporary, file)
}

export async function saveConfig(config: Config, env: Env = process.env): Promise<string> {
  const file = configFile(env)
  await writePrivateFile(file, `${JSON.stringify(config, null, 2)}\n`)
  // An existing folder keeps its mode through mkdir; the token's folder is the owner's alone.
  await chmod(path.dirname(file), 0o700)
  return file
}

export async function removeConfig(env: Env = process.env): Promise<boolean> {
  const file = configFile(env)
  const existed = await stat(file).then(
    () => true,
    () => false,
  )
  await rm(file, { force: true })
  return existed
}

/**
 * The server and token to use: VALET_URL and VALET_TOKEN win over the saved login. A saved file
 * that others can read is made 0600 again (with a warning): it holds a bearer token.
 */
export async function loadConfig(warn: (line: string) => void, env: Env = process.env): Promise<Config> {
  const file = configFile(env)
  let saved: Partial<Config> = {}
  const info = await stat(file).catch(() => null)
  if (info) {
    if ((info.mode & 0o077) !== 0) {
      await chmod(file, 0o600)
      warn(`${file} was readable by others (mode ${(info.mode & 0o777).toString(8)}); it is 0600 now`)
    }
    try {
      saved = JSON.parse(await readFile(file, "utf8")) as Partial<Config>
    } catch {
      throw new CliError(`${file} is not valid JSON; run \`valet login <url>\` again`, EXIT.auth, "bad_config")
    }
  }
  const url = env.VALET_URL || saved.url
  const token = env.VALET_TOKEN || saved.token
  if (!url || !token) {
    throw new CliError(
      "Not logged in: run `valet login <url>`, or set VALET_URL and VALET_TOKEN",
      EXIT.auth,
      "not_logged_in",
    )
  }
  return { url: normalizeServerUrl(url), token }
}

/** "https://files.example.com/" → "https://files.example.com"; anything but http(s) is a usage error. */
export function normalizeServerUrl(raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new CliError(`${raw} is not a URL (expected e.g. https://files.example.com)`, EXIT.usage, "usage")
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new CliError(`${raw} is not an http(s) URL`, EXIT.usage, "usage")
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`
}
