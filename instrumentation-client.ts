import { z } from "zod"

// Runs in the browser before the app hydrates. Zod probes whether it may compile validators with
// `new Function`; the page's CSP forbids eval, and the browser reports the probe as a violation
// even though Zod catches the error. jitless skips the probe (validation is the same, a little
// slower, which forms do not notice).
z.config({ jitless: true })
