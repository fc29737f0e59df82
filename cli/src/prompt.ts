import { createInterface } from "node:readline"

/** Reads a line from the terminal without echoing it (a password or token), or null off a terminal. */
export async function promptHidden(question: string): Promise<string | null> {
  const input = process.stdin
  if (!input.isTTY || !process.stderr.isTTY) return null
  process.stderr.write(question)
  input.setRawMode(true)
  input.resume()
  input.setEncoding("utf8")
  return new Promise((resolve, reject) => {
    let value = ""
    const finish = (result: string | null, error?: Error) => {
      input.setRawMode(false)
      input.pause()
      input.removeListener("data", onData)
      process.stderr.write("\n")
      if (error) reject(error)
      else resolve(result)
    }
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n" || char === "\u0004") return finish(value)
        if (char === "\u0003") return finish(null, Object.assign(new Error("interrupted"), { interrupted: true }))
        if (char === "\u007f" || char === "\b") value = value.slice(0, -1)
        else value += char
      }
    }
    input.on("data", onData)
  })
}

/** All of stdin when it is a pipe (`echo $TOKEN | valet login …`), first line only, trimmed. */
export async function readPipedLine(): Promise<string | null> {
  if (process.stdin.isTTY) return null
  const lines = createInterface({ input: process.stdin })
  for await (const line of lines) {
    lines.close()
    return line.trim()
  }
  return null
}
