import { main } from "./cli.js"
import { EXIT } from "./errors.js"

process.on("SIGINT", () => {
  process.stderr.write("\nvalet: interrupted; run the same upload again to resume it\n")
  process.exit(EXIT.interrupted)
})

const code = await main(process.argv.slice(2))
// Exits once stdout is flushed (a pipe is written asynchronously), without waiting for idle
// keep-alive sockets to close.
process.stdout.write("", () => process.exit(code))
