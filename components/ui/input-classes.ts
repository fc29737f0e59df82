/**
 * The look of every text input and select. A module of its own, without "use client": a server
 * component that imports a constant from a client module gets a client reference, not the string.
 */
export const INPUT_CLASSES =
  "block w-full rounded-lg border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm placeholder:text-slate-400 focus:outline-2 focus:outline-offset-0 focus:outline-brand-500 disabled:opacity-60 dark:bg-slate-950 dark:text-slate-100"
