// An unknown link says only that: not whether it ever existed.
export default function ShareNotFound() {
  return (
    <section className="mx-auto max-w-md space-y-3 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">This link does not exist</h1>
      <p className="text-slate-600 dark:text-slate-300">
        Check that you copied the whole link, or ask its owner for a new one.
      </p>
    </section>
  )
}
